import type { GoalLifecycleStatus } from './goal-lifecycle.js';
import type {
  GoalCodeableConcept,
  GoalExpressor,
  GoalKeptElements,
  GoalPatient,
  GoalReference,
  GoalTargetValue,
} from './goal-values.js';

/** What a revision (ReviseGoal) may change while the goal is open. */
export type GoalDetails = Readonly<{
  /** `Goal.description`: required (text or coding). */
  description: GoalCodeableConcept;
  priority?: GoalCodeableConcept;
  category: GoalCodeableConcept[];
  targets: GoalTargetValue[];
  /** `Goal.startDate` (a date). */
  startDate?: string;
  expressedBy?: GoalExpressor;
  addresses: GoalReference[];
  /**
   * The elements of the Goal the domain does not model, as given (`text`, `contained`,
   * `identifier`, `statusDate`, `note`, `outcomeCode`, `outcomeReference`, other extensions…):
   * changed by a revision, like the other details, while the goal is open.
   */
  kept?: GoalKeptElements;
}>;

export const GOAL_DETAIL_KEYS: readonly (keyof GoalDetails)[] = [
  'description',
  'priority',
  'category',
  'targets',
  'startDate',
  'expressedBy',
  'addresses',
  'kept',
];

/** Everything a goal is set with: a consumer builds the Goal from GoalSet alone. */
export type GoalContent = GoalDetails & {
  readonly lifecycleStatus: GoalLifecycleStatus;
  readonly statusReason?: string;
  readonly achievementStatus?: GoalCodeableConcept;
  /** `Goal.subject`: the patient, by INS. Never changes. */
  readonly subject: GoalPatient;
};
