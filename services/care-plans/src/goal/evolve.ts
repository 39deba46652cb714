import { assertNever } from '@carenet/eventsourcing';
import type { GoalDetails } from './goal-content.js';
import type { GoalEvent } from './goal-events.js';
import type { ExistingGoal, GoalState } from './goal-state.js';

function withoutKeys(
  goal: ExistingGoal,
  keys: readonly (keyof GoalDetails | 'statusReason')[],
): ExistingGoal {
  return Object.fromEntries(
    Object.entries(goal).filter(([key]) => !(keys as readonly string[]).includes(key)),
  ) as ExistingGoal;
}

/** Folds one event into the state. Events of a goal that does not exist are ignored. */
export function evolve(state: GoalState, event: GoalEvent): GoalState {
  if (event.type === 'GoalSet') {
    return {
      ...event.data.goal,
      exists: true,
      id: event.data.goalId,
      setBy: event.data.by,
      lastModified: event.data.at,
      lastModifiedBy: event.data.by,
    };
  }
  if (!state.exists) return state;
  const touched = { lastModified: event.data.at, lastModifiedBy: event.data.by };
  switch (event.type) {
    case 'GoalRevised':
      return { ...withoutKeys(state, event.data.removed), ...event.data.changed, ...touched };
    case 'GoalLifecycleStatusChanged': {
      const { statusReason: _previous, ...rest } = state;
      const next = { ...rest, lifecycleStatus: event.data.lifecycleStatus, ...touched };
      return event.data.statusReason === undefined
        ? next
        : { ...next, statusReason: event.data.statusReason };
    }
    case 'GoalAchievementRecorded':
      return { ...state, achievementStatus: event.data.achievementStatus, ...touched };
    default:
      return assertNever(event);
  }
}
