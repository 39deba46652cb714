import {
  APPENDED_GUARD,
  endsWrite,
  preparedSql,
  type BulkRebuild,
  type InlineProjection,
  type RecordedEvent,
  type SqlExecutor,
  type StreamStateCache,
} from '@carenet/eventsourcing';
import {
  recordedMethodOf,
  type HistoryMethod,
  type IndexValueExtractor,
  type PostgresSearchStore,
  type StoredVersion,
} from '@carenet/fhir';
import { CARE_PLAN_ACTION_SYSTEM } from '../care-plan-actions/care-plan-action-identifier.js';
import { taskResource } from '../fhir/index.js';
import {
  evolve,
  initialState,
  isFinished,
  type ExistingTask,
  type TaskEvent,
  type TaskState,
} from '../task/index.js';

const CATEGORY = 'Task';

const UPSERT_STATE_SQL = preparedSql(
  `INSERT INTO tasks.task_state (task_id, revision, last_updated, state, overdue_at, care_plan_action,
     owner_system, owner_value, status, priority_rank, period_start)
   VALUES ($1, $2, $3::timestamptz, $4::json, $5::timestamptz, $6, $7, $8, $9, $10, $11::timestamptz)
   ON CONFLICT (task_id) DO UPDATE SET revision = EXCLUDED.revision,
     last_updated = EXCLUDED.last_updated, state = EXCLUDED.state, overdue_at = EXCLUDED.overdue_at,
     care_plan_action = EXCLUDED.care_plan_action, owner_system = EXCLUDED.owner_system,
     owner_value = EXCLUDED.owner_value, status = EXCLUDED.status,
     priority_rank = EXCLUDED.priority_rank, period_start = EXCLUDED.period_start`,
);

/** The Task id of a stream id (`Task-<id>`). */
export const taskIdOf = (streamId: string): string => streamId.slice(CATEGORY.length + 1);

interface StateRow {
  readonly task_id: string;
  readonly revision: number;
  readonly state: TaskState;
}

/** The same upsert as one CTE of an append's statement: only when the append stored its events. */
const GUARDED_UPSERT_STATE_SQL = `INSERT INTO tasks.task_state (task_id, revision, last_updated, state, overdue_at,
     care_plan_action, owner_system, owner_value, status, priority_rank, period_start)
   SELECT $1::text, $2::int, $3::timestamptz, $4::json, $5::timestamptz, $6::text, $7::text, $8::text, $9::text,
     $10::int, $11::timestamptz
   WHERE ${APPENDED_GUARD}
   ON CONFLICT (task_id) DO UPDATE SET revision = EXCLUDED.revision,
     last_updated = EXCLUDED.last_updated, state = EXCLUDED.state, overdue_at = EXCLUDED.overdue_at,
     care_plan_action = EXCLUDED.care_plan_action, owner_system = EXCLUDED.owner_system,
     owner_value = EXCLUDED.owner_value, status = EXCLUDED.status,
     priority_rank = EXCLUDED.priority_rank, period_start = EXCLUDED.period_start`;

/** The row of `tasks.task_state` for a Task's state at a revision. */
function stateRowOf(id: string, revision: number, lastUpdated: string, state: TaskState): unknown[] {
  return [
    id,
    revision,
    lastUpdated,
    JSON.stringify(state),
    overdueAt(state),
    carePlanActionOf(state),
    ...workQueueColumns(state),
  ];
}

/**
 * When the overdue clock should look at a Task: the end of its due period, while it is open and
 * not yet reported overdue for that instant.
 */
export function overdueAt(state: TaskState): string | null {
  if (!state.exists || isFinished(state.status)) return null;
  const due = state.restrictionPeriod?.end;
  return due === undefined || state.overdueNotifiedFor === due ? null : due;
}

/** The clinical order of `Task.priority` (the search store's `_sort=priority` ranks them alike). */
const PRIORITY_RANK: Readonly<Record<string, number>> = { routine: 1, urgent: 2, asap: 3, stat: 4 };

/** Owner system and value, status, priority rank and `executionPeriod.start`: the work-queue columns. */
export function workQueueColumns(
  state: TaskState,
): [string | null, string | null, string | null, number | null, string | null] {
  if (!state.exists) return [null, null, null, null, null];
  return [
    state.owner?.identifier.system ?? null,
    state.owner?.identifier.value ?? null,
    state.status,
    // No priority given: no rank, as the search store sees no priority (it sorts it last).
    state.priorityGiven === false ? null : (PRIORITY_RANK[state.priority] ?? null),
    state.executionPeriod?.start ?? null,
  ];
}

