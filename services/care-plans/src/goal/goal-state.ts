import type { Actor } from '@carenet/access';
import type { Plain } from '@carenet/eventsourcing';
import type { GoalContent } from './goal-content.js';

export interface NoGoal {
  readonly exists: false;
}

export type ExistingGoal = GoalContent & {
  readonly exists: true;
  readonly id: string;
  /** The actor who set the goal (may mark it entered-in-error). */
  readonly setBy: Plain<Actor>;
  readonly lastModified: string;
  readonly lastModifiedBy: Plain<Actor>;
};

export type GoalState = NoGoal | ExistingGoal;

export function initialState(): GoalState {
  return { exists: false };
}
