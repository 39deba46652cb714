import type { Actor } from '@carenet/access';
import { jsonEqual, ValidationIssues } from '@carenet/eventsourcing';
import type { Goal } from 'fhir/r4.js';
import { GOAL_DETAIL_KEYS, type ExistingGoal, type GoalCommand, type ReviseGoal } from '../../goal/index.js';
import { optional } from '../shared/optional.js';
import { goalOfResource } from './goal-of-resource.js';

function unchanged(goal: ExistingGoal, revision: ReviseGoal): boolean {
  return (
    jsonEqual(goal.subject, revision.subject) &&
    goal.lifecycleStatus === revision.lifecycleStatus &&
    goal.statusReason === revision.statusReason &&
    jsonEqual(goal.achievementStatus, revision.achievementStatus) &&
    GOAL_DETAIL_KEYS.every((key) => jsonEqual(goal[key], revision.details[key]))
  );
}

/**
 * The commands a PUT of a Goal stands for, against its current state: one ReviseGoal (PUT
 * semantics, the full new goal), which the decider turns into one event per fact: GoalRevised
 * (details, or a new statusReason without a move), GoalLifecycleStatusChanged (with the body's
 * statusReason), GoalAchievementRecorded. The same reading as on create (see setGoalCommand),
 * `statusReason` included. The goal stated exactly as it is → `[]`. The decider checks the
 * rules (transitions, closed goals, an achievement never erased…) and who may do each.
 */
export function updateGoalCommands(
  state: ExistingGoal,
  resource: Goal,
  input: { readonly actor: Actor; readonly now: string },
): GoalCommand[] {
  const issues = new ValidationIssues();
  const { lifecycleStatus, subject, statusReason, achievementStatus, details } = goalOfResource(
    resource,
    issues,
  );
  issues.throwIfAny();
  if (lifecycleStatus === undefined || subject === undefined || details === undefined) return issues.fail();
  const revision: ReviseGoal = {
    type: 'ReviseGoal',
    actor: input.actor,
    now: input.now,
    subject,
    lifecycleStatus,
    ...optional('statusReason', statusReason),
    ...optional('achievementStatus', achievementStatus),
    details,
  };
  return unchanged(state, revision) ? [] : [revision];
}
