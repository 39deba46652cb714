import type { PostgresAccessFacts } from '@carenet/access';
import type { Task } from 'fhir/r4.js';
import {
  migrate,
  PostgresEventStore,
  silentLogger,
  StreamStateCache,
  transactionScope,
  type Logger,
  type SqlDatabase,
} from '@carenet/eventsourcing';
import {
  IndexValueExtractor,
  type PostgresSearchStore,
  type ResourceProvider,
  type SearchParameterRegistry,
  type UnitOfWork,
} from '@carenet/fhir';
import { taskProvider } from './fhir/task-provider.js';
import { startOverdueClock, type OverdueClock } from './overdue/overdue-clock.js';
import {
  TASK_READ_MODEL_MIGRATIONS,
  TASK_READ_MODEL_SCHEMA,
} from './projections/task-read-model-migrations.js';
import { taskAccessFacts } from './projections/task-access-facts.js';
import { taskReadModel } from './projections/task-read-model.js';
import type { TaskState } from './task/index.js';

const DEFAULT_STATE_CACHE_SIZE = 10_000;

/** The search parameters the Tasks service indexes: every standard R4 Task parameter. */
export const TASKS_SEARCH_SUPPORT = { Task: 'all' } as const;

/** The Kafka context (topic `carenet.tasks`) and the stream categories it publishes. */
export const TASKS_CONTEXT = 'tasks';
export const TASKS_CATEGORIES: readonly string[] = ['Task'];

export interface TasksServiceOptions {
  /** PostgreSQL or PGlite: the event store, the Task read model and the FHIR search read model. */
  readonly db: SqlDatabase;
  /** The FHIR search read model, opened once per process (shared with the other services). */
  readonly search: PostgresSearchStore;
  /** A registry that supports TASKS_SEARCH_SUPPORT (index values are extracted with it). */
  readonly registry: SearchParameterRegistry;
  readonly clock?: () => Date;
  readonly newId?: () => string;
  /** Task states kept in memory for commands and the read model (default 10,000 Tasks). */
  readonly stateCacheSize?: number;
  /** The overdue clock's scan interval; `false`: no clock (tests drive `overdue.tick()`). */
  readonly overdueIntervalMs?: number | false;
  readonly logger?: Logger;
  /**
   * Where the Tasks' care relations go for the access decision (issue 18): each Task's requester,
   * co-owner and responsibility holders, kept in the append's transaction. None: not kept.
   */
  readonly accessFacts?: PostgresAccessFacts;
}

export interface TasksService {
  /** FHIR Task, for a FHIR router (the gateway's, or the service's own). */
  readonly provider: ResourceProvider<Task>;
  /** The event store of Task streams, with the read model projected in each append. */
  readonly store: PostgresEventStore;
  readonly overdue: OverdueClock | undefined;
  /** Stops the background work (the database is the caller's to close). */
  stop(): Promise<void>;
}

/**
 * The Tasks service, composed: migrations of its read model, the event store with the read model
 * as an inline projection, the FHIR provider and the overdue clock.
 */
export async function openTasksService(options: TasksServiceOptions): Promise<TasksService> {
  const logger = options.logger ?? silentLogger;
  await migrate(options.db, TASK_READ_MODEL_MIGRATIONS, TASK_READ_MODEL_SCHEMA);
  const extractor = new IndexValueExtractor(options.registry);
  // Task states known in this process: shared by the provider's commands and the read model.
  const states = new StreamStateCache<TaskState>(options.stateCacheSize ?? DEFAULT_STATE_CACHE_SIZE);
  if (options.accessFacts !== undefined) {
    await migrate(options.db, options.accessFacts.migrations, options.accessFacts.schema);
  }
  const store = await PostgresEventStore.open(options.db, {
    projections: [
      taskReadModel(options.search, extractor, states),
      // After the read model: outside one statement it reads the Task's state the model stored.
      ...(options.accessFacts === undefined ? [] : [taskAccessFacts(options.accessFacts, states)]),
    ],
  });
  const common = {
    ...(options.clock !== undefined && { clock: options.clock }),
    ...(options.newId !== undefined && { newId: options.newId }),
  };
  // FHIR transaction Bundles of Tasks: one database transaction, its events and read models
  // committed together or not at all; no state cache there (it holds committed states only).
  const unitOfWork: UnitOfWork = {
    name: TASKS_CONTEXT,
    run: (work) =>
      options.db.transaction(async (tx) => {
        const scope = transactionScope(tx, options.db.dialect);
        const bound = taskProvider({
          store: store.within(tx),
          db: scope,
          search: options.search.within(scope),
          ...common,
        });
        return work(new Map([['Task', bound]]));
      }),
  };
  const provider: ResourceProvider<Task> = {
    ...taskProvider({ store, db: options.db, search: options.search, states, ...common }),
    unitOfWork,
  };
  const overdue =
    options.overdueIntervalMs === false
      ? undefined
      : startOverdueClock({
          db: options.db,
          store,
          logger,
          ...(options.clock !== undefined && { clock: options.clock }),
          ...(options.overdueIntervalMs !== undefined && { intervalMs: options.overdueIntervalMs }),
        });
  return {
    provider,
    store,
    overdue,
    async stop() {
      await overdue?.stop();
    },
  };
}
