import type { Logger, PostgresEventStore, SqlDatabase } from '@carenet/eventsourcing';
import { CliUsageError } from '../cli-io.js';

/** A read model kept in the append's transaction (an inline projection of the service's store). */
export interface InlineProjectionInfo {
  readonly name: string;
  readonly categories: readonly string[];
}

/** A reader of the store's log with a checkpoint in `eventstore.checkpoints`. */
export interface CheckpointedReaderInfo {
  readonly kind: 'relay' | 'store-log consumer';
  readonly name: string;
  readonly checkpoint: string;
  readonly categories: readonly string[];
}

/** What the CLI knows of a service's read models, and how to open its store with them. */
export interface ServiceProjections {
  readonly service: string;
  readonly inline: readonly InlineProjectionInfo[];
  readonly readers: readonly CheckpointedReaderInfo[];
  /**
   * The service's event store with its inline projections, on `db`, as the service composes it
   * (its read-model migrations applied, no clock started): what a rebuild runs.
   */
  open(
    db: SqlDatabase,
    logger: Logger,
  ): Promise<{ readonly store: PostgresEventStore; stop(): Promise<void> }>;
}

/**
 * The services whose read models the CLI rebuilds, as they compose their stores (services/tasks
 * `openTasksService`, services/care-plans `openCarePlansService`): the names of their inline
 * projections, and the readers of the log that keep a checkpoint (their relay, their consumer of
 * the embedded mode). The service code is loaded only when a rebuild needs it.
 */
const CATALOGUE: Readonly<Record<string, ServiceProjections>> = {
  tasks: {
    service: 'tasks',
    inline: [{ name: 'tasks-read-model', categories: ['Task'] }],
    readers: [
      { kind: 'relay', name: 'tasks-relay', checkpoint: 'relay.tasks-relay', categories: ['Task'] },
      {
        kind: 'store-log consumer',
        name: 'tasks.care-plan-actions',
        checkpoint: 'consumer.tasks.care-plan-actions',
        categories: ['CarePlan'],
      },
    ],
    async open(db, logger) {
      const [{ openTasksService, TASKS_SEARCH_SUPPORT }, { PostgresSearchStore, SearchParameterRegistry }] =
        await Promise.all([import('@carenet/tasks'), import('@carenet/fhir')]);
      const registry = SearchParameterRegistry.r4({ supported: { ...TASKS_SEARCH_SUPPORT } });
      const service = await openTasksService({
        db,
        search: await PostgresSearchStore.open(db),
        registry,
        logger,
        overdueIntervalMs: false,
      });
      return { store: service.store, stop: () => service.stop() };
    },
  },
  'care-plans': {
    service: 'care-plans',
    inline: ['CarePlan', 'CareTeam', 'Goal'].map((type) => ({
      name: `care-plans-read-model-${type}`,
      categories: [type],
    })),
    readers: [
      {
        kind: 'relay',
        name: 'care-plans-relay',
        checkpoint: 'relay.care-plans-relay',
        categories: ['CarePlan', 'CareTeam', 'Goal'],
      },
      {
        kind: 'store-log consumer',
        name: 'care-plans.task-progress',
        checkpoint: 'consumer.care-plans.task-progress',
        categories: ['Task'],
      },
    ],
    async open(db, logger) {
      const [
        { openCarePlansService, CARE_PLANS_SEARCH_SUPPORT },
        { PostgresSearchStore, SearchParameterRegistry },
      ] = await Promise.all([import('@carenet/care-plans'), import('@carenet/fhir')]);
      const registry = SearchParameterRegistry.r4({ supported: { ...CARE_PLANS_SEARCH_SUPPORT } });
      const service = await openCarePlansService({
        db,
        search: await PostgresSearchStore.open(db),
        registry,
        logger,
        reviewIntervalMs: false,
      });
      return { store: service.store, stop: () => service.stop() };
    },
  },
};

export function serviceProjectionsOf(service: string): ServiceProjections {
  const known = CATALOGUE[service];
  if (!known) {
    throw new CliUsageError(
      `no read models of service "${service}" known to the CLI (one of ${Object.keys(CATALOGUE).join(', ')})`,
    );
  }
  return known;
}

/** The inline projections asked for: one by name, or all of the service's. */
export function projectionsAsked(
  service: ServiceProjections,
  name: string | undefined,
): InlineProjectionInfo[] {
  if (name === undefined) return [...service.inline];
  const projection = service.inline.find((p) => p.name === name);
  if (!projection) {
    throw new CliUsageError(
      `no projection "${name}" in service ${service.service} (${service.inline.map((p) => p.name).join(', ')})`,
    );
  }
  return [projection];
}