/** The PPCS action a Task carries out (`<carePlanId>#<actionId>`), if any. */
export function carePlanActionOf(state: TaskState): string | null {
  if (!state.exists) return null;
  return state.identifiers?.find((i) => i.system === CARE_PLAN_ACTION_SYSTEM)?.value ?? null;
}

/** The state of a Task just before `event`, when known: initial before its first, else cached. */
function stateBefore(
  event: { readonly streamId: string; readonly revision: number },
  states: StreamStateCache<TaskState> | undefined,
): TaskState | undefined {
  return event.revision === 0 ? initialState() : states?.at(event.streamId, event.revision - 1);
}

/**
 * The state each Task had before `events`, when it is known without reading the read model: the
 * initial state before a Task's first event, or the cached state at the revision just before.
 */
function knownBefore(
  byTask: ReadonlyMap<string, readonly RecordedEvent[]>,
  states: StreamStateCache<TaskState> | undefined,
): Map<string, StateRow> {
  const known = new Map<string, StateRow>();
  for (const [id, [first]] of byTask) {
    if (first === undefined) continue;
    const revision = first.revision - 1;
    const state = stateBefore(first, states);
    if (state !== undefined) known.set(id, { task_id: id, revision, state });
  }
  return known;
}

/**
 * The read models of Tasks, kept in the append's transaction (DESIGN.md §3): the state of each
 * Task (`tasks.task_state`, evolved from the stored state by the new events) and its FHIR
 * resource with search index values and history (`fhir.*`), one version per write (at the last
 * event of the events one write appended, `endsWrite`; its versionId = that event's revision + 1),
 * while the state row follows every event. Events
 * already applied (a revision not above the stored one) are skipped, so a replay changes nothing.
 * The stored state is not read when it is known: before a Task's first event, or in `states` (the
 * cache of the provider's commands) at the revision before the new events.
 */
export function taskReadModel(
  search: PostgresSearchStore,
  extractor: IndexValueExtractor,
  states?: StreamStateCache<TaskState>,
): InlineProjection {
  return {
    name: 'tasks-read-model',
    categories: [CATEGORY],
    async apply(tx, events) {
      const byTask = new Map<string, RecordedEvent[]>();
      for (const event of events) {
        const id = taskIdOf(event.streamId);
        byTask.set(id, [...(byTask.get(id) ?? []), event]);
      }
      const stored = knownBefore(byTask, states);
      const unknown = [...byTask.keys()].filter((id) => !stored.has(id));
      if (unknown.length > 0) {
        const rows = await tx.query<StateRow>(
          preparedSql(
            'SELECT task_id, revision, state FROM tasks.task_state WHERE task_id = ANY($1::text[])',
          ),
          [unknown],
        );
        for (const row of rows) stored.set(row.task_id, row);
      }
      for (const [id, taskEvents] of byTask) {
        let state: TaskState = stored.get(id)?.state ?? initialState();
        let revision = stored.get(id)?.revision ?? -1;
        const fresh = taskEvents.filter((event) => event.revision > revision);
        for (const [index, event] of fresh.entries()) {
          state = evolve(state, event as unknown as TaskEvent);
          revision = event.revision;
          const lastUpdated = (event.data as { at: string }).at;
          // The Task's own row goes with its last event (with its version when it ends a write).
          const stateRow =
            index === fresh.length - 1 ? stateRowOf(id, revision, lastUpdated, state) : undefined;
          // One write, one FHIR version: at the write's last event (intermediate revisions are
          // not versions).
          if (state.exists && endsWrite(event)) {
            const method = recordedMethodOf(event.metadata.fhirInteraction);
            await putVersion(tx, search, extractor, state, { revision, lastUpdated, method }, stateRow);
          } else if (stateRow !== undefined) {
            await tx.query(UPSERT_STATE_SQL, stateRow);
          }
        }
      }
    },
    // One new version of a Task whose state before it is known (created, or cached): the Task's
    // row, its resource, history and index join the append's statement, one round trip in all.
    statementFor(events) {
      const [event] = events;
      if (event === undefined || events.length !== 1 || !endsWrite(event)) return undefined;
      const prior = stateBefore(event, states);
      if (prior === undefined) return undefined;
      const state = evolve(prior, event as unknown as TaskEvent);
      if (!state.exists) return undefined;
      const lastUpdated = (event.data as { at: string }).at;
      const versionId = event.revision + 1;
      const resource = taskResource(state, { versionId: String(versionId), lastUpdated });
      const method = recordedMethodOf(event.metadata.fhirInteraction);
      const version = { versionId, lastUpdated, ...(method !== undefined && { method }) };
      return search.putStatement(resource, version, extractor.extract(resource), {
        guard: APPENDED_GUARD,
        together: {
          sql: GUARDED_UPSERT_STATE_SQL,
          params: stateRowOf(taskIdOf(event.streamId), event.revision, lastUpdated, state),
        },
      });
    },
    async reset(tx) {
      await tx.query('DELETE FROM tasks.task_state');
      await search.reset(tx, [CATEGORY]);
    },
    tables: [{ name: 'tasks.task_state' }, ...search.tablesOf([CATEGORY])],
    bulk: () => taskBulkRebuild(search, extractor),
  };
}

