import { responsibilityInLedger, type Responsibility } from './responsibility.js';
import type { TaskState } from './task-state.js';

/**
 * Who was accountable and who performed a Task at an instant, with the mode, basis and reason
 * (`$responsibility?at=`). `undefined` when the Task does not exist or the instant is before it.
 */
export function responsibilityAt(state: TaskState, instant: string): Responsibility | undefined {
  return state.exists ? responsibilityInLedger(state.responsibility, instant) : undefined;
}
