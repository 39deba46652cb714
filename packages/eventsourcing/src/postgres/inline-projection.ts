import type { RecordedEvent } from '../events.js';
import type { SqlExecutor } from './sql-database.js';

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
  /** Empties the read model before a rebuild. */
  reset(tx: SqlExecutor): Promise<void>;
}
