import type { Actor } from '@carenet/access';
import { assertNever, BusinessRuleError, ValidationError, jsonEqual } from '@carenet/eventsourcing';
import { optional } from '../care-team/optional.js';
import type {
  ChangeGoalLifecycleStatus,
  GoalCommand,
  RecordGoalAchievement,
  ReviseGoal,
  SetGoal,
} from './goal-commands.js';
import { GOAL_DETAIL_KEYS, type GoalDetails } from './goal-content.js';
import type { GoalEvent, RemovableGoalElement } from './goal-events.js';
import {
  canMoveGoal,
  CLOSED_GOAL_STATUSES,
  GOAL_ACHIEVEMENT_STATUSES,
  GOAL_STATUSES_REQUIRING_REASON,
  INITIAL_GOAL_STATUSES,
  type GoalLifecycleStatus,
} from './goal-lifecycle.js';
import { requireCarer, requireSetterOrAdministrator } from './goal-permissions.js';
import { GOAL_RULES } from './goal-rules.js';
import type { ExistingGoal, GoalState } from './goal-state.js';
import type { GoalCodeableConcept, GoalPatient } from './goal-values.js';

interface Issued {
  readonly actor: Actor;
  readonly now: string;
}

function fact(goal: ExistingGoal, command: Issued) {
  return { goalId: goal.id, by: command.actor, at: command.now };
}

function hasContent(concept: GoalCodeableConcept | undefined): boolean {
  return concept !== undefined && ((concept.text ?? '').trim() !== '' || (concept.coding?.length ?? 0) > 0);
}

/** The rules on the details alone (description, targets, dates). */
function requireValidDetails(details: GoalDetails): void {
  const dates: { path: string; value: string | undefined }[] = [
    { path: 'Goal.startDate', value: details.startDate },
    ...details.targets.map((target, i) => ({ path: `Goal.target[${i}].dueDate`, value: target.dueDate })),
  ];
  const issues = dates
    .filter((date) => date.value !== undefined && Number.isNaN(Date.parse(date.value)))
    .map((date) => ({ path: date.path, message: `not a date: ${date.value ?? ''}` }));
  if (issues.length > 0) throw new ValidationError(issues);
  if (!hasContent(details.description)) {
    throw new BusinessRuleError(GOAL_RULES.descriptionRequired, 'a goal has a description (text or code)');
  }
  details.targets.forEach((target, i) => {
    const hasDetail = Object.keys(target).some((key) => key.startsWith('detail'));
    if (hasDetail && target.measure === undefined) {
      throw new BusinessRuleError(
        GOAL_RULES.targetMeasureRequired,
        `Goal.target[${i}] has a detail and no measure (gol-1)`,
      );
    }
    if (
      target.dueDate !== undefined &&
      details.startDate !== undefined &&
      Date.parse(target.dueDate) < Date.parse(details.startDate)
    ) {
      throw new BusinessRuleError(
        GOAL_RULES.targetDueBeforeStart,
        `Goal.target[${i}] is due ${target.dueDate}, before the goal starts (${details.startDate})`,
      );
    }
  });
}

function requireAchievementApplies(status: GoalLifecycleStatus): void {
  if (!GOAL_ACHIEVEMENT_STATUSES.includes(status)) {
    throw new BusinessRuleError(
      GOAL_RULES.achievementNotApplicable,
      `an achievement is recorded for an accepted, active, on-hold or completed goal, not a ${status} one`,
    );
  }
}

function requireNotInError(goal: ExistingGoal): void {
  if (goal.lifecycleStatus === 'entered-in-error') {
    throw new BusinessRuleError(GOAL_RULES.enteredInError, `goal ${goal.id} is entered-in-error`);
  }
}

function samePatient(a: GoalPatient, b: GoalPatient): boolean {
  return a.system === b.system && a.value === b.value;
}

/** The lifecycle change to `to`, checked; `[]` when the status stays. */
function lifecycleChange(
  goal: ExistingGoal,
  to: GoalLifecycleStatus,
  statusReason: string | undefined,
  command: Issued,
): GoalEvent[] {
  if (to === goal.lifecycleStatus) return [];
  if (!canMoveGoal(goal.lifecycleStatus, to)) {
    throw new BusinessRuleError(
      GOAL_RULES.illegalTransition,
      `a goal cannot go from ${goal.lifecycleStatus} to ${to} (goal-status)`,
    );
  }
  if (GOAL_STATUSES_REQUIRING_REASON.includes(to) && (statusReason ?? '').trim() === '') {
    throw new BusinessRuleError(
      GOAL_RULES.statusReasonRequired,
      `a goal moving to ${to} needs a statusReason`,
    );
  }
  if (to === 'entered-in-error')
    requireSetterOrAdministrator(goal, command.actor, 'marks it entered-in-error');
  return [
    {
      type: 'GoalLifecycleStatusChanged',
      data: {
        ...fact(goal, command),
        previousStatus: goal.lifecycleStatus,
        lifecycleStatus: to,
        ...optional('statusReason', statusReason),
      },
    },
  ];
}

function achievementChange(
  goal: ExistingGoal,
  achievementStatus: GoalCodeableConcept,
  status: GoalLifecycleStatus,
  command: Issued,
): GoalEvent[] {
  if (jsonEqual(goal.achievementStatus, achievementStatus)) return [];
  requireAchievementApplies(status);
  return [
    {
      type: 'GoalAchievementRecorded',
      data: {
        ...fact(goal, command),
        achievementStatus,
        ...optional('previousAchievementStatus', goal.achievementStatus),
      },
    },
  ];
}

