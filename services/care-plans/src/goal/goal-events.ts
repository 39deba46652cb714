import type { Actor } from '@carenet/access';
import type { DomainEvent, Plain } from '@carenet/eventsourcing';
import type { GoalContent, GoalDetails } from './goal-content.js';
import type { GoalLifecycleStatus } from './goal-lifecycle.js';
import type { GoalCodeableConcept } from './goal-values.js';

/** What every Goal event records: which goal, who did it, when. */
type Fact = Readonly<{
  goalId: string;
  /** The actor who issued the command. */
  by: Plain<Actor>;
  /** The instant of the fact (the command's `now`). */
  at: string;
}>;

/** The elements a revision may remove (the elements kept as given are replaced, never removed). */
export type RemovableGoalElement = Exclude<keyof GoalDetails, 'kept'> | 'statusReason';

/** The goal was set: its full content. */
export type GoalSet = DomainEvent<'GoalSet', Fact & { readonly goal: GoalContent }>;
/** The details changed: the new values, and the elements removed (statusReason: a new reason, same status). */
export type GoalRevised = DomainEvent<
  'GoalRevised',
  Fact & {
    readonly changed: Partial<GoalDetails & { statusReason: string }>;
    readonly removed: RemovableGoalElement[];
  }
>;
/** The lifecycle status moved (`previousStatus` → `lifecycleStatus`). */
export type GoalLifecycleStatusChanged = DomainEvent<
  'GoalLifecycleStatusChanged',
  Fact & {
    readonly previousStatus: GoalLifecycleStatus;
    readonly lifecycleStatus: GoalLifecycleStatus;
    readonly statusReason?: string;
  }
>;
/** An assessment of progress towards the goal. */
export type GoalAchievementRecorded = DomainEvent<
  'GoalAchievementRecorded',
  Fact & {
    readonly achievementStatus: GoalCodeableConcept;
    readonly previousAchievementStatus?: GoalCodeableConcept;
  }
>;

export type GoalEvent = GoalSet | GoalRevised | GoalLifecycleStatusChanged | GoalAchievementRecorded;
export type GoalEventType = GoalEvent['type'];

/** Every event type, for contract tests and consumers. */
export const GOAL_EVENT_TYPES: readonly GoalEventType[] = [
  'GoalSet',
  'GoalRevised',
  'GoalLifecycleStatusChanged',
  'GoalAchievementRecorded',
];
