import { ACCESS_AUDIT_CATEGORY, PostgresAccessFacts, patientKeyOfResource } from '@carenet/access';
import type { InlineProjection, Logger, PostgresEventStore, SqlDatabase } from '@carenet/eventsourcing';
import type { PostgresSearchStore } from '@carenet/fhir';
import { CliUsageError } from '../cli-io.js';

/** A reader of the store's log with a checkpoint in `eventstore.checkpoints`. */
export interface CheckpointedReaderInfo {
  readonly kind: 'relay' | 'store-log consumer';
  readonly name: string;
  readonly checkpoint: string;
  readonly categories: readonly string[];
}

/** A service opened as its composition root opens it: its store holds its inline projections. */
export interface OpenedService {
  readonly store: PostgresEventStore;
  /** The readers with a checkpoint, when the service's code names them (default: the catalogue's). */
  readonly readers?: readonly CheckpointedReaderInfo[];
  stop(): Promise<void>;
}

/** What the CLI knows of a service's read models, and how to open its store with them. */
export interface ServiceProjections {
  readonly service: string;
  readonly readers: readonly CheckpointedReaderInfo[];
  /**
   * The service's event store with its inline projections, on `db`, composed as the embedded
   * mode composes it (services/gateway `openEmbeddedServices`: the patient of each resource, the
   * access facts), its read-model migrations applied, no clock started. Its inline projections
   * (`store.inlineProjections`) are the service's own declaration of its read models: the CLI
   * keeps no list of them.
   */
  open(db: SqlDatabase, logger: Logger): Promise<OpenedService>;
}

/** The schema of the access facts (services/gateway ACCESS_FACTS_SCHEMA). */
const ACCESS_FACTS_SCHEMA = 'access';

/**
 * The search store as the gateway opens it: each resource's patient key, qualified by the data
 * category for shared information (Communication, DocumentReference), so that a rebuilt read
 * model is searched as the one the services wrote.
 */
async function searchStore(db: SqlDatabase): Promise<PostgresSearchStore> {
  const [{ PostgresSearchStore }, { informationPatientKeyOf }] = await Promise.all([
    import('@carenet/fhir'),
    import('@carenet/shared-info'),
  ]);
  return PostgresSearchStore.open(db, { patientKeyOf: informationPatientKeyOf(patientKeyOfResource) });
}

/**
 * The services whose read models the CLI shows and rebuilds: how to open each (the service code
 * is loaded only then), and the readers of its log that keep a checkpoint (its relay, its consumer
 * of the embedded mode).
 */
const CATALOGUE: Readonly<Record<string, ServiceProjections>> = {
  tasks: {
    service: 'tasks',
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
      const [{ openTasksService, TASKS_SEARCH_SUPPORT }, { SearchParameterRegistry }] = await Promise.all([
        import('@carenet/tasks'),
        import('@carenet/fhir'),
      ]);
      const service = await openTasksService({
        db,
        search: await searchStore(db),
        registry: SearchParameterRegistry.r4({ supported: { ...TASKS_SEARCH_SUPPORT } }),
        logger,
        accessFacts: new PostgresAccessFacts(ACCESS_FACTS_SCHEMA),
        overdueIntervalMs: false,
      });
      return { store: service.store, stop: () => service.stop() };
    },
  },
  'care-plans': {
    service: 'care-plans',
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
      const [{ openCarePlansService, CARE_PLANS_SEARCH_SUPPORT }, { SearchParameterRegistry }] =
        await Promise.all([import('@carenet/care-plans'), import('@carenet/fhir')]);
      const service = await openCarePlansService({
        db,
        search: await searchStore(db),
        registry: SearchParameterRegistry.r4({ supported: { ...CARE_PLANS_SEARCH_SUPPORT } }),
        logger,
        accessFacts: new PostgresAccessFacts(ACCESS_FACTS_SCHEMA),
        reviewIntervalMs: false,
      });
      return { store: service.store, stop: () => service.stop() };
    },
  },
  'shared-info': {
    service: 'shared-info',
    readers: [],
    async open(db) {
      const [
        { openSharedInfoService, SHARED_INFO_CATEGORIES, SHARED_INFO_SEARCH_SUPPORT },
        { SearchParameterRegistry },
      ] = await Promise.all([import('@carenet/shared-info'), import('@carenet/fhir')]);
      const service = await openSharedInfoService({
        db,
        search: await searchStore(db),
        registry: SearchParameterRegistry.r4({ supported: { ...SHARED_INFO_SEARCH_SUPPORT } }),
        accessFacts: new PostgresAccessFacts(ACCESS_FACTS_SCHEMA),
      });
      return {
        store: service.store,
        // Its relay, the audit relay (the audit records of every service are appended to this
        // store) and its consumers of the embedded mode.
        readers: [
          {
            kind: 'relay',
            name: 'shared-info-relay',
            checkpoint: 'relay.shared-info-relay',
            categories: SHARED_INFO_CATEGORIES,
          },
          {
            kind: 'relay',
            name: 'audit-relay',
            checkpoint: 'relay.audit-relay',
            categories: [ACCESS_AUDIT_CATEGORY],
          },
          ...service.subscribers.map((subscriber) => ({
            kind: 'store-log consumer' as const,
            name: subscriber.groupId,
            checkpoint: `consumer.${subscriber.groupId}`,
            categories: subscriber.categories,
          })),
        ],
        stop: () => service.stop(),
      };
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
  store: PostgresEventStore,
  name: string | undefined,
): InlineProjection[] {
  const all = store.inlineProjections;
  if (name === undefined) return [...all];
  const projection = all.find((p) => p.name === name);
  if (!projection) {
    throw new CliUsageError(
      `no projection "${name}" in service ${service.service} (${all.map((p) => p.name).join(', ')})`,
    );
  }
  return [projection];
}
