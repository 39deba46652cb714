import type { Annotation, CodeableConcept, Task } from 'fhir/r4.js';
import type { PatientIdentifier } from '@carenet/access';
import type { JsonObject, Plain } from '@carenet/eventsourcing';

/** FHIR datatypes as plain JSON values (see `Plain`): what commands, state and events hold. */
export type CarePlanCodeableConcept = Plain<CodeableConcept>;
export type CarePlanAnnotation = Plain<Annotation>;

/**
 * The patient a plan is for (`CarePlan.subject`): by national identifier (INS, or the Québec NAM),
 * or by literal reference (`Patient/x`, an absolute URL, `#id`) under the literal-reference naming
 * system; with the reference, type and display as given (@carenet/access). Compared by system and
 * value only (`samePatient`).
 */
export type { PatientIdentifier } from '@carenet/access';

/** Whether two patient references name the same patient: identifier system and value only. */
export function samePatient(a: PatientIdentifier, b: PatientIdentifier): boolean {
  return a.system === b.system && a.value === b.value;
}

/**
 * FHIR elements the domain does not model, kept as given (issue 15): a JSON object keyed by
 * element name (`text`, `contained`, `identifier`, `addresses`, other extensions…). The domain
 * carries them in its content events and never looks inside.
 */
export type KeptElements = JsonObject;

/** A period of instants (ISO 8601); either end open when absent. */
export type InstantPeriod = Readonly<{ start?: string; end?: string }>;

/**
 * The project CodeSystem of CarePlan categories (`CarePlan.category`). A plan with the coding
 * `ppcs` in it is a PPCS (HAS 2019) and the PPCS rules apply; any other category is an ordinary
 * care plan. Spelled out here (the canonical base of `@carenet/fhir`) so the pure domain imports
 * no HTTP toolkit.
 */
export const CARE_PLAN_CATEGORY_SYSTEM = 'https://carenet.example.org/fhir/CodeSystem/care-plan-category';
export const PPCS_CATEGORY_CODE = 'ppcs';

/** The dimensions of the PPCS situation summary (HAS section 2). */
export type SituationDimension = 'medical' | 'psychological' | 'social' | 'environmental';
export const SITUATION_DIMENSIONS: readonly SituationDimension[] = [
  'medical',
  'psychological',
  'social',
  'environmental',
];

/** `CarePlan.activity.detail` priority, as Task.priority (http://hl7.org/fhir/request-priority). */
export type ActionPriority = 'routine' | 'urgent' | 'asap' | 'stat';
export const ACTION_PRIORITIES: readonly ActionPriority[] = ['routine', 'urgent', 'asap', 'stat'];

/** What kind of action (HAS: prevention actions come first). */
export type ActionKind = 'prevention' | 'care' | 'medication' | 'social' | 'education' | 'coordination';
export const ACTION_KINDS: readonly ActionKind[] = [
  'prevention',
  'care',
  'medication',
  'social',
  'education',
  'coordination',
];

/** UCUM units of a Timing's period (FHIR `Timing.repeat.periodUnit`). */
export type PeriodUnit = 's' | 'min' | 'h' | 'd' | 'wk' | 'mo' | 'a';
export const PERIOD_UNITS: readonly PeriodUnit[] = ['s', 'min', 'h', 'd', 'wk', 'mo', 'a'];

/** `activity.detail.scheduledTiming`: `frequency` times per `period` `periodUnit`, within `boundsPeriod`. */
export type ActionTiming = Readonly<{
  kind: 'timing';
  frequency: number;
  period: number;
  periodUnit: PeriodUnit;
  boundsPeriod?: InstantPeriod;
}>;

/** `activity.detail.scheduledPeriod`: a single window (e.g. "within 48 h" = now .. now + 48 h). */
export type ActionPeriod = Readonly<{ kind: 'period'; start?: string; end?: string }>;

export type ActionSchedule = ActionTiming | ActionPeriod;

/** `CarePlan.activity.detail.status` (R4, http://hl7.org/fhir/care-plan-activity-status). */
export type ActivityStatus =
  | 'not-started'
  | 'scheduled'
  | 'in-progress'
  | 'on-hold'
  | 'completed'
  | 'cancelled'
  | 'stopped'
  | 'unknown'
  | 'entered-in-error';
export const ACTIVITY_STATUSES: readonly ActivityStatus[] = [
  'not-started',
  'scheduled',
  'in-progress',
  'on-hold',
  'completed',
  'cancelled',
  'stopped',
  'unknown',
  'entered-in-error',
];

/** R4 Task.status, as the care-plans consumer reads it from task events. */
export type TaskStatus = Task['status'];

/** How the patient's (or representative's) agreement was given. */
export type AgreementMethod = 'oral' | 'written' | 'electronic';
export const AGREEMENT_METHODS: readonly AgreementMethod[] = ['oral', 'written', 'electronic'];

/** Who agreed: the patient, or their representative (HAS: "la personne ou son représentant"). */
export type AgreedBy = 'patient' | 'representative';

/** The representative who agreed in the patient's name (legal guardian, trusted person, relative). */
export type Representative = Readonly<{ name: string; relationship: string }>;
