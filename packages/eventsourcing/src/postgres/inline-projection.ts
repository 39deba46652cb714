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
}
