import type { CodeableConcept, GoalTarget, Reference } from 'fhir/r4.js';
import type { IdentifiedParty, RelatedPersonParty } from '../care-team/care-team-party.js';
import type { Plain } from '@carenet/eventsourcing';

/** FHIR datatypes as plain JSON values (see `Plain`): what commands, state and events hold. */
export type GoalCodeableConcept = Plain<CodeableConcept>;
/** `Goal.addresses`: the condition (or observation, risk...) addressed, by reference, identifier or text (`display`). */
export type GoalReference = Plain<Reference>;
/** `Goal.target`: measure, detail[x] (Quantity, Range, CodeableConcept, string, boolean, integer, Ratio), due[x]. */
export type GoalTargetValue = Plain<GoalTarget>;

/** The patient, by national identifier (INS, or the Québec NAM). */
export type GoalPatient = Readonly<{ system: string; value: string }>;

/** Who expressed the goal (`Goal.expressedBy`): the patient, a professional or organisation, or a relative. */
export type GoalExpressor = IdentifiedParty | RelatedPersonParty | Readonly<{ kind: 'patient' }>;

/** `Goal.priority` (http://terminology.hl7.org/CodeSystem/goal-priority), as a CodeableConcept. */
export const GOAL_PRIORITY_SYSTEM = 'http://terminology.hl7.org/CodeSystem/goal-priority';
/** `Goal.achievementStatus` (http://terminology.hl7.org/CodeSystem/goal-achievement). */
export const GOAL_ACHIEVEMENT_SYSTEM = 'http://terminology.hl7.org/CodeSystem/goal-achievement';
