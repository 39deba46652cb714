import {
  ACCESS_AUDIT_CATEGORY,
  dataCategoryOfType,
  eventStoreAccessAudit,
  factsAccessGate,
  patientKeyOfResource,
  PostgresAccessFacts,
  type DataCategory,
} from '@carenet/access';
import { loadContractRegistry } from '@carenet/contracts';
import { migrate, type Logger, type PostgresEventStore, type SqlDatabase } from '@carenet/eventsourcing';
import {
  createResourceValidator,
  operationDefinitionsServed,
  PostgresSearchStore,
  SearchParameterRegistry,
  type AccessAudit,
  type AccessGate,
  type PatientKeyOf,
  type ResourceProvider,
} from '@carenet/fhir';
import {
  CATEGORY_CONTEXTS,
  deadLetterTopicOf,
  kafkaClientSecurity,
  provisionTopics,
  startEventSubscriber,
  startRelay,
  topicOf,
  type ComponentHealth,
  type EventSource,
  type EventSubscriber,
  type KafkaSecurity,
  type RunningConsumer,
  type RunningRelay,
  type TopicLayout,
  type TopicProtection,
} from '@carenet/messaging';
import type { OperationDefinition } from 'fhir/r4.js';
import { Kafka, logLevel } from 'kafkajs';
import { remoteAccessFactsSubscriber } from './remote-access-facts.js';
import type { OpenedServiceModule, ServiceModule } from './service-module.js';

/** The schema of the access facts a process keeps (in its own database). */
export const ACCESS_FACTS_SCHEMA = 'access';

/** The context of the audit records (`carenet.audit`, relay `audit-relay`). */
export const AUDIT_CONTEXT = 'audit';

export interface ComposeServicesOptions {
  /** The modules this process runs: all of them (embedded), or one (a service process). */
  readonly modules: readonly ServiceModule[];
  /**
   * The modules other processes run (distributed): their access facts are kept here from their
   * topics (`<process>.access-facts` consumer group), so that every service decides alike.
   */
  readonly remoteModules?: readonly ServiceModule[];
  /** The process's name: Kafka client id, and its access-facts consumer group. */
  readonly processName: string;
  readonly db: SqlDatabase;
  readonly logger: Logger;
  /** When given, each module's events go to its topic, and consumers read Kafka. */
  readonly kafkaBrokers?: readonly string[];
  /** The process's Kafka principal (SASL) and TLS, when the brokers ask for them. */
  readonly kafkaSecurity?: KafkaSecurity;
  /** The topic key: relays seal what the contracts mark "sealed", consumers open it (else left out). */
  readonly topicProtection?: TopicProtection;
  readonly clock?: () => Date;
  /** The modules' clocks' intervals (defaults theirs); `false` for none. */
  readonly clockIntervalMs?: number | false;
  /**
   * Whether this process runs the background work: relays, consumers and clocks (default true).
   * An HTTP worker of a multi-process server does not: the process that forked it does, once.
   */
  readonly background?: boolean;
  /**
   * Other names for the topics and consumer groups on Kafka (default `carenet.<context>` and the
   * services' own group ids): tests that share one broker keep their messages apart.
   */
  readonly kafkaNaming?: {
    readonly topicOf?: (context: string) => string;
    readonly groupIdOf?: (groupId: string) => string;
  };
  /** How missing topics are created (default: 6 partitions, 1 replica). */
  readonly kafkaTopics?: TopicLayout;
  /** How long a relay may fail to publish before its health says not ready (ms, default 30 s). */
  readonly relayStallAfterMs?: number;
  /** The most inline attachment data of a Communication or DocumentReference (decoded bytes; 413 beyond). */
  readonly documentMaxInlineBytes?: number;
}

export interface ComposedServices {
  /** Every resource type the process serves, for one FHIR router. */
  readonly providers: readonly ResourceProvider[];
  /** The OperationDefinitions of the operations the providers register (served read-only). */
  readonly operationDefinitions: readonly OperationDefinition[];
  readonly registry: SearchParameterRegistry;
  /** The access decision on patient data, for the FHIR router (issue 18). */
  readonly access: AccessGate;
  /**
   * The audit of every access to patient data, for the FHIR router (issue 18): `AccessRecorded`
   * events appended before the answer, published on `carenet.audit` by the audit relay (or read
   * from the store log), kept as AuditEvents by shared-info.
   */
  readonly audit: AccessAudit;
  readonly validator: ReturnType<typeof createResourceValidator>;
  /** The event store of each module (`tasks`, `care-plans`, `shared-info`). */
  readonly stores: Readonly<Record<string, PostgresEventStore>>;
  /** The health of this process's relays and consumers (none in an HTTP worker), for `/readyz`. */
  health(): ComponentHealth[];
  stop(): Promise<void>;
}

/**
 * The services of one process, on one database: the FHIR search read model, each module, the
 * access decision and the audit, the modules' consumers (on the store log, or on Kafka when
 * brokers are configured, then with a relay per module publishing its events, and one for the
 * audit records), and the access facts of the modules other processes run (from their topics).
 */
