import { aggregateProvider, aggregateReadModel, type AggregateModel } from '@carenet/aggregates';
import type { PostgresAccessFacts } from '@carenet/access';
import type { Consent, Patient } from 'fhir/r4.js';
import { migrate, PostgresEventStore, type SqlDatabase } from '@carenet/eventsourcing';
import {
  IndexValueExtractor,
  type PostgresSearchStore,
  type ResourceProvider,
  type SearchParameterRegistry,
} from '@carenet/fhir';
import type { EventSubscriber } from '@carenet/messaging';
import { auditEventProvider, auditRecordsSubscriber } from './audit/index.js';
import { consentDecider, type ConsentCommand, type ConsentState } from './consent/index.js';
import { consentResource, recordConsentCommand, updateConsentCommands } from './fhir/consent/index.js';
import { patientResource, registerPatientCommand, updatePatientCommands } from './fhir/patient/index.js';
import { patientDecider, type PatientCommand, type PatientState } from './patient/index.js';
import { consentAccessFactsProjection } from './projections/consent-access-facts-projection.js';
import {
  keepPatientIdentifierKeys,
  resetPatientIdentifierKeys,
} from './projections/patient-identifier-keys.js';
import {
  SHARED_INFO_READ_MODEL_MIGRATIONS,
  SHARED_INFO_READ_MODEL_SCHEMA,
} from './projections/shared-info-read-model-migrations.js';

/** The search parameters the shared-information service indexes: every standard R4 parameter of its types. */
export const SHARED_INFO_SEARCH_SUPPORT = { Patient: 'all', Consent: 'all', AuditEvent: 'all' } as const;

/** The Kafka context (topic `carenet.shared-info`) and the stream categories it publishes. */
export const SHARED_INFO_CONTEXT = 'shared-info';
export const SHARED_INFO_CATEGORIES: readonly string[] = ['Patient', 'Consent'];
export const SHARED_INFO_TYPES = ['Patient', 'Consent'] as const;

export interface SharedInfoServiceOptions {
  /** PostgreSQL or PGlite: the event store, the read models and the FHIR search read model. */
  readonly db: SqlDatabase;
  /** The FHIR search read model, opened once per process (shared with the other services). */
  readonly search: PostgresSearchStore;
  /** A registry that supports SHARED_INFO_SEARCH_SUPPORT (index values are extracted with it). */
  readonly registry: SearchParameterRegistry;
  readonly clock?: () => Date;
  readonly newId?: () => string;
  /**
   * Where the patients' consents and objections go for the access decision (issue 18): what each
   * Consent states (@carenet/access SharingConsent, Objection), kept in the append's transaction.
   * None: not kept.
   */
  readonly accessFacts?: PostgresAccessFacts;
}

export interface SharedInfoService {
  /** FHIR Patient and Consent, and AuditEvent (read and search only). */
  readonly providers: readonly ResourceProvider[];
  /**
   * What the service consumes: the audit records of every service (`carenet.audit`), kept as
   * AuditEvents (issue 18). Started by the composition root on its event source.
   */
  readonly subscribers: readonly EventSubscriber[];
  /** The event store of the service's streams, with its read models projected in each append. */
  readonly store: PostgresEventStore;
  stop(): Promise<void>;
}

const patientModel: AggregateModel<PatientState, Patient> = {
  type: 'Patient',
  schema: SHARED_INFO_READ_MODEL_SCHEMA,
  decider: patientDecider,
  resourceOf: patientResource,
  afterApply: keepPatientIdentifierKeys,
  reset: resetPatientIdentifierKeys,
};
const consentModel: AggregateModel<ConsentState, Consent> = {
  type: 'Consent',
  schema: SHARED_INFO_READ_MODEL_SCHEMA,
  decider: consentDecider,
  resourceOf: consentResource,
};

/**
 * The shared-information service, composed: migrations of its read models, the event store with
 * the read models as inline projections, and the FHIR providers of Patient and Consent.
 */
export async function openSharedInfoService(options: SharedInfoServiceOptions): Promise<SharedInfoService> {
  const { db, search } = options;
  await migrate(db, SHARED_INFO_READ_MODEL_MIGRATIONS, SHARED_INFO_READ_MODEL_SCHEMA);
  const { accessFacts } = options;
  if (accessFacts !== undefined) await migrate(db, accessFacts.migrations, accessFacts.schema);
  const extractor = new IndexValueExtractor(options.registry);
  const store = await PostgresEventStore.open(db, {
    projections: [
      aggregateReadModel(patientModel, search, extractor),
      aggregateReadModel(consentModel, search, extractor),
      // After the Consent read model: it reads the state the model has just stored.
      ...(accessFacts === undefined ? [] : [consentAccessFactsProjection(accessFacts)]),
    ],
  });
  const common = {
    store,
    db,
    search,
    ...(options.clock !== undefined && { clock: options.clock }),
    ...(options.newId !== undefined && { newId: options.newId }),
  };

  /** What the network knows of the patient a record would be merged into. */
  const targetOf = async (patientId: string) => {
    const rows = await db.query<{ state: PatientState }>(
      "SELECT state FROM shared_info.aggregate_state WHERE resource_type = 'Patient' AND id = $1",
      [patientId],
    );
    const state = rows[0]?.state;
    if (state?.exists !== true) return 'unknown' as const;
    return state.mergedInto === undefined ? ('in-use' as const) : ('merged' as const);
  };

  const patients = aggregateProvider<PatientState, PatientCommand, Patient>({
    ...common,
    model: patientModel,
    decider: patientDecider,
    create: (resource, input) => registerPatientCommand(resource, { ...input, patientId: input.id }),
    update: (state, resource, input) => updatePatientCommands(state, resource, { ...input, targetOf }),
  });
  const consents = aggregateProvider<ConsentState, ConsentCommand, Consent>({
    ...common,
    model: consentModel,
    decider: consentDecider,
    create: (resource, input) => recordConsentCommand(resource, { ...input, consentId: input.id }),
    update: (state, resource, input) => Promise.resolve(updateConsentCommands(state, resource, input)),
  });
  return {
    providers: [patients, consents, auditEventProvider(search)] as ResourceProvider[],
    subscribers: [auditRecordsSubscriber({ search, extractor })],
    store,
    stop: () => Promise.resolve(),
  };
}
