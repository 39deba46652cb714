import type { LogPosition, RecordedEvent } from '../../events.js';
import { preparedSql } from '../prepared-sql.js';
import type { SqlExecutor } from '../sql-database.js';
import { EVENT_COLUMNS, toRecordedEvent, type EventRow } from './event-row.js';
import { decodeLogPosition } from './log-position.js';

const GATE = 'AND e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())';

/** A statement of the global log and its parameters. */
export interface ReadAllStatement {
  readonly text: string;
  readonly params: readonly unknown[];
}

/**
 * The read of the global log after `from` (see `readAllSql`). Without categories it walks
 * `events_log` from the position. With categories it reads each category's own index
 * (`events_category_log`: category, transaction id, position) from the position, at most `limit`
 * rows each, and merges them: its cost is that of the rows it returns, however far the reader's
 * position is behind the head of the log (a reader of a rare category stays far behind it), in
 * custom and generic plans alike. A single filter on `category = ANY(…)` let the planner walk
 * `events_log` and filter, which reads every event of every other category after the position.
 * Each category's scan is ordered by `e.category` first (one value there, so the same order): the
 * planner matches that to the index, where an order on (transaction id, position) alone made it
 * walk `events_log` and filter by the outer category instead (the category, from the lateral
 * join, is not a constant when it plans).
 */
export function readAllStatement(
  from: LogPosition,
  categories: readonly string[] | undefined,
  limit: number,
  visibilityGate = true,
): ReadAllStatement {
  const { transactionId, globalPosition } = decodeLogPosition(from);
  const gate = visibilityGate ? GATE : '';
  if (categories === undefined) {
    return {
      // Two shapes (gate or not): prepared.
      text: preparedSql(`SELECT ${EVENT_COLUMNS} FROM eventstore.events e
      WHERE (e.transaction_id, e.global_position) > ($1::text::xid8, $2::bigint)
        ${gate}
      ORDER BY e.transaction_id, e.global_position
      LIMIT $3`),
      params: [transactionId, globalPosition, limit],
    };
  }
  return {
    text: preparedSql(`SELECT ${EVENT_COLUMNS}
      FROM unnest($4::text[]) AS c(category)
      CROSS JOIN LATERAL (
        SELECT * FROM eventstore.events e
         WHERE e.category = c.category
           AND (e.transaction_id, e.global_position) > ($1::text::xid8, $2::bigint)
           ${gate}
         ORDER BY e.category, e.transaction_id, e.global_position
         LIMIT $3) e
      ORDER BY e.transaction_id, e.global_position
      LIMIT $3`),
    // Each category once: a repeated one would give its events twice.
    params: [transactionId, globalPosition, limit, [...new Set(categories)]],
  };
}

/**
 * The global log after `from`, ordered by (transaction id, position), showing only events of
 * transactions older than the oldest one still running. Without that visibility gate, an event
 * committed late by a transaction that took its position early would land behind a reader's
 * checkpoint and be skipped forever (test/global-log-ordering.int.test.ts shows it).
 * `visibilityGate: false` is only for readers that hold a lock excluding writers (rebuilds).
 */
export async function readAllSql(
  sql: SqlExecutor,
  from: LogPosition,
  categories: readonly string[] | undefined,
  limit: number,
  visibilityGate = true,
): Promise<RecordedEvent[]> {
  const statement = readAllStatement(from, categories, limit, visibilityGate);
  const rows = await sql.query<EventRow>(statement.text, statement.params);
  return rows.map(toRecordedEvent);
}
