import {
  ACCESS_AUDIT_CATEGORY,
  dataCategoryOfType,
  eventStoreAccessAudit,
  factsAccessGate,
  patientKeyOfResource,
  PostgresAccessFacts,
} from '@carenet/access';
import { loadContractRegistry } from '@carenet/contracts';
import type { Logger, PostgresEventStore, SqlDatabase } from '@carenet/eventsourcing';
import type { OperationDefinition } from 'fhir/r4.js';
import {
  createResourceValidator,
  operationDefinitionsServed,
  PostgresSearchStore,
  SearchParameterRegistry,
  type AccessAudit,
  type AccessGate,
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
  type KafkaSecurity,
  type RunningConsumer,
  type RunningRelay,
  type TopicLayout,
  type TopicProtection,
} from '@carenet/messaging';
import {
  CARE_PLAN_OPERATION_DEFINITIONS,
  CARE_PLANS_CATEGORIES,
  CARE_PLANS_CONTEXT,
  CARE_PLANS_SEARCH_SUPPORT,
  CARE_PLANS_TYPES,
  openCarePlansService,
} from '@carenet/care-plans';
import {
  informationAccessGate,
  informationPatientKeyOf,
  openSharedInfoService,
  SHARED_INFO_CATEGORIES,
  SHARED_INFO_CONTEXT,
  SHARED_INFO_SEARCH_SUPPORT,
  SHARED_INFO_TYPES,
} from '@carenet/shared-info';
import {
  carePlanActionsSubscriber,
  openTasksService,
  TASK_OPERATION_DEFINITIONS,
  TASKS_CATEGORIES,
  TASKS_CONTEXT,
  TASKS_SEARCH_SUPPORT,
} from '@carenet/tasks';
import { Kafka, logLevel } from 'kafkajs';

/** The schema of the access facts the services of the embedded mode keep (one database). */
export const ACCESS_FACTS_SCHEMA = 'access';

export interface EmbeddedServicesOptions {
  readonly db: SqlDatabase;
  readonly logger: Logger;
  /** When given, each service's events go to its topic, and consumers read Kafka. */
  readonly kafkaBrokers?: readonly string[];
  /** The process's Kafka principal (SASL) and TLS, when the brokers ask for them. */
  readonly kafkaSecurity?: KafkaSecurity;
  /** The topic key: relays seal what the contracts mark "sealed", consumers open it (else left out). */
  readonly topicProtection?: TopicProtection;
  readonly clock?: () => Date;
  /** The overdue and review clocks' intervals (defaults 30 s and 60 s); `false` for none. */
  readonly clockIntervalMs?: number | false;
  /**
   * Whether this process runs the background work: relays, consumers and clocks (default true).
   * An HTTP worker of a multi-process gateway does not: the process that forked it does, once.
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

export interface EmbeddedServices {
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
  /** The event store of each context (`tasks`, `care-plans`, `shared-info`). */
  readonly stores: Readonly<Record<string, PostgresEventStore>>;
  /** The health of this process's relays and consumers (none in an HTTP worker), for `/readyz`. */
  health(): ComponentHealth[];
  stop(): Promise<void>;
}

/** The context of the audit records (`carenet.audit`, relay `audit-relay`). */
const AUDIT_CONTEXT = 'audit';

/**
 * The services of the embedded mode, in this process on one database: the FHIR search read
 * model (shared), each service (tasks, care-plans, shared-info), their consumers (on the store log, or on
 * Kafka when brokers are configured, then with a relay per service publishing its events). The
 * gateway routes each resource type to the service that owns it.
 */
