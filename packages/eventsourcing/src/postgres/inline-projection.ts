import type { RecordedEvent } from '../events.js';
import type { SqlExecutor } from './sql-database.js';

/** An event about to be appended, at the revision it gets if the append's expectation holds. */
export type PendingEvent = Omit<RecordedEvent, 'globalPosition' | 'logPosition' | 'recordedAt'>;

/**
 * A projection's writes as CTEs of the append's own statement: `sql` is a list of CTEs
 * (`name AS (…), name AS (…)`) whose parameters are numbered from `$1` (`params`). Every one of
 * them must run only after the append and only when it stored the events: each references
 * `APPENDED_GUARD` (an INSERT … SELECT … WHERE guard, a DELETE … AND guard).
 */
export interface ProjectionStatement {
  readonly sql: string;
  readonly params: readonly unknown[];
}

/**
 * What a projection CTE adds to its WHERE clause: the append ran (it locked the stream first) and
 * stored new events (not an idempotent repeat). PostgreSQL runs the `appended` CTE to answer it.
 */
export const APPENDED_GUARD = 'EXISTS (SELECT FROM appended WHERE NOT appended.duplicate)';

/**
 * A read model kept in the same transaction as the append: when the append commits, the read
 * model is up to date; when it fails, neither changed. Rebuildable from the log at any time
 * (`rebuildProjection`).
 */
export interface InlineProjection {
  readonly name: string;
  /** Stream categories it follows. */
  readonly categories: readonly string[];
  /** Applies appended events (in order) inside the append's transaction. */
  apply(tx: SqlExecutor, events: readonly RecordedEvent[]): Promise<void>;
  /**
   * Optionally, the same writes as CTEs of the append's statement, for events it can project
   * without reading anything (undefined: it cannot, `apply` runs in a transaction). Asked only for
   * appends with an exact expected revision (a number or `no-stream`), outside any caller's
   * transaction: then a writer that committed first makes the append fail, so the statement's
   * snapshot misses no write of the stream's read model.
   */
  statementFor?(events: readonly PendingEvent[]): ProjectionStatement | undefined;
  /** Empties the read model before a rebuild. */
  reset(tx: SqlExecutor): Promise<void>;
  /**
   * The tables it writes (every one of them), for an online rebuild (`rebuildOnline`): built anew
   * beside the live ones, then switched. None: it cannot be rebuilt online.
   */
  readonly tables?: readonly ProjectionTable[];
  /**
   * Optionally, a bulk builder for the start of an online rebuild: given each stream whole, it
   * computes the final rows in memory and writes them in large multi-row statements (no read, no
   * upsert). Without it, the rebuild replays the log with `apply`.
   */
  bulk?(): BulkRebuild;
}

/** A table an inline projection writes (schema-qualified), and which of its rows are the projection's. */
export interface ProjectionTable {
  readonly name: string;
  /**
   * Its rows of a table it shares with others: those whose `column` is one of `values` (a table
   * LIST-partitioned on that column with a partition of exactly these values is switched by
   * partition), or those matching `where` (an SQL condition). None: the whole table is its own.
   */
  readonly rows?:
    { readonly column: string; readonly values: readonly string[] } | { readonly where: string };
}

/** The bulk part of an online rebuild: streams in, rows out (see `InlineProjection.bulk`). */
export interface BulkRebuild {
  /** Every event of one stream up to the rebuild's position, in revision order. */
  add(events: readonly RecordedEvent[]): void;
  /** The rows held, not yet written. */
  readonly pending: number;
  /**
   * Hands the rows held over (and forgets them): the returned function writes them into the
   * tables (`tableOf(live name)`: where they go), while the builder goes on with the next streams.
   */
  take(): (tx: SqlExecutor, tableOf: (live: string) => string) => Promise<void>;
}
