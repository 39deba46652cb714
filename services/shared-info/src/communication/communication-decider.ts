import type { Decider } from '@carenet/eventsourcing';
import type { CommunicationCommand } from './communication-commands.js';
import type { CommunicationEvent } from './communication-events.js';
import { initialState, type CommunicationState } from './communication-state.js';
import { decide } from './decide.js';
import { evolve } from './evolve.js';

/** The Communication aggregate (stream `Communication-<id>`): information about a patient sent by a professional. */
export const communicationDecider: Decider<CommunicationCommand, CommunicationEvent, CommunicationState> = {
  decide,
  evolve,
  initialState,
};
