import type { StallDiagnosis } from '../../event-store.js';
import type { LogPosition } from '../../events.js';
import { preparedSql } from '../prepared-sql.js';
import type { SqlExecutor } from '../sql-database.js';
import { decodeLogPosition } from './log-position.js';

interface BlockerRow {
  pid: number;
  state: string | null;
  since: string | null;
  query: string | null;
}

/**
 * Whether committed events after `from` are held back by the visibility gate, and which
 * session's transaction holds the horizon (from pg_stat_activity, when visible to us).
 *
 * A reader only ever reads below the horizon (`xmin`), so every committed event at or above it is
 * after `from`: the check scans the log index from `xmin`, i.e. only the held-back events (usually
 * none), however far behind the reader is and however long the log (issue 21: scanning from the
 * reader's position cost 3–12 ms at 168k events, on every empty poll of every reader).
 */
export async function diagnoseStallSql(sql: SqlExecutor, from: LogPosition): Promise<StallDiagnosis | null> {
  decodeLogPosition(from); // a position of this store, or a RangeError
  const [horizon] = await sql.query<{ xmin: string; held_back: boolean }>(
    preparedSql(`WITH horizon AS (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS xmin)
     SELECT h.xmin::text AS xmin,
            EXISTS (SELECT 1 FROM eventstore.events e WHERE e.transaction_id >= h.xmin) AS held_back
       FROM horizon h`),
  );
  if (!horizon?.held_back) return null;
  // Held back: which session holds the horizon, when visible to us.
  const [blocker] = await sql.query<BlockerRow>(
    `SELECT a.pid, a.state, to_json(a.xact_start) #>> '{}' AS since, left(a.query, 200) AS query
       FROM pg_stat_activity a WHERE a.backend_xid::text = ($1::bigint % 4294967296)::text`,
    [horizon.xmin],
  );
  return {
    blockingTransaction: horizon.xmin,
    ...(blocker !== undefined && {
      blocker: {
        pid: blocker.pid,
        state: blocker.state ?? '',
        since: blocker.since ?? '',
        query: blocker.query ?? '',
      },
    }),
  };
}
