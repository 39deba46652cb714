export { decide } from './decide.js';
export { evolve } from './evolve.js';
export type * from './patient-commands.js';
export {
  PATIENT_DEMOGRAPHIC_KEYS,
  PATIENT_IDENTITY_KEYS,
  type PatientContent,
  type PatientDemographics,
  type PatientIdentity,
} from './patient-content.js';
export { patientDecider } from './patient-decider.js';
export { PATIENT_EVENT_TYPES, type PatientEventType } from './patient-events.js';
export type * from './patient-events.js';
export {
  INS_NIR_SYSTEM,
  INS_SYSTEMS,
  NAM_SYSTEM,
  NETWORK_IDENTIFIER_SYSTEMS,
  networkIdentifiers,
  requireIdentityRules,
} from './patient-identity.js';
export { PATIENT_RULES, type PatientRule } from './patient-rules.js';
export { initialState, type ExistingPatient, type NoPatient, type PatientState } from './patient-state.js';
export {
  PATIENT_IDENTITY_STATUSES,
  type MergeTarget,
  type PatientAddress,
  type PatientContactValue,
  type PatientExtension,
  type PatientGender,
  type PatientIdentifierValue,
  type PatientIdentityStatus,
  type PatientKeptElements,
  type PatientLinkValue,
  type PatientName,
  type PatientReference,
  type PatientTelecom,
} from './patient-values.js';
