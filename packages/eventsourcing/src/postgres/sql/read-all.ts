import type { LogPosition, RecordedEvent } from '../../events.js';
import { preparedSql } from '../prepared-sql.js';
import type { SqlExecutor } from '../sql-database.js';
import { EVENT_COLUMNS, toRecordedEvent, type EventRow } from './event-row.js';
import { decodeLogPosition } from './log-position.js';

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
  const { transactionId, globalPosition } = decodeLogPosition(from);
  const filter = categories ? 'AND e.category = ANY($4::text[])' : '';
  const rows = await sql.query<EventRow>(
    // Four shapes at most (gate, filter): prepared.
    preparedSql(`SELECT ${EVENT_COLUMNS} FROM eventstore.events e
      WHERE (e.transaction_id, e.global_position) > ($1::text::xid8, $2::bigint)
        ${visibilityGate ? 'AND e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())' : ''}
        ${filter}
      ORDER BY e.transaction_id, e.global_position
      LIMIT $3`),
    categories ? [transactionId, globalPosition, limit, categories] : [transactionId, globalPosition, limit],
  );
  return rows.map(toRecordedEvent);
}
