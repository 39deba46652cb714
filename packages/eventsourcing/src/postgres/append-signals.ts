import { randomBytes } from 'node:crypto';
import { preparedSql } from './prepared-sql.js';
import type { SqlDatabase, SqlExecutor } from './sql-database.js';

/**
 * The channel on which appends are announced (PostgreSQL NOTIFY): the payload is the category
 * appended to, then a space and the token of the process that appended (absent when it was sent
 * from inside a transaction: see `notifyInTransaction`).
 */
export const APPENDS_CHANNEL = 'carenet_eventstore_appends';

/** Shortest time between two NOTIFY statements of one process (ms): appends in between share one. */
const NOTIFY_SPACING_MS = 10;

const NOTIFY_SQL = preparedSql(`SELECT pg_notify($1, c || ' ' || $2) FROM unnest($3::text[]) AS c`);

/** Wakes one reader: events of its categories may have been appended. */
type Wake = () => void;

interface Watcher {
  /** Categories it follows (every category when undefined). */
  readonly categories: ReadonlySet<string> | undefined;
  readonly wake: Wake;
}

/**
 * Appends of one database, made known to the readers of its log: in this process at once, and to
 * other processes through PostgreSQL's LISTEN/NOTIFY. One per database object (see `appendSignals`),
 * shared by every store and reader on it, so that a process has one listening connection however
 * many readers it runs.
 *
 * Sending: after an append committed, `appended(category)` wakes this process's readers of that
 * category and sends a NOTIFY of it. NOTIFY runs after the append's commit, in a statement of its
 * own, not in the append's transaction: a transaction that notifies holds a lock, cluster-wide,
 * from its commit's start to its end, so notifying inside every append would serialise the commits
 * of concurrent writers (and their WAL flushes). Notifications are spaced by at least 10 ms: the
 * categories appended to meanwhile go together in the next one.
 *
 * Receiving: the first watcher opens the database's listening connection (`SqlDatabase.listen`);
 * notifications from this process are skipped (its readers were woken at the append). When that
 * connection is (re)established every watcher is woken, since appends of other processes may have
 * been missed meanwhile. PGlite lives in one process: there nothing is sent nor listened to.
 */
export class AppendSignals {
  private readonly watchers = new Set<Watcher>();
  /** Tells this process's own notifications apart. */
  private readonly token = randomBytes(8).toString('hex');
  private readonly pending = new Set<string>();
  private sending = false;
  private timer: NodeJS.Timeout | undefined;
  private lastSentAt = Number.NEGATIVE_INFINITY;
  private unlisten: (() => void) | undefined;

  constructor(private readonly db: SqlDatabase) {}

  /**
   * Calls `wake` whenever events of these categories (all when undefined) may have been appended,
   * by this process or, on PostgreSQL, another one; returns the unwatch.
   */
  watch(categories: readonly string[] | undefined, wake: Wake): () => void {
    const watcher: Watcher = { categories: categories && new Set(categories), wake };
    this.watchers.add(watcher);
    if (this.unlisten === undefined && this.db.listen !== undefined) {
      this.unlisten = this.db.listen(APPENDS_CHANNEL, {
        onNotification: (payload) => {
          const [category = '', token] = payload.split(' ');
          if (token !== this.token) this.wake(category);
        },
        onListening: () => {
          this.wake(undefined);
        },
      });
    }
    return () => {
      this.watchers.delete(watcher);
      if (this.watchers.size === 0) {
        this.unlisten?.();
        this.unlisten = undefined;
      }
    };
  }

  /** After an append of `category` committed: wakes this process's readers, and the others. */
  appended(category: string): void {
    this.wake(category);
    if (this.db.dialect !== 'postgres') return;
    this.pending.add(category);
    this.schedule();
  }

  /**
   * The NOTIFY of an append inside a transaction that cannot tell when it commits (an executor
   * without `afterCommit`): PostgreSQL delivers it at the commit, and to this process's listener as
   * to any other (no token).
   */
  static async notifyInTransaction(tx: SqlExecutor, category: string): Promise<void> {
    await tx.query('SELECT pg_notify($1, $2)', [APPENDS_CHANNEL, category]);
  }

  private wake(category: string | undefined): void {
    for (const watcher of this.watchers) {
      if (category === undefined || watcher.categories === undefined || watcher.categories.has(category)) {
        watcher.wake();
      }
    }
  }

  private schedule(): void {
    if (this.sending || this.timer !== undefined || this.pending.size === 0) return;
    const wait = this.lastSentAt + NOTIFY_SPACING_MS - performance.now();
    if (wait > 0) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.send();
      }, wait);
      this.timer.unref();
    } else {
      this.send();
    }
  }

  private send(): void {
    const categories = [...this.pending];
    this.pending.clear();
    this.sending = true;
    this.lastSentAt = performance.now();
    // A NOTIFY that fails (the database away) is not retried: readers poll meanwhile, and a
    // listener that lost its connection wakes them all when it is back.
    this.db
      .query(NOTIFY_SQL, [APPENDS_CHANNEL, this.token, categories])
      .catch(() => undefined)
      .finally(() => {
        this.sending = false;
        this.schedule();
      });
  }
}

const byDatabase = new WeakMap<SqlDatabase, AppendSignals>();

/** The append signals of a database object (one per object, created at the first call). */
export function appendSignals(db: SqlDatabase): AppendSignals {
  let signals = byDatabase.get(db);
  if (signals === undefined) {
    signals = new AppendSignals(db);
    byDatabase.set(db, signals);
  }
  return signals;
}
