import { loadContractRegistry } from '@carenet/contracts';
import type { Logger, PostgresEventStore, SqlDatabase } from '@carenet/eventsourcing';
import {
  createResourceValidator,
  PostgresSearchStore,
  SearchParameterRegistry,
  type ResourceProvider,
} from '@carenet/fhir';
import { startRelay, type RunningRelay } from '@carenet/messaging';
import { openTasksService, TASKS_CATEGORIES, TASKS_CONTEXT, TASKS_SEARCH_SUPPORT } from '@carenet/tasks';
import { Kafka, logLevel } from 'kafkajs';

export interface EmbeddedServicesOptions {
  readonly db: SqlDatabase;
  readonly logger: Logger;
  /** When given, each service's events are published to its topic (`carenet.<context>`). */
  readonly kafkaBrokers?: readonly string[];
  readonly clock?: () => Date;
  /** The overdue clock's interval (default 30 s); `false` for none. */
  readonly overdueIntervalMs?: number | false;
}

export interface EmbeddedServices {
  /** Every resource type the process serves, for one FHIR router. */
  readonly providers: readonly ResourceProvider[];
  readonly registry: SearchParameterRegistry;
  readonly validator: ReturnType<typeof createResourceValidator>;
  /** The event store of each context (`tasks`…). */
  readonly stores: Readonly<Record<string, PostgresEventStore>>;
  stop(): Promise<void>;
}

/**
 * The services of the embedded mode, in this process on one database: the FHIR search read
 * model (shared), then each service (today: tasks), and a relay per service to Kafka when brokers
 * are configured. The gateway routes each resource type to the service that owns it.
 */
export async function openEmbeddedServices(options: EmbeddedServicesOptions): Promise<EmbeddedServices> {
  const registry = SearchParameterRegistry.r4({ supported: { ...TASKS_SEARCH_SUPPORT } });
  const search = await PostgresSearchStore.open(options.db);
  const tasks = await openTasksService({
    db: options.db,
    search,
    registry,
    logger: options.logger,
    ...(options.clock !== undefined && { clock: options.clock }),
    ...(options.overdueIntervalMs !== undefined && { overdueIntervalMs: options.overdueIntervalMs }),
  });
  const relays: RunningRelay[] = [];
  if (options.kafkaBrokers !== undefined) {
    const kafka = new Kafka({
      clientId: 'carenet-gateway',
      brokers: [...options.kafkaBrokers],
      logLevel: logLevel.WARN,
    });
    relays.push(
      startRelay({
        store: tasks.store,
        kafka,
        relayId: `${TASKS_CONTEXT}-relay`,
        categories: TASKS_CATEGORIES,
        contracts: loadContractRegistry(),
        logger: options.logger,
      }),
    );
  }
  return {
    providers: [tasks.provider],
    registry,
    validator: createResourceValidator({ types: ['Task'] }),
    stores: { [TASKS_CONTEXT]: tasks.store },
    async stop() {
      await Promise.all(relays.map((relay) => relay.stop()));
      await tasks.stop();
    },
  };
}
