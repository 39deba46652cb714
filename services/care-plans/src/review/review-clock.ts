import type { SystemActor } from '@carenet/access';
import {
  DomainError,
  handleCommand,
  silentLogger,
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

export interface ReviewClock {
  /** One scan now: the number of plans whose review alert was raised. */
  tick(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * The overdue review of active PPCS (DOMAIN.md §3: an overdue review raises an alert), outside
 * the decider: every interval, the active plans whose review date has passed get
 * `RaiseReviewOverdueAlert`; the decider raises each alert once, and the Tasks service turns it
 * into an alert Task for the coordinator. Candidates come from `care_plans.review_due` (indexed).
 */
export function startReviewClock(options: ReviewClockOptions): ReviewClock {
  const clock = options.clock ?? (() => new Date());
  const logger = options.logger ?? silentLogger;
  let running: Promise<number> | undefined;

  async function scan(): Promise<number> {
    const now = clock().toISOString();
    const due = await options.db.query<{ care_plan_id: string }>(
      'SELECT care_plan_id FROM care_plans.review_due WHERE due_at <= $1::timestamptz ORDER BY due_at LIMIT $2',
      [now, options.batchSize ?? 500],
    );
    let raised = 0;
    for (const { care_plan_id: id } of due) {
      try {
        const result = await handleCommand(options.store, carePlanDecider, `CarePlan-${id}`, {
          type: 'RaiseReviewOverdueAlert',
          actor: REVIEW_CLOCK_ACTOR,
          now,
        });
        raised += result.events.length > 0 ? 1 : 0;
      } catch (error) {
        // The plan changed since the scan (revised review date, no longer active): nothing to raise.
        if (!(error instanceof DomainError)) throw error;
        logger.info({ carePlanId: id, reason: error.message }, 'review clock: plan skipped');
      }
    }
    if (raised > 0) logger.info({ raised }, 'review clock: review alerts raised');
    return raised;
  }

  const tick = (): Promise<number> => {
    running ??= scan().finally(() => {
      running = undefined;
    });
    return running;
  };
  const timer = setInterval(() => {
    tick().catch((error: unknown) => {
      logger.error({ err: error }, 'review clock: scan failed');
    });
  }, options.intervalMs ?? 60_000);
  timer.unref();

  return {
    tick,
    async stop() {
      clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
