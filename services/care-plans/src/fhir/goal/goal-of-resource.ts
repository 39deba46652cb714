import type { Goal, Reference } from 'fhir/r4.js';
import {
  GOAL_LIFECYCLE_STATUSES,
  type GoalDetails,
  type GoalExpressor,
  type GoalLifecycleStatus,
  type GoalPatient,
} from '../../goal/index.js';
import { PATIENT_SYSTEMS, patientOfReference } from '@carenet/access';
import { optional } from '../shared/optional.js';
import { careTeamPartyOfReference } from '../shared/team-party-reference.js';
import type { ValidationIssues } from '@carenet/eventsourcing';

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

function isPatientReference(reference: Reference): boolean {
  if (reference.type !== undefined) return reference.type === 'Patient';
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
): GoalExpressor | undefined {
  if (reference === undefined) return undefined;
  const path = 'Goal.expressedBy';
  if (isPatientReference(reference)) {
    const identifier = reference.identifier;
    if (
      identifier !== undefined &&
      subject !== undefined &&
      (identifier.system !== subject.system || identifier.value !== subject.value)
    ) {
      issues.add(`${path}.identifier`, 'the patient who expresses a goal is its subject');
      return;
    }
    return { kind: 'patient' };
  }
  return careTeamPartyOfReference(reference, path, issues, ['professional', 'related-person']);
}

function detailsOf(
  resource: Goal,
  subject: GoalPatient | undefined,
  issues: ValidationIssues,
): GoalDetails | undefined {
  const description = resource.description as Goal['description'] | undefined;
  if (description === undefined) issues.add('Goal.description', 'is required: what the goal is');
  if (resource.startCodeableConcept !== undefined) {
    issues.add('Goal.startCodeableConcept', 'is not taken here: a goal starts at a date (Goal.startDate)');
  }
  // An issue in expressedBy is collected: the caller throws before it uses these details.
  const expressedBy = expressorOf(resource.expressedBy, subject, issues);
  if (description === undefined || resource.startCodeableConcept !== undefined) return;
  return {
    description,
    ...optional('priority', resource.priority),
    category: resource.category ?? [],
    targets: resource.target ?? [],
    ...optional('startDate', resource.startDate),
    ...optional('expressedBy', expressedBy),
    addresses: resource.addresses ?? [],
  };
}

/**
 * Reads a Goal body: `lifecycleStatus` (required), `achievementStatus`, `statusReason`,
 * `subject` (required, by INS: a literal-only reference is an issue at
 * `Goal.subject.identifier`), and the details: `description` (required), `priority`,
 * `category`, `target` (as given), `startDate` (`startCodeableConcept` is refused),
 * `expressedBy`, `addresses` (as given). Not modelled, so not kept: `identifier`, `statusDate`,
 * `note`, `outcomeCode`, `outcomeReference`. Server-owned: `id`, `meta`, recordedBy.
 */
export function goalOfResource(resource: Goal, issues: ValidationIssues): GoalOfResource {
  const subject = patientOfReference(resource.subject, 'Goal.subject', issues);
  return {
    lifecycleStatus: lifecycleStatusOf(resource, issues),
    subject,
    statusReason: resource.statusReason,
    achievementStatus: resource.achievementStatus,
    details: detailsOf(resource, subject, issues),
  };
}
