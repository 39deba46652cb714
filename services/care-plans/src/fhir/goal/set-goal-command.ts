import type { Actor } from '@carenet/access';
import { BusinessRuleError, ValidationIssues } from '@carenet/eventsourcing';
import type { Goal } from 'fhir/r4.js';
import { GOAL_RULES, INITIAL_GOAL_STATUSES, type SetGoal } from '../../goal/index.js';
import { optional } from '../shared/optional.js';
import { goalOfResource } from './goal-of-resource.js';

/**
 * The SetGoal a POSTed FHIR Goal stands for.
 *
 * - `lifecycleStatus`: proposed, planned, accepted or active (else BusinessRuleError
 *   `goal-initial-status`); `achievementStatus` as given (the decider takes it for an accepted
 *   or active goal only).
 * - `subject`: required, by INS or NAM identifier (`Goal.subject.identifier`).
 * - `description` (required), `priority`, `category`, `target`, `startDate`, `expressedBy`
 *   (the patient, a professional by identifier, a RelatedPerson by display), `addresses`.
 * - `statusReason` as given (why the goal is in its status).
 * - Ignored: server-owned `id`, `meta`, the recordedBy extension. Kept as given: the elements not
 *   modelled (`text`, `contained`, `identifier`, `statusDate`, `note`, `outcomeCode`,
 *   `outcomeReference`, other extensions).
 * Every content issue is reported at once in one ValidationError.
 */
export function setGoalCommand(
  resource: Goal,
  input: { readonly goalId: string; readonly actor: Actor; readonly now: string },
): SetGoal {
  const issues = new ValidationIssues();
  const { lifecycleStatus, subject, statusReason, achievementStatus, details } = goalOfResource(
    resource,
    issues,
  );
  issues.throwIfAny();
  if (lifecycleStatus === undefined || subject === undefined || details === undefined) return issues.fail();
  const initial = INITIAL_GOAL_STATUSES.find((candidate) => candidate === lifecycleStatus);
  if (initial === undefined) {
    throw new BusinessRuleError(
      GOAL_RULES.initialStatus,
      `a goal is set proposed, planned, accepted or active, not ${lifecycleStatus}`,
    );
  }
  return {
    type: 'SetGoal',
    goalId: input.goalId,
    actor: input.actor,
    now: input.now,
    lifecycleStatus: initial,
    ...optional('achievementStatus', achievementStatus),
    ...optional('statusReason', statusReason),
    subject,
    details,
  };
}
