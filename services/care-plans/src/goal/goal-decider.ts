import type { Decider } from '@carenet/eventsourcing';
import { decide } from './decide.js';
import { evolve } from './evolve.js';
import type { GoalCommand } from './goal-commands.js';
import type { GoalEvent } from './goal-events.js';
import { initialState, type GoalState } from './goal-state.js';

/** The Goal aggregate (stream `Goal-<id>`). */
export const goalDecider: Decider<GoalCommand, GoalEvent, GoalState> = { decide, evolve, initialState };
