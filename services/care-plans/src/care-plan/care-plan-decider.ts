import type { Decider } from '@carenet/eventsourcing';
import type { CarePlanCommand } from './care-plan-commands.js';
import type { CarePlanEvent } from './care-plan-events.js';
import { initialState, type CarePlanState } from './care-plan-state.js';
import { decide } from './decide.js';
import { evolve } from './evolve.js';

/** The CarePlan aggregate (stream `CarePlan-<id>`). */
export const carePlanDecider: Decider<CarePlanCommand, CarePlanEvent, CarePlanState> = {
  decide,
  evolve,
  initialState,
};
