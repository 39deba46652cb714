export { decide } from './decide.js';
export { evolve } from './evolve.js';
export type * from './goal-commands.js';
export { GOAL_DETAIL_KEYS, type GoalContent, type GoalDetails } from './goal-content.js';
export { goalDecider } from './goal-decider.js';
export { GOAL_EVENT_TYPES, type GoalEventType } from './goal-events.js';
export type * from './goal-events.js';
export {
  canMoveGoal,
  CLOSED_GOAL_STATUSES,
  GOAL_ACHIEVEMENT_STATUSES,
  GOAL_LIFECYCLE_STATUSES,
  GOAL_STATUSES_REQUIRING_REASON,
  GOAL_TRANSITIONS,
  INITIAL_GOAL_STATUSES,
  type GoalLifecycleStatus,
  type InitialGoalStatus,
} from './goal-lifecycle.js';
export { GOAL_RULES, type GoalRule } from './goal-rules.js';
export { initialState, type ExistingGoal, type GoalState, type NoGoal } from './goal-state.js';
export {
  GOAL_ACHIEVEMENT_SYSTEM,
  GOAL_PRIORITY_SYSTEM,
  type GoalCodeableConcept,
  type GoalExpressor,
  type GoalKeptElements,
  type GoalPatient,
  type GoalReference,
  type GoalTargetValue,
} from './goal-values.js';
