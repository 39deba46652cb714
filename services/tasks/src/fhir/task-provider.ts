import { randomUUID } from 'node:crypto';
import type { Parameters, Task } from 'fhir/r4.js';
import { actorOf } from '@carenet/access';
import {
  endsWrite,
  handleCommands,
  NotFoundError,
  preparedSql,
  type EventStore,
  type RecordedEvent,
  type SqlDatabase,
  type StreamStateCache,
} from '@carenet/eventsourcing';
import {
  badRequest,
  historyEntryOf,
  historyMethodOf,
  methodNotAllowed,
  type HistoryEntry,
  type PostgresSearchStore,
  type RequestContext,
  type ResourceProvider,
  type StoredResource,
} from '@carenet/fhir';
import {
  responsibilityAt,
  taskDecider,
  type ExistingTask,
  type TaskCommand,
  type TaskEvent,
  type TaskState,
} from '../task/index.js';
import {
  createTaskCommand,
  RESPONSIBILITY_OPERATION,
  responsibilityParameters,
  taskResource,
  transferTaskCommand,
  TRANSFER_OPERATION,
  updateTaskCommands,
} from './index.js';
import { searchWorkQueue, workQueueQuery } from './work-queue-search.js';

export interface TaskProviderDependencies {
  readonly store: EventStore;
  readonly db: SqlDatabase;
  readonly search: PostgresSearchStore;
  /** The clock of commands (`now`): the system clock unless a test sets one. */
  readonly clock?: () => Date;
  /** Ids of new Tasks (default: random UUIDs). */
  readonly newId?: () => string;
  /**
   * Task states known in this process (the read model's projection shares it): a status change
   * that follows a read (PATCH, If-Match) decides without reading the stream.
   */
  readonly states?: StreamStateCache<TaskState>;
}

interface StateRow {
  readonly revision: number;
  readonly last_updated: Date | string;
  readonly state: TaskState;
}

interface TaskVersion {
  readonly state: ExistingTask;
  readonly versionId: string;
  readonly lastUpdated: string;
  /** The FHIR interaction of the write (event metadata `fhirInteraction`), when recorded. */
  readonly interaction?: unknown;
}

const streamOf = (id: string): string => `Task-${id}`;
const instant = (value: Date | string): string => new Date(value).toISOString();
/** Every Task event records the instant of its fact (`at`): the version's `meta.lastUpdated`. */
const atOf = (event: { readonly data: unknown }): string => (event.data as { at: string }).at;

/**
 * The versions of a Task: its state after each write (at the write's last event, `endsWrite`), with
 * the version and instant of that event. The revisions inside a write are not versions.
 */
function versions(events: readonly RecordedEvent[]): TaskVersion[] {
  const out: TaskVersion[] = [];
  let state: TaskState = taskDecider.initialState();
  for (const event of events) {
    state = taskDecider.evolve(state, event as unknown as TaskEvent);
    if (state.exists && endsWrite(event)) {
      out.push({
        state,
        versionId: String(event.revision + 1),
        lastUpdated: atOf(event),
        interaction: event.metadata.fhirInteraction,
      });
    }
  }
  return out;
}

/**
 * FHIR `Task` over the Task decider: each interaction maps HTTP to commands and back, nothing
 * else (DESIGN.md §9). Reads come from the read model (one row), versions and history from the
 * event stream, searches from the FHIR search read model. Tasks are never deleted: a mistaken
 * Task is marked entered-in-error.
 */
