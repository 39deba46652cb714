import type { CodeableConcept, GoalTarget, Reference } from 'fhir/r4.js';
import type { IdentifiedParty, RelatedPersonParty } from '../care-team/care-team-party.js';
import type { PatientIdentifier } from '@carenet/access';
import type { JsonObject, Plain } from '@carenet/eventsourcing';

/** FHIR datatypes as plain JSON values (see `Plain`): what commands, state and events hold. */
export type GoalCodeableConcept = Plain<CodeableConcept>;
/** `Goal.addresses`: the condition (or observation, risk...) addressed, by reference, identifier or text (`display`). */
export type GoalReference = Plain<Reference>;
/** `Goal.target`: measure, detail[x] (Quantity, Range, CodeableConcept, string, boolean, integer, Ratio), due[x]. */
export type GoalTargetValue = Plain<GoalTarget>;

/**
 * The patient: by national identifier (INS, or the Québec NAM) or by literal reference, with the
 * reference, type and display as given (@carenet/access `PatientIdentifier`).
 */
export type GoalPatient = PatientIdentifier;

/**
 * Who expressed the goal (`Goal.expressedBy`): the patient (`patient`: the reference as given,
 * when it is not the subject's own), a professional or organisation, or a relative.
 */
export type GoalExpressor =
  IdentifiedParty | RelatedPersonParty | Readonly<{ kind: 'patient'; patient?: PatientIdentifier }>;

/** FHIR elements of the Goal the domain does not model, kept as given (issue 15). */
export type GoalKeptElements = JsonObject;

/** `Goal.priority` (http://terminology.hl7.org/CodeSystem/goal-priority), as a CodeableConcept. */
export const GOAL_PRIORITY_SYSTEM = 'http://terminology.hl7.org/CodeSystem/goal-priority';
/** `Goal.achievementStatus` (http://terminology.hl7.org/CodeSystem/goal-achievement). */
export const GOAL_ACHIEVEMENT_SYSTEM = 'http://terminology.hl7.org/CodeSystem/goal-achievement';
