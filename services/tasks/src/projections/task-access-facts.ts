import {
  APPENDED_GUARD,
  preparedSql,
  type InlineProjection,
  type StreamStateCache,
} from '@carenet/eventsourcing';
import type { PostgresAccessFacts } from '@carenet/access';
import { evolve, initialState, type TaskEvent, type TaskState } from '../task/index.js';
import { taskAccessFactsSource } from './task-access-facts-source.js';
import { taskCareRelations } from './task-care-relations.js';
import { taskIdOf } from './task-read-model.js';

/** The events that change who takes part in a Task: its creation, a reassignment, a transfer. */
const PARTY_EVENTS: ReadonlySet<string> = new Set([
  'TaskDrafted',
  'TaskRequested',
  'TaskReadied',
  'TaskOwnerChanged',
  'ResponsibilityTransferred',
]);

/** The CTE an append's statement gets when the Task's parties did not change: nothing to write. */
const UNCHANGED = { sql: 'task_facts_unchanged AS (SELECT 1)', params: [] };

const sourceOf = (taskId: string) => `Task/${taskId}`;

/**
 * The Tasks' part of the access facts (issue 18), kept in the append's transaction: each Task's
 * care relations (`taskCareRelations`) replace its previous ones whenever its parties change. In
 * one statement with the append when the Task's state before the event is known (a creation, or
 * cached), as the read model does; otherwise from the state the read model has just stored
 * (`tasks.task_state`, this projection runs after it).
 */
export function taskAccessFacts(
  facts: PostgresAccessFacts,
  states?: StreamStateCache<TaskState>,
): InlineProjection {
  return {
    name: 'tasks-access-facts',
    categories: ['Task'],
    async apply(tx, events) {
      const changed = [
        ...new Set(events.filter((e) => PARTY_EVENTS.has(e.type)).map((e) => taskIdOf(e.streamId))),
      ];
      if (changed.length === 0) return;
      const rows = await tx.query<{ task_id: string; state: TaskState }>(
        preparedSql('SELECT task_id, state FROM tasks.task_state WHERE task_id = ANY($1::text[])'),
        [changed],
      );
      for (const { task_id: id, state } of rows) {
        await taskAccessFactsSource.write(tx, facts, id, state, () => Promise.resolve(undefined));
      }
    },
    statementFor(events) {
      const [event] = events;
      if (event === undefined || events.length !== 1) return undefined;
      if (!PARTY_EVENTS.has(event.type)) return UNCHANGED;
      const prior = event.revision === 0 ? initialState() : states?.at(event.streamId, event.revision - 1);
      if (prior === undefined) return undefined;
      const state = evolve(prior, event as unknown as TaskEvent);
      if (!state.exists) return undefined;
      return facts.replaceSourceStatement(
        sourceOf(taskIdOf(event.streamId)),
        taskCareRelations(state),
        APPENDED_GUARD,
      );
    },
    async reset(tx) {
      await tx.query(`DELETE FROM ${facts.schema}.care_relation WHERE source LIKE 'Task/%'`);
      await tx.query(`DELETE FROM ${facts.schema}.sharing_grant WHERE source LIKE 'Task/%'`);
    },
    // The Tasks' facts among those of every source: copied over at the switch of a rebuild.
    tables: ['care_relation', 'sharing_grant'].map((table) => ({
      name: `${facts.schema}.${table}`,
      rows: { where: "source LIKE 'Task/%'" },
    })),
  };
}
