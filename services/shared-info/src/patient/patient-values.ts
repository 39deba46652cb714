import type {
  Address,
  ContactPoint,
  Extension,
  HumanName,
  Identifier,
  PatientContact,
  PatientLink,
  Reference,
} from 'fhir/r4.js';
import type { JsonObject, Plain } from '@carenet/eventsourcing';

/**
 * The reliability of a French identity (référentiel national d'identitovigilance, RNIV): an
 * identity is created provisional, recovered from the INSi teleservice, validated against an
 * identity document, and qualified when both (only then may the INS-NIR be used and shared).
 */
export type PatientIdentityStatus = 'provisional' | 'recovered' | 'validated' | 'qualified';

export const PATIENT_IDENTITY_STATUSES: readonly PatientIdentityStatus[] = [
  'provisional',
  'recovered',
  'validated',
  'qualified',
];

/** FHIR datatypes as plain JSON values, as given by the client (kept and served back as given). */
export type PatientIdentifierValue = Plain<Identifier>;
export type PatientName = Plain<HumanName>;
export type PatientAddress = Plain<Address>;
export type PatientTelecom = Plain<ContactPoint>;
export type PatientContactValue = Plain<PatientContact>;
export type PatientLinkValue = Plain<PatientLink>;
export type PatientReference = Plain<Reference>;
export type PatientExtension = Plain<Extension>;

/** `Patient.gender` (R4 administrative-gender). */
export type PatientGender = 'male' | 'female' | 'other' | 'unknown';

/** Elements of the Patient the domain does not model, kept as given (`text`, `photo`, `communication`…). */
export type PatientKeptElements = JsonObject;

/** The patient another record was merged into (`Patient.link` of type `replaced-by`). */
export type MergeTarget = Readonly<{
  /** The logical id of the surviving Patient of this server. */
  patientId: string;
  /** `Patient.link.other` as given (`Patient/<id>`, with its display if any). */
  other: PatientReference;
}>;
