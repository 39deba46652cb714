import type { AccessFactsSource } from '@carenet/access';
import { evolve, initialState, type TaskEvent, type TaskState } from '../task/index.js';
import { taskCareRelations } from './task-care-relations.js';

/**
 * The Tasks' access facts from a Task's state: its care relations (`taskCareRelations`), under the
 * source `Task/<id>`. Kept inline by the tasks service (`taskAccessFacts`) and, in the distributed
 * mode, by every other service from `carenet.tasks`.
 */
export const taskAccessFactsSource: AccessFactsSource<TaskState> = {
  category: 'Task',
  initialState,
  evolve: (state, event) => evolve(state, event as unknown as TaskEvent),
  write: (tx, facts, id, state) =>
    facts.replaceSource(tx, `Task/${id}`, state.exists ? taskCareRelations(state) : undefined),
};