export async function composeServices(options: ComposeServicesOptions): Promise<ComposedServices> {
  const { db, logger, modules } = options;
  const remoteModules = options.remoteModules ?? [];
  const background = options.background ?? true;
  const clockIntervalMs = background ? options.clockIntervalMs : false;
  const registry = SearchParameterRegistry.r4({
    supported: Object.assign({}, ...modules.map((m) => m.searchSupport)) as Record<
      string,
      readonly string[] | 'all'
    >,
  });
  // The patient of each stored resource, and the care relations, consents and objections the
  // services keep: what the access decision on every read and search is made of (issue 18).
  const patientKeyOf = modules.reduce<PatientKeyOf>(
    (base, module) => module.patientKeyOf?.(base) ?? base,
    patientKeyOfResource,
  );
  const search = await PostgresSearchStore.open(db, { patientKeyOf });
  const accessFacts = new PostgresAccessFacts(ACCESS_FACTS_SCHEMA);
  await migrate(db, accessFacts.migrations, accessFacts.schema);
  const opened: OpenedServiceModule[] = [];
  for (const module of modules) {
    opened.push(
      await module.open({
        db,
        search,
        registry,
        logger,
        accessFacts,
        ...(options.clock !== undefined && { clock: options.clock }),
        ...(clockIntervalMs !== undefined && { clockIntervalMs }),
        ...(options.documentMaxInlineBytes !== undefined && {
          documentMaxInlineBytes: options.documentMaxInlineBytes,
        }),
      }),
    );
  }
  const [first] = opened;
  if (first === undefined) throw new Error('composeServices: no module to run');
  // The audit records go to shared-info's store when it runs here (the embedded mode), else to
  // the module's own: each process's audit relay publishes them on carenet.audit.
  const auditStore = opened[modules.findIndex((m) => m.name === 'shared-info')]?.store ?? first.store;
  const contracts = loadContractRegistry();

  const relays: RunningRelay[] = [];
  const consumers: RunningConsumer[] = [];
  const groupIdOf = options.kafkaNaming?.groupIdOf ?? ((group: string) => group);
  const topicOfContext = options.kafkaNaming?.topicOf ?? topicOf;
  const remoteSources = remoteModules.flatMap((m) => m.accessFactsSources);
  const subscribers: EventSubscriber[] = background
    ? [
        ...opened.flatMap((o) => o.subscribers),
        ...(remoteSources.length === 0
          ? []
          : [
              remoteAccessFactsSubscriber({
                groupId: `${options.processName}.access-facts`,
                sources: remoteSources,
                facts: accessFacts,
              }),
            ]),
      ].map((subscriber) => ({ ...subscriber, groupId: groupIdOf(subscriber.groupId) }))
    : [];
  let source: EventSource = { kind: 'store-log', store: first.store };
  if (background && options.kafkaBrokers !== undefined) {
    const kafka = new Kafka({
      clientId: `carenet-${options.processName}`,
      brokers: [...options.kafkaBrokers],
      logLevel: logLevel.WARN,
      ...kafkaClientSecurity(options.kafkaSecurity),
    });
    source = { kind: 'kafka', kafka, topicOf: topicOfContext };
    // The topics this process publishes to and its consumer groups' dead-letter topics.
    await provisionTopics(
      kafka,
      [
        ...modules.map((m) => topicOfContext(m.name)),
        topicOfContext(AUDIT_CONTEXT),
        ...subscribers.map((subscriber) => deadLetterTopicOf(subscriber.groupId)),
      ],
      options.kafkaTopics,
      logger,
    );
    const published: [string, PostgresEventStore, readonly string[]][] = [
      ...modules.map(
        (m, i) =>
          [m.name, opened[i]?.store ?? first.store, m.categories] as [
            string,
            PostgresEventStore,
            readonly string[],
          ],
      ),
      // The audit records of every module of this process, appended to one store.
      [AUDIT_CONTEXT, auditStore, [ACCESS_AUDIT_CATEGORY]],
    ];
    for (const [context, store, categories] of published) {
      relays.push(
        startRelay({
          store,
          kafka,
          relayId: `${context}-relay`,
          categories,
          topicOf: topicOfContext,
          contracts,
          ...(options.topicProtection !== undefined && { protection: options.topicProtection }),
          logger,
          ...(options.relayStallAfterMs !== undefined && { stallAfterMs: options.relayStallAfterMs }),
        }),
      );
    }
  }
  for (const subscriber of subscribers) {
    consumers.push(
      await startEventSubscriber(subscriber, source, {
        db,
        contracts,
        logger,
        ...(options.topicProtection !== undefined && { protection: options.topicProtection }),
      }),
    );
  }

  const providers = opened.flatMap((o) => o.providers);
  const gateFor = (categoryOf: (type: string) => DataCategory): AccessGate =>
    factsAccessGate({
      db,
      facts: accessFacts,
      categoryOf,
      patientOnlyTypes: modules.flatMap((m) => m.patientOnlyTypes ?? []),
      ...(options.clock !== undefined && { now: options.clock }),
    });
  const customGate = modules.find((m) => m.accessGate !== undefined);
  return {
    providers,
    operationDefinitions: operationDefinitionsServed(
      providers,
      modules.flatMap((m) => m.operationDefinitions),
    ),
    registry,
    access: customGate?.accessGate?.(gateFor, dataCategoryOfType) ?? gateFor(dataCategoryOfType),
    audit: eventStoreAccessAudit({
      store: auditStore,
      serviceOf: (type) => CATEGORY_CONTEXTS[type] ?? options.processName,
      ...(options.clock !== undefined && { now: options.clock }),
    }),
    validator: createResourceValidator({ types: modules.flatMap((m) => m.types) }),
    stores: Object.fromEntries(modules.map((m, i) => [m.name, opened[i]?.store ?? first.store])),
    health: () => [
      ...relays.map((relay) => relay.health()),
      ...consumers.map((consumer) => consumer.health()),
    ],
    async stop() {
      await Promise.all(consumers.map((consumer) => consumer.stop()));
      await Promise.all(relays.map((relay) => relay.stop()));
      await Promise.all(opened.map((o) => o.stop()));
    },
  };
}