export function taskProvider(deps: TaskProviderDependencies): ResourceProvider<Task> {
  const clock = deps.clock ?? (() => new Date());
  const newId = deps.newId ?? randomUUID;

  async function current(id: string): Promise<StoredResource<Task> & { readonly state: ExistingTask }> {
    const rows = await deps.db.query<StateRow>(
      preparedSql('SELECT revision, last_updated, state FROM tasks.task_state WHERE task_id = $1'),
      [id],
    );
    const row = rows[0];
    if (!row?.state.exists) throw new NotFoundError(`Task/${id}`);
    deps.states?.remember(streamOf(id), row.revision, row.state);
    const version = { versionId: String(row.revision + 1), lastUpdated: instant(row.last_updated) };
    return { state: row.state, resource: taskResource(row.state, version), ...version };
  }

  /** Runs commands on a Task; the stored result as the response shows it. */
  async function run(
    id: string,
    commandsOf: (state: TaskState) => readonly TaskCommand[],
    ctx: RequestContext,
    expectedRevision?: number,
  ): Promise<StoredResource<Task>> {
    const result = await handleCommands(deps.store, taskDecider, streamOf(id), commandsOf, {
      metadata: {
        correlationId: ctx.requestId,
        // The interaction as sent: the history shows its method (PATCH as PATCH).
        ...(ctx.interaction !== undefined && { fhirInteraction: ctx.interaction }),
        ...(ctx.traceparent !== undefined && { traceparent: ctx.traceparent }),
      },
      ...(expectedRevision !== undefined && { expectedRevision }),
      ...(deps.states !== undefined && { cache: deps.states }),
    });
    if (!result.state.exists) throw new NotFoundError(`Task/${id}`);
    const last = result.events.at(-1);
    if (last === undefined) {
      const { resource, versionId, lastUpdated } = await current(id);
      return { resource, versionId, lastUpdated };
    }
    const version = { versionId: String(result.revision + 1), lastUpdated: atOf(last) };
    return { resource: taskResource(result.state, version), ...version };
  }

  /** Commands only for a Task that exists (404 otherwise). */
  const onExisting =
    (id: string, commandsOf: (state: ExistingTask) => readonly TaskCommand[]) =>
    (state: TaskState): readonly TaskCommand[] => {
      if (!state.exists) throw new NotFoundError(`Task/${id}`);
      return commandsOf(state);
    };

  return {
    type: 'Task',

    async read(id) {
      const { resource, versionId, lastUpdated } = await current(id);
      return { resource, versionId, lastUpdated };
    },

    async vread(id, versionId) {
      const revision = Number(versionId) - 1;
      const events = await deps.store.readStream(streamOf(id), { toRevision: revision });
      const version = versions(events).find((v) => v.versionId === versionId);
      if (version === undefined) throw new NotFoundError(`Task/${id}/_history/${versionId}`);
      return { resource: taskResource(version.state, version), versionId, lastUpdated: version.lastUpdated };
    },

    async history(id, { since, count }) {
      const events = await deps.store.readStream(streamOf(id));
      if (events.length === 0) throw new NotFoundError(`Task/${id}`);
      return versions(events)
        .filter((v) => since === undefined || Date.parse(v.lastUpdated) >= Date.parse(since))
        .reverse()
        .slice(0, count)
        .map((v): HistoryEntry<Task> => ({
          resource: taskResource(v.state, v),
          versionId: v.versionId,
          lastUpdated: v.lastUpdated,
          method: historyMethodOf(v.interaction, v.versionId),
        }));
    },

    async typeHistory(options) {
      const { versions: page, nextCursor } = await deps.search.history('Task', options);
      return {
        entries: page.map((v) => historyEntryOf(v) as HistoryEntry<Task>),
        ...(nextCursor !== undefined && { nextCursor }),
      };
    },

    async create(resource, ctx, options) {
      const actor = actorOf(ctx.principal);
      const taskId = options?.id ?? newId();
      const command = createTaskCommand(resource, { taskId, actor, now: clock().toISOString() });
      // A new id: no stream to read (-1).
      return run(taskId, () => [command], ctx, -1);
    },

    async update(id, resource, { ifMatch }, ctx) {
      const actor = actorOf(ctx.principal);
      const now = clock().toISOString();
      const commandsOf = (state: TaskState): readonly TaskCommand[] => {
        if (!state.exists) {
          throw methodNotAllowed(
            `Task/${id} does not exist: Task ids are the server's, create Tasks with POST`,
          );
        }
        return updateTaskCommands(state, resource, { actor, now });
      };
      const expected = ifMatch === undefined ? undefined : Number(ifMatch) - 1;
      return { stored: await run(id, commandsOf, ctx, expected), created: false };
    },

    async search(request) {
      // The work queue, the most frequent search, from its own index; anything else from the store.
      const queue = workQueueQuery(request);
      const fast = queue === undefined ? undefined : await searchWorkQueue(deps.db, request, queue);
      if (fast !== undefined) return fast;
      const { resources, included, nextCursor, previousCursor, total } = await deps.search.search(request);
      return {
        resources,
        included,
        ...(nextCursor !== undefined && { nextCursor }),
        ...(previousCursor !== undefined && { previousCursor }),
        ...(total !== undefined && { total }),
      };
    },

    operations: {
      transfer: {
        definition: TRANSFER_OPERATION,
        permission: 'u',
        async handler({ id, method, parameters, query }, ctx) {
          if (id === undefined)
            throw methodNotAllowed('$transfer applies to one Task: POST /Task/<id>/$transfer');
          // It changes the Task: POST only (FHIR: operations that change state are not GET).
          if (method !== 'POST') throw methodNotAllowed('$transfer changes the Task: POST it');
          const command = transferTaskCommand(parameters as Parameters | undefined, query, {
            actor: actorOf(ctx.principal),
            now: clock().toISOString(),
          });
          const stored = await run(
            id,
            onExisting(id, () => [command]),
            ctx,
          );
          return { resource: stored.resource };
        },
      },
      responsibility: {
        definition: RESPONSIBILITY_OPERATION,
        permission: 'r',
        async handler({ id, query }) {
          if (id === undefined) {
            throw methodNotAllowed(
              '$responsibility applies to one Task: GET /Task/<id>/$responsibility?at=<instant>',
            );
          }
          const at = query.get('at') ?? clock().toISOString();
          if (Number.isNaN(Date.parse(at)))
            throw badRequest(`at=${at.slice(0, 40)} is not an instant`, ['at']);
          const { state } = await current(id);
          return {
            resource: responsibilityParameters(responsibilityAt(state, new Date(at).toISOString()), at),
          };
        },
      },
    },
  };
}
