import type { Actor } from '@carenet/access';
import type { PatientContent, PatientDemographics, PatientIdentity } from './patient-content.js';
import type { MergeTarget, PatientReference } from './patient-values.js';

/** Every command says who issues it and when: the decider never reads the clock. */
interface Issued {
  readonly actor: Actor;
  /** ISO 8601 instant, from the clock of the caller. */
  readonly now: string;
}

/** Registers a person followed by the network (create). */
export interface RegisterPatient extends Issued {
  readonly type: 'RegisterPatient';
  readonly patientId: string;
  readonly patient: PatientContent;
}

/**
 * A FHIR update (PUT) of the whole Patient, but for a merge: decided as a diff, one event per
 * fact (PatientIdentityChanged, PatientDemographicsChanged, PatientGeneralPractitionerChanged).
 */
export interface RevisePatient extends Issued {
  readonly type: 'RevisePatient';
  readonly identity: PatientIdentity;
  readonly demographics: PatientDemographics;
  readonly generalPractitioner: readonly PatientReference[];
}

/**
 * Merges this record (a duplicate) into another patient of the network: `Patient.link` of type
 * `replaced-by`. Whether the target exists is read by the caller (another stream) and stated
 * here, for the decider to apply the rule.
 */
export interface MergePatient extends Issued {
  readonly type: 'MergePatient';
  readonly into: MergeTarget;
  /** What the caller found of the target: a patient in use, none, or a merged one. */
  readonly target: 'in-use' | 'unknown' | 'merged';
}

export type PatientCommand = RegisterPatient | RevisePatient | MergePatient;
