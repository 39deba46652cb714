import type { Decider } from '@carenet/eventsourcing';
import { decide } from './decide.js';
import { evolve } from './evolve.js';
import type { TaskCommand } from './task-commands.js';
import type { TaskEvent } from './task-events.js';
import { initialState, type TaskState } from './task-state.js';

/** The Task aggregate (stream `Task-<id>`). */
export const taskDecider: Decider<TaskCommand, TaskEvent, TaskState> = { decide, evolve, initialState };
