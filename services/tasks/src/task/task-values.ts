import type { Annotation, CodeableConcept, Identifier, Reference, TaskInput, TaskOutput } from 'fhir/r4.js';
import type { PatientIdentifier as AccessPatientIdentifier } from '@carenet/access';
import type { Json, Plain } from '@carenet/eventsourcing';

/** FHIR datatypes as plain JSON values (see `Plain`): what commands, state and events hold. */
export type TaskCodeableConcept = Plain<CodeableConcept>;
export type TaskAnnotation = Plain<Annotation>;
export type TaskReference = Plain<Reference>;
export type TaskIdentifier = Plain<Identifier>;
export type TaskInputValue = Plain<TaskInput>;
export type TaskOutputValue = Plain<TaskOutput>;

/** `Task.intent` values a cooperation Task may carry. */
export type TaskIntent = 'proposal' | 'plan' | 'order';
export const TASK_INTENTS: readonly TaskIntent[] = ['proposal', 'plan', 'order'];

/** `Task.priority` (http://hl7.org/fhir/request-priority). */
export type TaskPriority = 'routine' | 'urgent' | 'asap' | 'stat';
export const TASK_PRIORITIES: readonly TaskPriority[] = ['routine', 'urgent', 'asap', 'stat'];

/** The cooperation mode (DOMAIN.md §2, seed 004): a project CodeSystem. */
export type CooperationMode = 'delegation' | 'transfer' | 'sharing' | 'distribution';
export const COOPERATION_MODES: readonly CooperationMode[] = [
  'delegation',
  'transfer',
  'sharing',
  'distribution',
];

/** A period of instants (ISO 8601); `end` open when absent. */
export type InstantPeriod = Readonly<{ start?: string; end?: string }>;

/**
 * The patient the Task is for (`@carenet/access`): by national identifier (INS, or the Québec
 * NAM), or by the literal reference it was given under the literal-reference naming system; the
 * reference, type and display as given ride along (patients compare by system and value only).
 */
export type PatientIdentifier = AccessPatientIdentifier;

/**
 * The elements of a Task the network keeps as given (issue 15): the R4 elements the domain does
 * not model (`text`, `contained`, `groupIdentifier`, `businessStatus`, `encounter`,
 * `performerType`, `reasonCode`, `location`, other extensions…), by element name, each with its
 * JSON value exactly as the client sent it. `restriction` holds what is left of it without its
 * `period` (owned by the domain), `extension` the extensions that are not carenet's own.
 */
export type TaskElements = Readonly<Record<string, Json>>;