export async function openEmbeddedServices(options: EmbeddedServicesOptions): Promise<EmbeddedServices> {
  const { db, logger } = options;
  const background = options.background ?? true;
  const clockIntervalMs = background ? options.clockIntervalMs : false;
  const registry = SearchParameterRegistry.r4({
    supported: { ...TASKS_SEARCH_SUPPORT, ...CARE_PLANS_SEARCH_SUPPORT, ...SHARED_INFO_SEARCH_SUPPORT },
  });
  // The patient of each stored resource, and the care relations, consents and objections the
  // services keep: what the access decision on every read and search is made of (issue 18).
  // Shared information (Communication, DocumentReference) is keyed by patient and its own category.
  const search = await PostgresSearchStore.open(db, {
    patientKeyOf: informationPatientKeyOf(patientKeyOfResource),
  });
  const accessFacts = new PostgresAccessFacts(ACCESS_FACTS_SCHEMA);
  const clock = options.clock !== undefined ? { clock: options.clock } : {};
  const tasks = await openTasksService({
    db,
    search,
    registry,
    logger,
    accessFacts,
    ...clock,
    ...(clockIntervalMs !== undefined && { overdueIntervalMs: clockIntervalMs }),
  });
  const carePlans = await openCarePlansService({
    db,
    search,
    registry,
    logger,
    accessFacts,
    ...clock,
    ...(clockIntervalMs !== undefined && { reviewIntervalMs: clockIntervalMs }),
  });
  const sharedInfo = await openSharedInfoService({
    db,
    search,
    registry,
    accessFacts,
    ...clock,
    ...(options.documentMaxInlineBytes !== undefined && {
      documentMaxInlineBytes: options.documentMaxInlineBytes,
    }),
  });
  const contracts = loadContractRegistry();

  const relays: RunningRelay[] = [];
  const consumers: RunningConsumer[] = [];
  const groupIdOf = options.kafkaNaming?.groupIdOf ?? ((group: string) => group);
  const topicOfContext = options.kafkaNaming?.topicOf ?? topicOf;
  const subscribers = background
    ? [
        carePlanActionsSubscriber({ store: tasks.store, logger }),
        ...carePlans.subscribers,
        ...sharedInfo.subscribers,
      ].map((subscriber) => ({ ...subscriber, groupId: groupIdOf(subscriber.groupId) }))
    : [];
  let source: EventSource = { kind: 'store-log', store: tasks.store };
  if (background && options.kafkaBrokers !== undefined) {
    const kafka = new Kafka({
      clientId: 'carenet-gateway',
      brokers: [...options.kafkaBrokers],
      logLevel: logLevel.WARN,
      ...kafkaClientSecurity(options.kafkaSecurity),
    });
    source = { kind: 'kafka', kafka, topicOf: topicOfContext };
    // The topics this process publishes to and its consumer groups' dead-letter topics.
    await provisionTopics(
      kafka,
      [
        topicOfContext(TASKS_CONTEXT),
        topicOfContext(CARE_PLANS_CONTEXT),
        topicOfContext(SHARED_INFO_CONTEXT),
        topicOfContext(AUDIT_CONTEXT),
        ...subscribers.map((subscriber) => deadLetterTopicOf(subscriber.groupId)),
      ],
      options.kafkaTopics,
      logger,
    );
    for (const [context, store, categories] of [
      [TASKS_CONTEXT, tasks.store, TASKS_CATEGORIES],
      [CARE_PLANS_CONTEXT, carePlans.store, CARE_PLANS_CATEGORIES],
      [SHARED_INFO_CONTEXT, sharedInfo.store, SHARED_INFO_CATEGORIES],
      // The audit records of every service, appended to the one store of this process.
      [AUDIT_CONTEXT, sharedInfo.store, [ACCESS_AUDIT_CATEGORY]],
    ] as const) {
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

  return {
    providers: [tasks.provider, ...carePlans.providers, ...sharedInfo.providers],
    operationDefinitions: operationDefinitionsServed(
      [tasks.provider, ...carePlans.providers, ...sharedInfo.providers],
      [...TASK_OPERATION_DEFINITIONS, ...CARE_PLAN_OPERATION_DEFINITIONS],
    ),
    registry,
    // A PPCS is medico-social information, a Task medical (S3: what a consent opens); a
    // Communication or DocumentReference is information of the category it states.
    access: informationAccessGate(
      (categoryOf) =>
        factsAccessGate({
          db,
          facts: accessFacts,
          categoryOf,
          // The access log is the patient's: the care team does not search it.
          patientOnlyTypes: ['AuditEvent'],
          ...(options.clock !== undefined && { now: options.clock }),
        }),
      dataCategoryOfType,
    ),
    audit: eventStoreAccessAudit({
      store: sharedInfo.store,
      serviceOf: (type) => CATEGORY_CONTEXTS[type] ?? 'gateway',
      ...(options.clock !== undefined && { now: options.clock }),
    }),
    validator: createResourceValidator({ types: ['Task', ...CARE_PLANS_TYPES, ...SHARED_INFO_TYPES] }),
    stores: {
      [TASKS_CONTEXT]: tasks.store,
      [CARE_PLANS_CONTEXT]: carePlans.store,
      [SHARED_INFO_CONTEXT]: sharedInfo.store,
    },
    health: () => [
      ...relays.map((relay) => relay.health()),
      ...consumers.map((consumer) => consumer.health()),
    ],
    async stop() {
      await Promise.all(consumers.map((consumer) => consumer.stop()));
      await Promise.all(relays.map((relay) => relay.stop()));
      await Promise.all([tasks.stop(), carePlans.stop(), sharedInfo.stop()]);
    },
  };
}
