import type {
  PatientAddress,
  PatientContactValue,
  PatientExtension,
  PatientGender,
  PatientIdentifierValue,
  PatientIdentityStatus,
  PatientKeptElements,
  PatientLinkValue,
  PatientName,
  PatientReference,
  PatientTelecom,
} from './patient-values.js';

/**
 * Who the person is for the network: the identifiers (INS-NIR, NIA, NAM, local ones, as given)
 * and the reliability of the identity (the FR Core `fr-core-identity-reliability` extension, as
 * given, and the status read from it). The INS rules bind the two: one fact.
 */
export type PatientIdentity = Readonly<{
  identifiers: PatientIdentifierValue[];
  /** Absent: no reliability stated (a Québec patient, a record from elsewhere). */
  identityStatus?: PatientIdentityStatus;
  /** The identity-reliability extension exactly as given (status, validation mode and date…). */
  identityReliability?: PatientExtension;
}>;

export const PATIENT_IDENTITY_KEYS: readonly (keyof PatientIdentity)[] = [
  'identifiers',
  'identityStatus',
  'identityReliability',
];

/** What the person's record says of them besides their identity, as given. */
export type PatientDemographics = Readonly<{
  /** `Patient.active` as given (absent: not stated). */
  active?: boolean;
  names: PatientName[];
  telecom: PatientTelecom[];
  gender?: PatientGender;
  /** `Patient.birthDate` (a FHIR date: YYYY, YYYY-MM or YYYY-MM-DD). */
  birthDate?: string;
  addresses: PatientAddress[];
  /** `Patient.contact`: relatives, trusted person, caregivers. */
  contacts: PatientContactValue[];
  /** `Patient.link` other than `replaced-by` (refer, seealso, replaces), as given. */
  links: PatientLinkValue[];
  /** The R4 elements the domain does not model, as given (see kept elements). */
  kept?: PatientKeptElements;
}>;

export const PATIENT_DEMOGRAPHIC_KEYS: readonly (keyof PatientDemographics)[] = [
  'active',
  'names',
  'telecom',
  'gender',
  'birthDate',
  'addresses',
  'contacts',
  'links',
  'kept',
];

/** Everything a patient is registered with: a consumer builds the Patient from PatientRegistered alone. */
export type PatientContent = PatientIdentity &
  PatientDemographics &
  Readonly<{
    /**
     * `Patient.generalPractitioner` as given: the médecin traitant (a Practitioner or
     * PractitionerRole by IDNPS/RPPS or literal reference) or the structure (Organization).
     */
    generalPractitioner: PatientReference[];
  }>;
