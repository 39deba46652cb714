import type { DataCategory, Party, PatientIdentifier } from '@carenet/access';
import type { Plain } from '@carenet/eventsourcing';
import type { CodeableConcept, Reference } from 'fhir/r4.js';

/**
 * What Communication and DocumentReference have in common: information about a patient, of one
 * category of shared information (DOMAIN.md §4), from and to professionals.
 */

/** The patient the information is about, by national identifier (the reference as given). */
export type InformationSubject = PatientIdentifier;

/** A party named by a Reference: the Reference exactly as given, and who it names. */
export type NamedParty = Readonly<{
  reference: Plain<Reference>;
  party: Party;
}>;

/** The category of the information (`category` as given, and the data category it names). */
export type InformationCategory = Readonly<{
  /** The category element as given (the shared-information-category coding, other codings beside it). */
  codes: Plain<CodeableConcept>[];
  /** The data category of the access decision: the one stated, or `medical` (the most protected) when none is. */
  category: DataCategory;
}>;
