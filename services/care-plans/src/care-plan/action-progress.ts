import type { ActivityStatus, TaskStatus } from './care-plan-values.js';

/** Activity statuses an action does not leave (except to entered-in-error): its Task is finished. */
export const FINISHED_ACTIVITY_STATUSES: readonly ActivityStatus[] = [
  'completed',
  'cancelled',
  'stopped',
  'entered-in-error',
];

export function isFinishedActivity(status: ActivityStatus): boolean {
  return FINISHED_ACTIVITY_STATUSES.includes(status);
}

/**
 * `activity.detail.status` for the status of the action's Task, given the action's current one:
 * - draft → not-started; requested, received, accepted, ready → scheduled;
 * - in-progress → in-progress; on-hold → on-hold; completed → completed;
 * - cancelled or rejected → cancelled if the action never started (R4: "withdrawn"), stopped if
 *   it had (in-progress or on-hold: "ended prior to completion after the activity was started");
 * - failed → stopped (a Task only fails once started);
 * - entered-in-error → entered-in-error.
 */
export function activityStatusOf(task: TaskStatus, current: ActivityStatus): ActivityStatus {
  switch (task) {
    case 'draft':
      return 'not-started';
    case 'requested':
    case 'received':
    case 'accepted':
    case 'ready':
      return 'scheduled';
    case 'in-progress':
      return 'in-progress';
    case 'on-hold':
      return 'on-hold';
    case 'completed':
      return 'completed';
    case 'cancelled':
    case 'rejected':
      return current === 'in-progress' || current === 'on-hold' ? 'stopped' : 'cancelled';
    case 'failed':
      return 'stopped';
    case 'entered-in-error':
      return 'entered-in-error';
  }
}
