/** `Goal.lifecycleStatus` (R4 goal-status). */
export type GoalLifecycleStatus =
  | 'proposed'
  | 'planned'
  | 'accepted'
  | 'active'
  | 'on-hold'
  | 'completed'
  | 'cancelled'
  | 'entered-in-error'
  | 'rejected';

export const GOAL_LIFECYCLE_STATUSES: readonly GoalLifecycleStatus[] = [
  'proposed',
  'planned',
  'accepted',
  'active',
  'on-hold',
  'completed',
  'cancelled',
  'entered-in-error',
  'rejected',
];

/** A goal is set proposed, planned, accepted or active. */
export type InitialGoalStatus = 'proposed' | 'planned' | 'accepted' | 'active';
export const INITIAL_GOAL_STATUSES: readonly InitialGoalStatus[] = [
  'proposed',
  'planned',
  'accepted',
  'active',
];

/**
 * The transitions allowed (R4 definitions of goal-status):
 * - proposed → planned, accepted, active, on-hold, rejected (not taken up), cancelled;
 * - planned → accepted, active, on-hold, cancelled; accepted → active, on-hold, cancelled;
 * - active → on-hold, completed, cancelled; on-hold → active, cancelled;
 * - completed, cancelled, rejected: closed (a new goal is set to pursue it again);
 * - any status → entered-in-error: terminal.
 */
export const GOAL_TRANSITIONS: Readonly<Record<GoalLifecycleStatus, readonly GoalLifecycleStatus[]>> = {
  proposed: ['planned', 'accepted', 'active', 'on-hold', 'rejected', 'cancelled', 'entered-in-error'],
  planned: ['accepted', 'active', 'on-hold', 'cancelled', 'entered-in-error'],
  accepted: ['active', 'on-hold', 'cancelled', 'entered-in-error'],
  active: ['on-hold', 'completed', 'cancelled', 'entered-in-error'],
  'on-hold': ['active', 'cancelled', 'entered-in-error'],
  completed: ['entered-in-error'],
  cancelled: ['entered-in-error'],
  rejected: ['entered-in-error'],
  'entered-in-error': [],
};

/** Statuses whose goal no longer changes (but for entered-in-error, and achievement when completed). */
export const CLOSED_GOAL_STATUSES: readonly GoalLifecycleStatus[] = ['completed', 'cancelled', 'rejected'];

/** A cancelled or rejected goal says why (`Goal.statusReason`). */
export const GOAL_STATUSES_REQUIRING_REASON: readonly GoalLifecycleStatus[] = ['cancelled', 'rejected'];

/** Statuses in which an achievement is recorded: the goal is being (or was) pursued. */
export const GOAL_ACHIEVEMENT_STATUSES: readonly GoalLifecycleStatus[] = [
  'accepted',
  'active',
  'on-hold',
  'completed',
];

export function canMoveGoal(from: GoalLifecycleStatus, to: GoalLifecycleStatus): boolean {
  return GOAL_TRANSITIONS[from].includes(to);
}