function setGoal(command: SetGoal, state: GoalState): GoalEvent[] {
  if (state.exists) throw new BusinessRuleError(GOAL_RULES.alreadyExists, `goal ${state.id} exists already`);
  requireCarer(command.actor, 'sets a goal');
  if (!(INITIAL_GOAL_STATUSES as readonly string[]).includes(command.lifecycleStatus)) {
    throw new BusinessRuleError(
      GOAL_RULES.initialStatus,
      `a goal is set proposed, planned, accepted or active, not ${command.lifecycleStatus}`,
    );
  }
  requireValidDetails(command.details);
  if (command.achievementStatus !== undefined) requireAchievementApplies(command.lifecycleStatus);
  return [
    {
      type: 'GoalSet',
      data: {
        goalId: command.goalId,
        by: command.actor,
        at: command.now,
        goal: {
          ...command.details,
          lifecycleStatus: command.lifecycleStatus,
          ...optional('achievementStatus', command.achievementStatus),
          ...optional('statusReason', command.statusReason),
          subject: command.subject,
        },
      },
    },
  ];
}

function reviseGoal(command: ReviseGoal, goal: ExistingGoal): GoalEvent[] {
  if (!samePatient(goal.subject, command.subject)) {
    throw new BusinessRuleError(
      GOAL_RULES.immutableSubject,
      `goal ${goal.id} is the goal of another patient: Goal.subject does not change`,
    );
  }
  const statusMoves = command.lifecycleStatus !== goal.lifecycleStatus;
  const changed: Partial<Record<keyof GoalDetails | 'statusReason', unknown>> = {};
  const removed: RemovableGoalElement[] = [];
  for (const key of GOAL_DETAIL_KEYS) {
    if (key === 'kept') {
      // The elements kept as given are never removed, only changed (to `{}` when none is left).
      if (!jsonEqual(goal.kept ?? {}, command.details.kept ?? {})) changed.kept = command.details.kept ?? {};
      continue;
    }
    const after = command.details[key];
    if (jsonEqual(goal[key], after)) continue;
    if (after === undefined) removed.push(key);
    else changed[key] = after;
  }
  // Same status, another reason: a revision; with a new status, the reason goes with the move.
  if (!statusMoves && goal.statusReason !== command.statusReason) {
    if (command.statusReason === undefined) removed.push('statusReason');
    else changed.statusReason = command.statusReason;
  }
  const detailsChange = removed.length > 0 || Object.keys(changed).length > 0;
  const achievementChanges = !jsonEqual(goal.achievementStatus, command.achievementStatus);
  if (!detailsChange && !statusMoves && !achievementChanges) return [];
  requireNotInError(goal);
  requireCarer(command.actor, 'revises a goal');
  const events: GoalEvent[] = [];
  if (detailsChange) {
    if (CLOSED_GOAL_STATUSES.includes(goal.lifecycleStatus)) {
      throw new BusinessRuleError(
        GOAL_RULES.closed,
        `goal ${goal.id} is ${goal.lifecycleStatus}: it is no longer revised (set a new goal)`,
      );
    }
    requireValidDetails(command.details);
    events.push({
      type: 'GoalRevised',
      data: {
        ...fact(goal, command),
        changed: changed as Partial<GoalDetails & { statusReason: string }>,
        removed,
      },
    });
  }
  events.push(...lifecycleChange(goal, command.lifecycleStatus, command.statusReason, command));
  if (achievementChanges) {
    if (command.achievementStatus === undefined) {
      throw new BusinessRuleError(
        GOAL_RULES.achievementErased,
        `goal ${goal.id} has an achievement recorded: a new one supersedes it, none erases it`,
      );
    }
    events.push(...achievementChange(goal, command.achievementStatus, command.lifecycleStatus, command));
  }
  return events;
}

function changeLifecycle(command: ChangeGoalLifecycleStatus, goal: ExistingGoal): GoalEvent[] {
  if (command.lifecycleStatus === goal.lifecycleStatus) return [];
  requireNotInError(goal);
  requireCarer(command.actor, 'changes the status of a goal');
  return lifecycleChange(goal, command.lifecycleStatus, command.statusReason, command);
}

function recordAchievement(command: RecordGoalAchievement, goal: ExistingGoal): GoalEvent[] {
  if (jsonEqual(goal.achievementStatus, command.achievementStatus)) return [];
  requireNotInError(goal);
  requireCarer(command.actor, 'assesses a goal');
  return achievementChange(goal, command.achievementStatus, goal.lifecycleStatus, command);
}

/** Decides what a command means for a Goal: the events, or a typed error. Pure. */
export function decide(command: GoalCommand, state: GoalState): GoalEvent[] {
  if (command.type === 'SetGoal') return setGoal(command, state);
  if (!state.exists) throw new BusinessRuleError(GOAL_RULES.notSet, 'the goal does not exist');
  switch (command.type) {
    case 'ReviseGoal':
      return reviseGoal(command, state);
    case 'ChangeGoalLifecycleStatus':
      return changeLifecycle(command, state);
    case 'RecordGoalAchievement':
      return recordAchievement(command, state);
    default:
      return assertNever(command);
  }
}
