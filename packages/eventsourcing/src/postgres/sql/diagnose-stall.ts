import type { StallDiagnosis, StallDiagnosisOptions } from '../../event-store.js';
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

interface Horizon {
  readonly xmin: string;
  readonly heldBack: boolean;
}

/** The last horizon probe of each database object: shared by every reader of that database. */
const probes = new WeakMap<SqlExecutor, { readonly at: number; readonly horizon: Promise<Horizon> }>();

/**
 * The horizon (`xmin`) and whether committed events wait at or above it, asked at most once per
 * `maxAgeMs` per database object (concurrent askers share the answer under way).
 *
 * A reader only ever reads below the horizon, so every committed event at or above it is after
 * any reader's position: the check scans the log index from `xmin`, i.e. only the held-back events
 * (usually none), however far behind the reader is and however long the log (issue 21: scanning
 * from the reader's position cost 3–12 ms at 168k events, on every empty poll of every reader).
 */
function probeHorizon(sql: SqlExecutor, maxAgeMs: number): Promise<Horizon> {
  const now = performance.now();
  const last = probes.get(sql);
  if (last !== undefined && now - last.at < maxAgeMs) return last.horizon;
  const horizon = sql
    .query<{ xmin: string; held_back: boolean }>(
      preparedSql(`WITH horizon AS (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS xmin)
     SELECT h.xmin::text AS xmin,
            EXISTS (SELECT 1 FROM eventstore.events e WHERE e.transaction_id >= h.xmin) AS held_back
       FROM horizon h`),
    )
    .then(([row]) => ({ xmin: row?.xmin ?? '0', heldBack: row?.held_back ?? false }));
  probes.set(sql, { at: now, horizon });
  // A failed probe is not kept: the next asker asks again.
  horizon.catch(() => {
    if (probes.get(sql)?.horizon === horizon) probes.delete(sql);
  });
  return horizon;
}

/**
 * Whether committed events after `from` are held back by the visibility gate, and, with
 * `identifyBlocker` (default), which session's transaction holds the horizon (from
 * pg_stat_activity, when visible to us: a query of about 100 buffers, so asked only when a warning
 * names it). With `maxAgeMs`, an answer that old given to another reader of the same database
 * object serves (see `probeHorizon`).
 */
export async function diagnoseStallSql(
  sql: SqlExecutor,
  from: LogPosition,
  options: StallDiagnosisOptions = {},
): Promise<StallDiagnosis | null> {
  decodeLogPosition(from); // a position of this store, or a RangeError
  const horizon = await probeHorizon(sql, options.maxAgeMs ?? 0);
  if (!horizon.heldBack) return null;
  if (options.identifyBlocker === false) return { blockingTransaction: horizon.xmin };
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
