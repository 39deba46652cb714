import type { LogPosition } from '../../events.js';
import type { SqlExecutor } from '../sql-database.js';
import { decodeLogPosition } from './log-position.js';

/** Committed events after a position that a reader has not handled yet. */
export interface LogBacklog {
  /** How many (counted up to `cap`: a reader that far behind reads `cap`). */
  readonly events: number;
  /** When the oldest of them was recorded (ISO 8601), or null when there is none. */
  readonly oldestRecordedAt: string | null;
}

/**
 * The backlog of a reader of the global log at `from` (for lag metrics): committed events after
 * it, including those the visibility gate still holds back. Counting stops at `cap`, so that a
 * scrape never scans a large log.
 */
export async function logBacklogSql(
  sql: SqlExecutor,
  from: LogPosition,
  categories: readonly string[] | undefined,
  cap = 100_000,
): Promise<LogBacklog> {
  const { transactionId, globalPosition } = decodeLogPosition(from);
  const filter = categories ? 'AND e.category = ANY($4::text[])' : '';
  const rows = await sql.query<{ events: string; oldest: string | null }>(
    `WITH after AS (
       SELECT e.recorded_at FROM eventstore.events e
        WHERE (e.transaction_id, e.global_position) > ($1::text::xid8, $2::bigint) ${filter}
        ORDER BY e.transaction_id, e.global_position
        LIMIT $3)
     SELECT count(*)::text AS events, to_json(min(recorded_at)) #>> '{}' AS oldest FROM after`,
    categories ? [transactionId, globalPosition, cap, categories] : [transactionId, globalPosition, cap],
  );
  return { events: Number(rows[0]?.events ?? 0), oldestRecordedAt: rows[0]?.oldest ?? null };
}