/** The columns of `tasks.task_state` in `stateRowOf`'s order, with their SQL types. */
const STATE_COLUMNS: readonly (readonly [string, string])[] = [
  ['task_id', 'text'],
  ['revision', 'int'],
  ['last_updated', 'timestamptz'],
  ['state', 'json'],
  ['overdue_at', 'timestamptz'],
  ['care_plan_action', 'text'],
  ['owner_system', 'text'],
  ['owner_value', 'text'],
  ['status', 'text'],
  ['priority_rank', 'int'],
  ['period_start', 'timestamptz'],
];

/**
 * The bulk part of an online rebuild: each Task folded from its whole stream in memory, every
 * version to the history, the last one with its index values, and the Task's row; written by one
 * multi-row insert per table. The same rows as `apply` writes event by event.
 */
function taskBulkRebuild(search: PostgresSearchStore, extractor: IndexValueExtractor): BulkRebuild {
  const writer = search.bulkWriter();
  let states: unknown[][] = [];
  return {
    add(events) {
      const [first] = events;
      if (first === undefined) return;
      const id = taskIdOf(first.streamId);
      let state: TaskState = initialState();
      let revision = -1;
      let lastUpdated = '';
      let current: { resource: ReturnType<typeof taskResource>; version: StoredVersion } | undefined;
      for (const event of events) {
        state = evolve(state, event as unknown as TaskEvent);
        revision = event.revision;
        lastUpdated = (event.data as { at: string }).at;
        if (state.exists && endsWrite(event)) {
          if (current !== undefined) writer.add(current.resource, current.version);
          const versionId = revision + 1;
          const method = recordedMethodOf(event.metadata.fhirInteraction);
          current = {
            resource: taskResource(state, { versionId: String(versionId), lastUpdated }),
            version: { versionId, lastUpdated, ...(method !== undefined && { method }) },
          };
        }
      }
      if (current !== undefined) {
        writer.add(current.resource, current.version, extractor.extract(current.resource));
      }
      states.push(stateRowOf(id, revision, lastUpdated, state));
    },
    get pending() {
      return writer.pending + states.length;
    },
    take() {
      const writeVersions = writer.take();
      // One JSON text, unpacked by PostgreSQL (as the search store's bulk writer does).
      const text = states.length === 0 ? undefined : JSON.stringify(states);
      states = [];
      return async (tx, tableOf) => {
        await writeVersions(tx, tableOf);
        if (text === undefined) return;
        await tx.query(
          `INSERT INTO ${tableOf('tasks.task_state')} (${STATE_COLUMNS.map(([name]) => name).join(', ')})
           SELECT ${STATE_COLUMNS.map(([, type], n) => `(r ->> ${n})::${type}`).join(', ')}
             FROM jsonb_array_elements($1::jsonb) r`,
          [text],
        );
      };
    },
  };
}

async function putVersion(
  tx: SqlExecutor,
  search: PostgresSearchStore,
  extractor: IndexValueExtractor,
  state: ExistingTask,
  {
    revision,
    lastUpdated,
    method,
  }: { readonly revision: number; readonly lastUpdated: string; readonly method: HistoryMethod | undefined },
  stateRow: readonly unknown[] | undefined,
): Promise<void> {
  const versionId = revision + 1;
  const resource = taskResource(state, { versionId: String(versionId), lastUpdated });
  // The append locked the Task's stream first: no other writer of this resource can interleave.
  const version = { versionId, lastUpdated, ...(method !== undefined && { method }) };
  await search.put(tx, resource, version, extractor.extract(resource), {
    serialised: true,
    ...(stateRow !== undefined && { together: { sql: UPSERT_STATE_SQL, params: stateRow } }),
  });
}
