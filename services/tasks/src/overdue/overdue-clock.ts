import type { SystemActor } from '@carenet/access';
import {
  DomainError,
  handleCommand,
  silentLogger,
  type EventStore,
  type Logger,
  type SqlDatabase,
} from '@carenet/eventsourcing';
import { taskDecider } from '../task/index.js';

/** The actor of the overdue clock: the Tasks service itself. */
export const OVERDUE_CLOCK_ACTOR: SystemActor = { kind: 'system', clientId: 'carenet-tasks-overdue-clock' };

export interface OverdueClockOptions {
  readonly db: SqlDatabase;
  readonly store: EventStore;
  readonly clock?: () => Date;
  /** Time between two scans (default 30 s). */
  readonly intervalMs?: number;
  /** Tasks handled per scan at most (default 500); the next scan takes the rest. */
  readonly batchSize?: number;
  readonly logger?: Logger;
}

export interface OverdueClock {
  /** One scan now: the number of Tasks reported overdue. */
  tick(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Overdue detection, outside the decider (which never reads the clock): every interval, the open
 * Tasks whose due instant (`restriction.period.end`) has passed get `MarkTaskOverdue`; the
 * decider emits TaskOverdue once per due instant, so a repeated or concurrent scan changes
 * nothing. Candidates come from `tasks.task_state.overdue_at` (indexed).
 */
export function startOverdueClock(options: OverdueClockOptions): OverdueClock {
  const clock = options.clock ?? (() => new Date());
  const logger = options.logger ?? silentLogger;
  const batchSize = options.batchSize ?? 500;
  let running: Promise<number> | undefined;

  async function scan(): Promise<number> {
    const now = clock().toISOString();
    const due = await options.db.query<{ task_id: string }>(
      `SELECT task_id FROM tasks.task_state WHERE overdue_at IS NOT NULL AND overdue_at <= $1::timestamptz
       ORDER BY overdue_at LIMIT $2`,
      [now, batchSize],
    );
    let reported = 0;
    for (const { task_id: id } of due) {
      try {
        const result = await handleCommand(options.store, taskDecider, `Task-${id}`, {
          type: 'MarkTaskOverdue',
          actor: OVERDUE_CLOCK_ACTOR,
          now,
        });
        reported += result.events.length > 0 ? 1 : 0;
      } catch (error) {
        // The Task changed since the scan read it (finished, due date moved): nothing to report.
        if (!(error instanceof DomainError)) throw error;
        logger.info({ taskId: id, reason: error.message }, 'overdue clock: task skipped');
      }
    }
    if (reported > 0) logger.info({ reported }, 'overdue clock: tasks reported overdue');
    return reported;
  }

  const tick = (): Promise<number> => {
    running ??= scan().finally(() => {
      running = undefined;
    });
    return running;
  };
  const timer = setInterval(() => {
    tick().catch((error: unknown) => {
      logger.error({ err: error }, 'overdue clock: scan failed');
    });
  }, options.intervalMs ?? 30_000);
  timer.unref();

  return {
    tick,
    async stop() {
      clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
