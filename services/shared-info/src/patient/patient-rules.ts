/**
 * The stable codes of the Patient business rules: the `rule` of each BusinessRuleError (HTTP 422,
 * an OperationOutcome naming the rule). Clients may rely on them; never rename one.
 */
export const PATIENT_RULES = {
  /** RegisterPatient on a patient that exists. */
  alreadyExists: 'patient-already-exists',
  /** Any other command on a patient that does not exist. */
  notRegistered: 'patient-not-registered',
  /** An INS-NIR (urn:oid:1.2.250.1.213.1.4.8) on an identity that is not qualified (RNIV). */
  insNirRequiresQualifiedIdentity: 'patient-ins-nir-requires-qualified-identity',
  /** A qualified identity without its INS (INS-NIR, or the test and demo INS). */
  qualifiedIdentityRequiresIns: 'patient-qualified-identity-requires-ins',
  /** Two different INS-NIR on one person. */
  oneInsNir: 'patient-one-ins-nir',
  /** A birth date after the instant of the command. */
  birthDateInFuture: 'patient-birth-date-in-future',
  /** Another patient of the network already has this INS-NIR or NAM. */
  identifierTaken: 'patient-identifier-taken',
  /** A merged patient (replaced-by) no longer changes. */
  merged: 'patient-merged',
  /** A patient merged into itself. */
  mergeIntoItself: 'patient-merge-into-itself',
  /** A merge into a patient the network does not know, or that was merged itself. */
  mergeTargetUnknown: 'patient-merge-target-unknown',
  mergeTargetMerged: 'patient-merge-target-merged',
  /** A merged record stated active. */
  mergedIsInactive: 'patient-merged-is-inactive',
} as const;

export type PatientRule = (typeof PATIENT_RULES)[keyof typeof PATIENT_RULES];
