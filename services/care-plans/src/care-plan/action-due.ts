import type { CarePlanAction } from './care-plan-content.js';

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** The last instant (UTC) of an ISO date; an instant is returned unchanged. */
export function endOfDay(dateOrInstant: string): string {
  return DATE_ONLY.test(dateOrInstant) ? `${dateOrInstant}T23:59:59.999Z` : dateOrInstant;
}

/**
 * When an action's Task is due, in this order:
 * 1. the action's own `due`;
 * 2. the end of its scheduled Period (`scheduledPeriod.end`: "within 48 h");
 * 3. the end of its Timing's bounds (`scheduledTiming.repeat.boundsPeriod.end`);
 * 4. the end of the plan's review date: a recurring action without bounds (daily help) runs
 *    until the plan is reviewed, when it is renewed or revised;
 * else none (an ordinary plan without review date): the Task has no due date.
 * A date without time counts as the end of that day (UTC).
 */
export function actionDue(action: CarePlanAction, reviewDate: string | undefined): string | undefined {
  const scheduled = action.scheduled;
  const end =
    action.due ?? (scheduled?.kind === 'period' ? scheduled.end : scheduled?.boundsPeriod?.end) ?? reviewDate;
  return end === undefined ? undefined : endOfDay(end);
}
