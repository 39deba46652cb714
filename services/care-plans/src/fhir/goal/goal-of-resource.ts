import type { Goal, Reference } from 'fhir/r4.js';
import {
  GOAL_LIFECYCLE_STATUSES,
  type GoalDetails,
  type GoalExpressor,
  type GoalLifecycleStatus,
  type GoalPatient,
} from '../../goal/index.js';
import {
  literalReferenceOf,
  PATIENT_SYSTEMS,
  patientOfReference,
  samePatient,
  type ContainedTypeOf,
} from '@carenet/access';
import { containedTypeOf, keptElementsOf, keptPatient } from '../shared/kept-elements.js';
import { GOAL_EXTENSIONS } from './goal-canonical.js';
import { optional } from '../shared/optional.js';
import { careTeamPartyOfReference } from '../shared/team-party-reference.js';
import { jsonEqual, type ValidationIssues } from '@carenet/eventsourcing';

/** What a Goal body says, each part `undefined` when it had an issue (collected in `issues`). */
export interface GoalOfResource {
  readonly lifecycleStatus: GoalLifecycleStatus | undefined;
  readonly subject: GoalPatient | undefined;
  readonly statusReason: string | undefined;
  readonly achievementStatus: Goal['achievementStatus'];
  readonly details: GoalDetails | undefined;
}

function lifecycleStatusOf(resource: Goal, issues: ValidationIssues): GoalLifecycleStatus | undefined {
  if ((resource.lifecycleStatus as string | undefined) === undefined) {
    issues.add('Goal.lifecycleStatus', 'is required');
    return;
  }
  const status = GOAL_LIFECYCLE_STATUSES.find((candidate) => candidate === resource.lifecycleStatus);
  if (status === undefined) {
    issues.add('Goal.lifecycleStatus', `is one of ${GOAL_LIFECYCLE_STATUSES.join(', ')}`);
  }
  return status;
}

function isPatientReference(reference: Reference, contained: ContainedTypeOf): boolean {
  if (reference.type !== undefined) return reference.type === 'Patient';
  const literal = reference.reference === undefined ? undefined : literalReferenceOf(reference.reference);
  if (literal !== undefined) {
    return (literal.form === 'contained' ? contained(literal.reference) : literal.type) === 'Patient';
  }
  return reference.identifier?.system !== undefined && PATIENT_SYSTEMS.includes(reference.identifier.system);
}

/**
 * Who expressed the goal: the patient (`type` Patient, or a patient identifier: the goal's own
 * subject, else an issue), a professional by national identifier, or a relative (RelatedPerson
 * by display). An organisation is no R4 target of `Goal.expressedBy`.
 */
function expressorOf(
  reference: Reference | undefined,
  subject: GoalPatient | undefined,
  issues: ValidationIssues,
  contained: ContainedTypeOf,
): GoalExpressor | undefined {
  if (reference === undefined) return undefined;
  const path = 'Goal.expressedBy';
  if (isPatientReference(reference, contained)) {
    // `{ type: 'Patient' }` alone: the subject (as the server renders it).
    if (
      reference.identifier === undefined &&
      reference.reference === undefined &&
      reference.display === undefined
    ) {
      return { kind: 'patient' };
    }
    const patient = keptPatient(patientOfReference(reference, path, issues, contained));
    if (patient === undefined) return;
    if (subject !== undefined && !samePatient(patient, subject)) {
      issues.add(
        `${path}${patient.reference === undefined ? '.identifier' : '.reference'}`,
        'the patient who expresses a goal is its subject',
      );
      return;
    }
    // The subject's own reference as the server renders it: nothing more to keep.
    return subject !== undefined && jsonEqual(patient, subject)
      ? { kind: 'patient' }
      : { kind: 'patient', patient };
  }
  return careTeamPartyOfReference(reference, path, issues, ['professional', 'related-person'], contained);
}

/** The Goal elements the domain models (or the server owns): the others are kept as given. */
const MODELLED: ReadonlySet<string> = new Set([
  'lifecycleStatus',
  'achievementStatus',
  'category',
  'priority',
  'description',
  'subject',
  'startDate',
  'startCodeableConcept',
  'target',
  'statusReason',
  'expressedBy',
  'addresses',
]);
const KNOWN_EXTENSIONS: ReadonlySet<string> = new Set(Object.values(GOAL_EXTENSIONS));

function detailsOf(
  resource: Goal,
  subject: GoalPatient | undefined,
  issues: ValidationIssues,
  contained: ContainedTypeOf,
): GoalDetails | undefined {
  const description = resource.description as Goal['description'] | undefined;
  if (description === undefined) issues.add('Goal.description', 'is required: what the goal is');
  if (resource.startCodeableConcept !== undefined) {
    issues.add('Goal.startCodeableConcept', 'is not taken here: a goal starts at a date (Goal.startDate)');
  }
  // An issue in expressedBy is collected: the caller throws before it uses these details.
  const expressedBy = expressorOf(resource.expressedBy, subject, issues, contained);
  const kept = keptElementsOf(resource, MODELLED, 'Goal', issues, KNOWN_EXTENSIONS);
  if (description === undefined || resource.startCodeableConcept !== undefined) return;
  return {
    description,
    ...optional('priority', resource.priority),
    category: resource.category ?? [],
    targets: resource.target ?? [],
    ...optional('startDate', resource.startDate),
    ...optional('expressedBy', expressedBy),
    addresses: resource.addresses ?? [],
    ...optional('kept', kept),
  };
}

/**
 * Reads a Goal body: `lifecycleStatus` (required), `achievementStatus`, `statusReason`,
 * `subject` (required, by INS or NAM, or by literal reference), and the details: `description`
 * (required), `priority`, `category`, `target` (as given), `startDate` (`startCodeableConcept`
 * is refused), `expressedBy` (the subject, a professional by identifier or literal reference, a
 * RelatedPerson by display), `addresses` (as given). Kept as given (issue 15): `text`,
 * `contained`, `identifier`, `statusDate`, `note`, `outcomeCode`, `outcomeReference`, other
 * extensions. Refused: `modifierExtension`, `implicitRules`. Server-owned: `id`, `meta`, recordedBy.
 */
export function goalOfResource(resource: Goal, issues: ValidationIssues): GoalOfResource {
  const contained = containedTypeOf(resource);
  const subject = keptPatient(patientOfReference(resource.subject, 'Goal.subject', issues, contained));
  return {
    lifecycleStatus: lifecycleStatusOf(resource, issues),
    subject,
    statusReason: resource.statusReason,
    achievementStatus: resource.achievementStatus,
    details: detailsOf(resource, subject, issues, contained),
  };
}
