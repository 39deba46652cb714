import type { PatientIdentityStatus } from '../../patient/index.js';
import { RECORDED_BY_EXTENSION } from '../shared/extensions.js';

/**
 * The FR Core identity-reliability extension (hl7.fhir.fr.core, `FRCorePatientIdentityReliabilityExtension`):
 * a complex extension whose `identityStatus` sub-extension (valueCoding, FR Core CodeSystem
 * v2-0445) says how reliable the identity is; its other sub-extensions (`validationDate`,
 * `validationMode`, `methodCollection`, `dateCollection`…) are kept as given.
 */
export const FR_CORE_IDENTITY_RELIABILITY =
  'https://hl7.fr/ig/fhir/core/StructureDefinition/fr-core-identity-reliability';
export const IDENTITY_STATUS_SUB_EXTENSION = 'identityStatus';
/** FR Core CodeSystem v2-0445 (identity reliability codes, from HL7 v2 table 0445). */
export const IDENTITY_RELIABILITY_SYSTEM = 'https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-v2-0445';

/** The RNIV statuses and their v2-0445 codes. */
export const IDENTITY_STATUS_CODES: Readonly<Record<PatientIdentityStatus, string>> = {
  provisional: 'PROV',
  recovered: 'RECUP',
  validated: 'VALI',
  qualified: 'QUAL',
};

/**
 * The extensions a Patient carries: FR Core identity reliability (as given), and `recorded-by`
 * (who made the latest change; server-owned, ignored in bodies).
 */
export const PATIENT_EXTENSIONS = {
  identityReliability: FR_CORE_IDENTITY_RELIABILITY,
  recordedBy: RECORDED_BY_EXTENSION,
} as const;
