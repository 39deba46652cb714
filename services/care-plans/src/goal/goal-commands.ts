import type { Actor } from '@carenet/access';
import type { GoalDetails } from './goal-content.js';
import type { GoalLifecycleStatus, InitialGoalStatus } from './goal-lifecycle.js';
import type { GoalCodeableConcept, GoalPatient } from './goal-values.js';

/** Every command says who issues it and when: the decider never reads the clock. */
interface Issued {
  readonly actor: Actor;
  /** ISO 8601 instant, from the clock of the caller. */
  readonly now: string;
}

/** Sets a goal (create). */
export interface SetGoal extends Issued {
  readonly type: 'SetGoal';
  readonly goalId: string;
  readonly lifecycleStatus: InitialGoalStatus;
  /** Only for an accepted or active goal. */
  readonly achievementStatus?: GoalCodeableConcept;
  /** Why the goal is in its status, as given (kept: never dropped). */
  readonly statusReason?: string;
  readonly subject: GoalPatient;
  readonly details: GoalDetails;
}

/**
 * A FHIR update (PUT) of the whole Goal: decided as a diff, one event per fact (GoalRevised for
 * the details, GoalLifecycleStatusChanged, GoalAchievementRecorded).
 */
export interface ReviseGoal extends Issued {
  readonly type: 'ReviseGoal';
  readonly subject: GoalPatient;
  readonly lifecycleStatus: GoalLifecycleStatus;
  readonly statusReason?: string;
  readonly achievementStatus?: GoalCodeableConcept;
  readonly details: GoalDetails;
}

export interface ChangeGoalLifecycleStatus extends Issued {
  readonly type: 'ChangeGoalLifecycleStatus';
  readonly lifecycleStatus: GoalLifecycleStatus;
  /** Required for cancelled and rejected. */
  readonly statusReason?: string;
}

export interface RecordGoalAchievement extends Issued {
  readonly type: 'RecordGoalAchievement';
  readonly achievementStatus: GoalCodeableConcept;
}

export type GoalCommand = SetGoal | ReviseGoal | ChangeGoalLifecycleStatus | RecordGoalAchievement;
