import type { StallDiagnosis } from '../../event-store.js';
import type { LogPosition } from '../../events.js';
import type { SqlExecutor } from '../sql-database.js';
import { decodeLogPosition } from './log-position.js';

interface StallRow {
  xmin: string;
  held_back: boolean;
  pid: number | null;
  state: string | null;
  since: string | null;
  query: string | null;
}

/**
 * Whether committed events after `from` are held back by the visibility gate, and which
 * session's transaction holds the horizon (from pg_stat_activity, when visible to us).
 */
export async function diagnoseStallSql(sql: SqlExecutor, from: LogPosition): Promise<StallDiagnosis | null> {
  const { transactionId, globalPosition } = decodeLogPosition(from);
  const rows = await sql.query<StallRow>(
    `WITH horizon AS (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS xmin)
     SELECT h.xmin::text AS xmin,
            EXISTS (SELECT 1 FROM eventstore.events e
                     WHERE (e.transaction_id, e.global_position) > ($1::text::xid8, $2::bigint)
                       AND e.transaction_id >= h.xmin) AS held_back,
            a.pid, a.state, to_json(a.xact_start) #>> '{}' AS since, left(a.query, 200) AS query
       FROM horizon h
       LEFT JOIN pg_stat_activity a ON a.backend_xid::text = (h.xmin::text::bigint % 4294967296)::text`,
    [transactionId, globalPosition],
  );
  const row = rows[0];
  if (!row?.held_back) return null;
  return {
    blockingTransaction: row.xmin,
    ...(row.pid !== null && {
      blocker: { pid: row.pid, state: row.state ?? '', since: row.since ?? '', query: row.query ?? '' },
    }),
  };
}
