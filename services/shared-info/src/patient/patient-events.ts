import type { Actor } from '@carenet/access';
import type { DomainEvent, Plain } from '@carenet/eventsourcing';
import type { PatientContent, PatientDemographics } from './patient-content.js';
import type {
  MergeTarget,
  PatientExtension,
  PatientIdentifierValue,
  PatientIdentityStatus,
  PatientReference,
} from './patient-values.js';

/** What every Patient event records: which patient, who did it, when. */
type Fact = Readonly<{
  patientId: string;
  /** The actor who issued the command. */
  by: Plain<Actor>;
  /** The instant of the fact (the command's `now`). */
  at: string;
}>;

/** The person was registered: the full record. */
export type PatientRegistered = DomainEvent<'PatientRegistered', Fact & { readonly patient: PatientContent }>;

/**
 * The identity changed (identifiers, reliability): the identity as it stands after the fact, and
 * the status before, so that consumers re-key what they hold by INS.
 */
export type PatientIdentityChanged = DomainEvent<
  'PatientIdentityChanged',
  Fact & {
    readonly identifiers: PatientIdentifierValue[];
    readonly identityStatus?: PatientIdentityStatus;
    readonly previousIdentityStatus?: PatientIdentityStatus;
    readonly identityReliability?: PatientExtension;
  }
>;

/** Names, contacts, address, birth date, gender, active, other links or kept elements changed. */
export type PatientDemographicsChanged = DomainEvent<
  'PatientDemographicsChanged',
  Fact & {
    readonly changed: Partial<PatientDemographics>;
    readonly removed: (keyof PatientDemographics)[];
  }
>;

/** The médecin traitant (or the structure) changed: the list as it stands after the fact. */
export type PatientGeneralPractitionerChanged = DomainEvent<
  'PatientGeneralPractitionerChanged',
  Fact & { readonly generalPractitioner: PatientReference[] }
>;

/**
 * The record was a duplicate: merged into another patient (`replaced-by`), no longer in use. The
 * identifiers it had go with the fact, so consumers re-point what they hold to the surviving one.
 */
export type PatientMerged = DomainEvent<
  'PatientMerged',
  Fact & { readonly into: MergeTarget; readonly identifiers: PatientIdentifierValue[] }
>;

export type PatientEvent =
  | PatientRegistered
  | PatientIdentityChanged
  | PatientDemographicsChanged
  | PatientGeneralPractitionerChanged
  | PatientMerged;
export type PatientEventType = PatientEvent['type'];

/** Every event type, for contract tests and consumers. */
export const PATIENT_EVENT_TYPES: readonly PatientEventType[] = [
  'PatientRegistered',
  'PatientIdentityChanged',
  'PatientDemographicsChanged',
  'PatientGeneralPractitionerChanged',
  'PatientMerged',
];
