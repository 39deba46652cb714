import type { SystemActor } from '@carenet/access';
import {
  handleCommand,
  startDueCommandClock,
  type DueCommandClock,
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

/** `tick()`: one scan now, the number of Tasks reported overdue. */
export type OverdueClock = DueCommandClock;

/**
 * Overdue detection, outside the decider (which never reads the clock): every interval, the open
 * Tasks whose due instant (`restriction.period.end`) has passed get `MarkTaskOverdue`; the
 * decider emits TaskOverdue once per due instant, so a repeated or concurrent scan changes
 * nothing. Candidates come from `tasks.task_state.overdue_at` (indexed).
 */
export function startOverdueClock(options: OverdueClockOptions): OverdueClock {
  const batchSize = options.batchSize ?? 500;
  return startDueCommandClock({
    name: 'overdue clock',
    idField: 'taskId',
    recorded: 'tasks reported overdue',
    intervalMs: options.intervalMs ?? 30_000,
    ...(options.clock !== undefined && { clock: options.clock }),
    ...(options.logger !== undefined && { logger: options.logger }),
    async due(now) {
      const rows = await options.db.query<{ task_id: string }>(
        `SELECT task_id FROM tasks.task_state WHERE overdue_at IS NOT NULL AND overdue_at <= $1::timestamptz
         ORDER BY overdue_at LIMIT $2`,
        [now, batchSize],
      );
      return rows.map((row) => row.task_id);
    },
    // A Task changed since the scan read it (finished, due date moved) is refused: skipped.
    async send(id, now) {
      const result = await handleCommand(options.store, taskDecider, `Task-${id}`, {
        type: 'MarkTaskOverdue',
        actor: OVERDUE_CLOCK_ACTOR,
        now,
      });
      return result.events.length > 0;
    },
  });
}
