export * as patient from './patient/index.js';
export * as consent from './consent/index.js';
export * as communication from './communication/index.js';
export * as documentReference from './document-reference/index.js';
export {
  informationAccessGate,
  informationCategoryOfResource,
  informationPatientKeyOf,
  SHARED_INFORMATION_TYPES,
} from './access/index.js';
export {
  consentAccessFacts,
  consentStateFacts,
  generalPractitionerFacts,
  type ConsentAccessFacts,
  type GeneralPractitionerFacts,
  type ConsentStateFacts,
} from './access-facts/index.js';
export {
  CONSENT_CATEGORY_LOINC,
  CONSENT_EXTENSIONS,
  consentResource,
  recordConsentCommand,
  updateConsentCommands,
} from './fhir/consent/index.js';
export {
  FR_CORE_IDENTITY_RELIABILITY,
  IDENTITY_RELIABILITY_SYSTEM,
  IDENTITY_STATUS_CODES,
  PATIENT_EXTENSIONS,
  patientResource,
  registerPatientCommand,
  updatePatientCommands,
} from './fhir/patient/index.js';
export {
  communicationResource,
  recordCommunicationCommand,
  updateCommunicationCommands,
} from './fhir/communication/index.js';
export {
  documentReferenceResource,
  recordDocumentReferenceCommand,
  updateDocumentReferenceCommands,
} from './fhir/document-reference/index.js';
export {
  DEFAULT_DOCUMENT_MAX_INLINE_BYTES,
  openSharedInfoService,
  SHARED_INFO_CATEGORIES,
  SHARED_INFO_CONTEXT,
  SHARED_INFO_SEARCH_SUPPORT,
  SHARED_INFO_TYPES,
  type SharedInfoService,
  type SharedInfoServiceOptions,
} from './shared-info-service.js';
export { sharedInfoModule } from './shared-info-module.js';
export {
  consentAccessFactsSource,
  patientAccessFactsSource,
} from './projections/shared-info-access-facts-sources.js';
