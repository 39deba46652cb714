import type { Decider } from '@carenet/eventsourcing';
import type { CareTeamCommand } from './care-team-commands.js';
import type { CareTeamEvent } from './care-team-events.js';
import { initialState, type CareTeamState } from './care-team-state.js';
import { decide } from './decide.js';
import { evolve } from './evolve.js';

/** The CareTeam aggregate (stream `CareTeam-<id>`). */
export const careTeamDecider: Decider<CareTeamCommand, CareTeamEvent, CareTeamState> = {
  decide,
  evolve,
  initialState,
};
