import type { SystemActor } from '@carenet/access';
import {
  handleCommand,
  startDueCommandClock,
  type DueCommandClock,
  type EventStore,
  type Logger,
  type SqlDatabase,
} from '@carenet/eventsourcing';
import { carePlanDecider } from '../care-plan/index.js';

/** The actor of the review clock: the care-plans service itself. */
export const REVIEW_CLOCK_ACTOR: SystemActor = {
  kind: 'system',
  clientId: 'carenet-care-plans-review-clock',
};

export interface ReviewClockOptions {
  readonly db: SqlDatabase;
  readonly store: EventStore;
  readonly clock?: () => Date;
  /** Time between two scans (default 60 s). */
  readonly intervalMs?: number;
  readonly batchSize?: number;
  readonly logger?: Logger;
}

/** `tick()`: one scan now, the number of plans whose review alert was raised. */
export type ReviewClock = DueCommandClock;

/**
 * The overdue review of active PPCS (DOMAIN.md §3: an overdue review raises an alert), outside
 * the decider: every interval, the active plans whose review date has passed get
 * `RaiseReviewOverdueAlert`; the decider raises each alert once, and the Tasks service turns it
 * into an alert Task for the coordinator. Candidates come from `care_plans.review_due` (indexed).
 */
export function startReviewClock(options: ReviewClockOptions): ReviewClock {
  const batchSize = options.batchSize ?? 500;
  return startDueCommandClock({
    name: 'review clock',
    idField: 'carePlanId',
    recorded: 'review alerts raised',
    intervalMs: options.intervalMs ?? 60_000,
    ...(options.clock !== undefined && { clock: options.clock }),
    ...(options.logger !== undefined && { logger: options.logger }),
    async due(now) {
      const rows = await options.db.query<{ care_plan_id: string }>(
        'SELECT care_plan_id FROM care_plans.review_due WHERE due_at <= $1::timestamptz ORDER BY due_at LIMIT $2',
        [now, batchSize],
      );
      return rows.map((row) => row.care_plan_id);
    },
    // A plan changed since the scan (revised review date, no longer active) is refused: skipped.
    async send(id, now) {
      const result = await handleCommand(options.store, carePlanDecider, `CarePlan-${id}`, {
        type: 'RaiseReviewOverdueAlert',
        actor: REVIEW_CLOCK_ACTOR,
        now,
      });
      return result.events.length > 0;
    },
  });
}
