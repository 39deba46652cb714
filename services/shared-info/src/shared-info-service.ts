import { aggregateProvider, aggregateReadModel, type AggregateModel } from '@carenet/aggregates';
import type { PostgresAccessFacts } from '@carenet/access';
import type { Communication, Consent, DocumentReference, Patient } from 'fhir/r4.js';
import { migrate, PostgresEventStore, type SqlDatabase } from '@carenet/eventsourcing';
import {
  IndexValueExtractor,
  type PostgresSearchStore,
  type ResourceProvider,
  type SearchParameterRegistry,
} from '@carenet/fhir';
import type { EventSubscriber } from '@carenet/messaging';
import { auditEventProvider, auditRecordsSubscriber } from './audit/index.js';
import {
  communicationDecider,
  type CommunicationCommand,
  type CommunicationState,
} from './communication/index.js';
import { consentDecider, type ConsentCommand, type ConsentState } from './consent/index.js';
import {
  documentReferenceDecider,
  type DocumentReferenceCommand,
  type DocumentReferenceState,
} from './document-reference/index.js';
import {
  communicationResource,
  recordCommunicationCommand,
  updateCommunicationCommands,
} from './fhir/communication/index.js';
import { consentResource, recordConsentCommand, updateConsentCommands } from './fhir/consent/index.js';
import {
  documentReferenceResource,
  recordDocumentReferenceCommand,
  updateDocumentReferenceCommands,
} from './fhir/document-reference/index.js';
import { patientResource, registerPatientCommand, updatePatientCommands } from './fhir/patient/index.js';
import { patientDecider, type PatientCommand, type PatientState } from './patient/index.js';
import { consentAccessFactsProjection } from './projections/consent-access-facts-projection.js';
import { patientAccessFactsProjection } from './projections/patient-access-facts-projection.js';
import {
  keepPatientIdentifierKeys,
  resetPatientIdentifierKeys,
} from './projections/patient-identifier-keys.js';
import {
  SHARED_INFO_READ_MODEL_MIGRATIONS,
  SHARED_INFO_READ_MODEL_SCHEMA,
} from './projections/shared-info-read-model-migrations.js';

/** The search parameters the shared-information service indexes: every standard R4 parameter of its types. */
export const SHARED_INFO_SEARCH_SUPPORT = {
  Patient: 'all',
  Consent: 'all',
  Communication: 'all',
  DocumentReference: 'all',
  AuditEvent: 'all',
} as const;

/** The Kafka context (topic `carenet.shared-info`) and the stream categories it publishes. */
export const SHARED_INFO_CONTEXT = 'shared-info';
export const SHARED_INFO_CATEGORIES: readonly string[] = [
  'Patient',
  'Consent',
  'Communication',
  'DocumentReference',
];
export const SHARED_INFO_TYPES = ['Patient', 'Consent', 'Communication', 'DocumentReference'] as const;

/**
 * The most inline attachment data a Communication or DocumentReference carries by default, in
 * decoded bytes (512 KiB): base64 in the JSON body stays under the FHIR interface's 1 MB body
 * limit, and the event under Kafka's default 1 MB message size. Larger documents are referenced
 * by `attachment.url`.
 */
export const DEFAULT_DOCUMENT_MAX_INLINE_BYTES = 512 * 1024;

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
  /**
   * The most inline attachment data (`attachment.data`, decoded bytes) a Communication or a
   * DocumentReference carries; beyond, the write is refused with a 413 (gateway:
   * CARENET_DOCUMENT_MAX_INLINE_BYTES). Default DEFAULT_DOCUMENT_MAX_INLINE_BYTES.
   */
  readonly documentMaxInlineBytes?: number;
}

export interface SharedInfoService {
  /** FHIR Patient, Consent, Communication and DocumentReference, and AuditEvent (read and search only). */
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
const communicationModel: AggregateModel<CommunicationState, Communication> = {
  type: 'Communication',
  schema: SHARED_INFO_READ_MODEL_SCHEMA,
  decider: communicationDecider,
  resourceOf: communicationResource,
};
const documentReferenceModel: AggregateModel<DocumentReferenceState, DocumentReference> = {
  type: 'DocumentReference',
  schema: SHARED_INFO_READ_MODEL_SCHEMA,
  decider: documentReferenceDecider,
  resourceOf: documentReferenceResource,
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
      aggregateReadModel(communicationModel, search, extractor),
      aggregateReadModel(documentReferenceModel, search, extractor),
      // After the Patient and Consent read models: they read the state the models have just stored.
      ...(accessFacts === undefined
        ? []
        : [consentAccessFactsProjection(accessFacts), patientAccessFactsProjection(accessFacts)]),
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
  const maxInlineBytes = options.documentMaxInlineBytes ?? DEFAULT_DOCUMENT_MAX_INLINE_BYTES;
  const communications = aggregateProvider<CommunicationState, CommunicationCommand, Communication>({
    ...common,
    model: communicationModel,
    decider: communicationDecider,
    create: (resource, input) =>
      recordCommunicationCommand(resource, { ...input, communicationId: input.id, maxInlineBytes }),
    update: (state, resource, input) =>
      Promise.resolve(updateCommunicationCommands(state, resource, { ...input, maxInlineBytes })),
  });
  const documentReferences = aggregateProvider<
    DocumentReferenceState,
    DocumentReferenceCommand,
    DocumentReference
  >({
    ...common,
    model: documentReferenceModel,
    decider: documentReferenceDecider,
    create: (resource, input) =>
      recordDocumentReferenceCommand(resource, { ...input, documentReferenceId: input.id, maxInlineBytes }),
    update: (state, resource, input) =>
      Promise.resolve(updateDocumentReferenceCommands(state, resource, { ...input, maxInlineBytes })),
  });
  return {
    providers: [
      patients,
      consents,
      communications,
      documentReferences,
      auditEventProvider(search),
    ] as ResourceProvider[],
    subscribers: [auditRecordsSubscriber({ search, extractor })],
    store,
    stop: () => Promise.resolve(),
  };
}
