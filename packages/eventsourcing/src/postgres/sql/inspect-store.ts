import { START, type LogPosition } from '../../events.js';
import type { SqlExecutor } from '../sql-database.js';
import { decodeLogPosition, encodeLogPosition } from './log-position.js';

/**
 * Read-only questions an operator asks of the store (the `carenet` command): which streams there
 * are, where the log stands at a given instant, how many events a range holds. None of them is on
 * a hot path: they may scan.
 */

/** One stream of the store, as `eventstore.streams` has it. */
export interface StreamSummary {
  readonly streamId: string;
  readonly category: string;
  /** The revision of its last event (0-based): it holds `revision + 1` events. */
  readonly revision: number;
  /** When its first event was appended and its last one (ISO 8601). */
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface ListStreamsOptions {
  /** Only streams of these categories. */
  readonly categories?: readonly string[];
  /** Streams whose id sorts after this one (keyset paging; default: from the first). */
  readonly after?: string;
  /** At most this many (default 1000). */
  readonly limit?: number;
}

/** Streams in stream id order (streams created by a refused append, still at -1, are left out). */
export async function listStreamsSql(
  sql: SqlExecutor,
  options: ListStreamsOptions = {},
): Promise<StreamSummary[]> {
  const rows = await sql.query<{
    stream_id: string;
    category: string;
    revision: string;
    created_at: string;
    updated_at: string;
  }>(
    `SELECT s.stream_id, s.category, s.revision::text AS revision,
            to_json(s.created_at) #>> '{}' AS created_at, to_json(s.updated_at) #>> '{}' AS updated_at
       FROM eventstore.streams s
      WHERE s.revision >= 0
        AND ($1::text IS NULL OR s.stream_id > $1::text)
        AND ($2::text[] IS NULL OR s.category = ANY($2::text[]))
      ORDER BY s.stream_id
      LIMIT $3`,
    [options.after ?? null, options.categories ?? null, options.limit ?? 1000],
  );
  return rows.map((row) => ({
    streamId: row.stream_id,
    category: row.category,
    revision: Number(row.revision),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }));
}

/** How many streams (of these categories) hold events. */
export async function countStreamsSql(sql: SqlExecutor, categories?: readonly string[]): Promise<number> {
  const rows = await sql.query<{ count: string }>(
    `SELECT count(*)::text AS count FROM eventstore.streams s
      WHERE s.revision >= 0 AND ($1::text[] IS NULL OR s.category = ANY($1::text[]))`,
    [categories ?? null],
  );
  return Number(rows[0]?.count ?? 0);
}

/**
 * The position to read the log after so that the first event read is the first one, in log order,
 * recorded at or after `at` (ISO 8601); null when no event (of these categories) was recorded
 * since. Events are recorded with their transaction's start time, so the log is in recording
 * order only roughly: a reader that must leave out later events checks `recordedAt` itself.
 */
export async function logPositionAtTimeSql(
  sql: SqlExecutor,
  at: string,
  categories?: readonly string[],
): Promise<LogPosition | null> {
  const rows = await sql.query<{ transaction_id: string; global_position: string }>(
    `SELECT e.transaction_id::text AS transaction_id, (e.global_position - 1)::text AS global_position
       FROM eventstore.events e
      WHERE e.recorded_at >= $1::timestamptz AND ($2::text[] IS NULL OR e.category = ANY($2::text[]))
      ORDER BY e.transaction_id, e.global_position
      LIMIT 1`,
    [at, categories ?? null],
  );
  const row = rows[0];
  return row ? encodeLogPosition(row.transaction_id, row.global_position) : null;
}

/**
 * How many committed events (of these categories) come after `from` in the log, up to `to`
 * included when given: the total of a walk, for progress bars and lag. Counts without a cap.
 */
export async function countEventsSql(
  sql: SqlExecutor,
  from: LogPosition,
  options: { readonly categories?: readonly string[]; readonly to?: LogPosition } = {},
): Promise<number> {
  const start = decodeLogPosition(from);
  const end = options.to === undefined ? undefined : decodeLogPosition(options.to);
  const rows = await sql.query<{ count: string }>(
    `SELECT count(*)::text AS count FROM eventstore.events e
      WHERE (e.transaction_id, e.global_position) > ($1::text::xid8, $2::bigint)
        AND ($3::text IS NULL OR (e.transaction_id, e.global_position) <= ($3::text::xid8, $4::bigint))
        AND ($5::text[] IS NULL OR e.category = ANY($5::text[]))`,
    [
      start.transactionId,
      start.globalPosition,
      end?.transactionId ?? null,
      end?.globalPosition ?? null,
      options.categories ?? null,
    ],
  );
  return Number(rows[0]?.count ?? 0);
}

/** The log position of the last committed event (of these categories), or null when none. */
export async function logHeadSql(
  sql: SqlExecutor,
  categories?: readonly string[],
): Promise<LogPosition | null> {
  const rows = await sql.query<{ transaction_id: string; global_position: string }>(
    `SELECT e.transaction_id::text AS transaction_id, e.global_position::text AS global_position
       FROM eventstore.events e
      WHERE ($1::text[] IS NULL OR e.category = ANY($1::text[]))
      ORDER BY e.transaction_id DESC, e.global_position DESC
      LIMIT 1`,
    [categories ?? null],
  );
  const row = rows[0];
  return row ? encodeLogPosition(row.transaction_id, row.global_position) : null;
}

/** Whether `a` comes before `b` in the log (PostgreSQL positions). */
export function logPositionBefore(a: LogPosition, b: LogPosition): boolean {
  const x = decodeLogPosition(a);
  const y = decodeLogPosition(b);
  const tx = BigInt(x.transactionId) - BigInt(y.transactionId);
  return tx < 0n || (tx === 0n && BigInt(x.globalPosition) < BigInt(y.globalPosition));
}

/** Every subscription checkpoint of the store (relays, store-log consumers…), by id. */
export async function listCheckpointsSql(
  sql: SqlExecutor,
): Promise<
  { readonly subscriptionId: string; readonly position: LogPosition; readonly updatedAt: string }[]
> {
  const rows = await sql.query<{ subscription_id: string; position: string; updated_at: string }>(
    `SELECT subscription_id, position, to_json(updated_at) #>> '{}' AS updated_at
       FROM eventstore.checkpoints ORDER BY subscription_id`,
  );
  return rows.map((row) => ({
    subscriptionId: row.subscription_id,
    position: row.position as LogPosition,
    updatedAt: row.updated_at,
  }));
}

/**
 * The position to read the log after to get its last `count` events (of these categories): the
 * start of the log when it holds fewer.
 */
export async function logPositionBeforeLastSql(
  sql: SqlExecutor,
  count: number,
  categories?: readonly string[],
): Promise<LogPosition> {
  const rows = await sql.query<{ transaction_id: string; global_position: string }>(
    `SELECT e.transaction_id::text AS transaction_id, (e.global_position - 1)::text AS global_position
       FROM eventstore.events e
      WHERE ($2::text[] IS NULL OR e.category = ANY($2::text[]))
      ORDER BY e.transaction_id DESC, e.global_position DESC
      OFFSET $1 - 1 LIMIT 1`,
    [count, categories ?? null],
  );
  const row = rows[0];
  return row ? encodeLogPosition(row.transaction_id, row.global_position) : START;
}

/** The log positions of the events with these ids (those the store holds), by event id. */
export async function logPositionsOfEventsSql(
  sql: SqlExecutor,
  eventIds: readonly string[],
): Promise<Map<string, LogPosition>> {
  const uuids = eventIds.filter((id) =>
    /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id),
  );
  if (uuids.length === 0) return new Map();
  const rows = await sql.query<{ event_id: string; transaction_id: string; global_position: string }>(
    `SELECT e.event_id::text AS event_id, e.transaction_id::text AS transaction_id,
            e.global_position::text AS global_position
       FROM eventstore.events e WHERE e.event_id = ANY($1::uuid[])`,
    [uuids],
  );
  return new Map(
    rows.map((row) => [row.event_id, encodeLogPosition(row.transaction_id, row.global_position)]),
  );
}

/** The position just before an event's: reading the log after it gives that event first. */
export function logPositionJustBefore(position: LogPosition): LogPosition {
  const { transactionId, globalPosition } = decodeLogPosition(position);
  return encodeLogPosition(transactionId, String(BigInt(globalPosition) - 1n));
}
