import type { AccessFactsSource, DataCategory, PostgresAccessFacts } from '@carenet/access';
import type { Logger, PostgresEventStore, SqlDatabase } from '@carenet/eventsourcing';
import type {
  AccessGate,
  PatientKeyOf,
  PostgresSearchStore,
  ResourceProvider,
  SearchParameterRegistry,
} from '@carenet/fhir';
import type { EventSubscriber } from '@carenet/messaging';
import type { OperationDefinition } from 'fhir/r4.js';

/** What a service module is given to open in a process. */
export interface ServiceModuleDependencies {
  readonly db: SqlDatabase;
  /** The FHIR search read model of the process (one per process, shared by its modules). */
  readonly search: PostgresSearchStore;
  readonly registry: SearchParameterRegistry;
  readonly logger: Logger;
  /** The access facts of the process: the module keeps its own inline, in its appends. */
  readonly accessFacts: PostgresAccessFacts;
  readonly clock?: () => Date;
  /** The module's clocks' interval; `false`: no clock (an HTTP worker, tests). */
  readonly clockIntervalMs?: number | false;
  /** The most inline attachment data of a document (shared-info). */
  readonly documentMaxInlineBytes?: number;
}

/** A module opened: what the process serves and runs of it. */
export interface OpenedServiceModule {
  readonly providers: readonly ResourceProvider[];
  /** The module's event store (its read models projected in each append). */
  readonly store: PostgresEventStore;
  /** What the module consumes of the other services' events (started by the process). */
  readonly subscribers: readonly EventSubscriber[];
  stop(): Promise<void>;
}

/**
 * A service, as a process composes it: the embedded mode composes every module in one process,
 * the distributed mode one module per process (`services/<name>/src/main.ts`). Both serve the same
 * FHIR through the same modules, and the gateway routes each type to the module that owns it.
 */
export interface ServiceModule {
  /** The service's name and Kafka context: `carenet.<name>`, `CARENET_SERVICE_<NAME>_URL`. */
  readonly name: string;
  /** The stream categories the service publishes on its topic. */
  readonly categories: readonly string[];
  /** The FHIR resource types it owns (the gateway's routing table). */
  readonly types: readonly string[];
  /** The standard search parameters it indexes, per type (`SearchParameterRegistry.r4`). */
  readonly searchSupport: Readonly<Record<string, readonly string[] | 'all'>>;
  /** The OperationDefinitions of its custom operations. */
  readonly operationDefinitions: readonly OperationDefinition[];
  /**
   * The access facts its events state (care relations, consents, aliases): kept inline by the
   * module, and by every other service of the distributed mode from its topic.
   */
  readonly accessFactsSources: readonly AccessFactsSource[];
  /** Types only the patient they are about may read (the care team does not search them). */
  readonly patientOnlyTypes?: readonly string[];
  /** How its resources' patient keys differ from `patientKeyOfResource` (shared information). */
  patientKeyOf?(base: PatientKeyOf): PatientKeyOf;
  /** How the access decision on its resources differs (a category per resource, not per type). */
  accessGate?(
    gateFor: (categoryOf: (type: string) => DataCategory) => AccessGate,
    categoryOfType: (type: string) => DataCategory,
  ): AccessGate;
  open(dependencies: ServiceModuleDependencies): Promise<OpenedServiceModule>;
}
