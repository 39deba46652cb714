import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { DatabaseUnavailableError } from '../errors.js';
import { silentLogger, type Logger } from '../logger.js';
import { classified, classifyDatabaseError } from './database-errors.js';
import { preparedNameOf } from './prepared-sql.js';

/** Runs one SQL statement. Rows come back as plain objects. */
export interface SqlExecutor {
  query<Row extends object = Record<string, unknown>>(
    text: string,
    params?: readonly unknown[],
  ): Promise<Row[]>;
  /** Runs a script of several statements, without parameters (migrations). */
  script(sql: string): Promise<void>;
  /**
   * Inside a transaction of `SqlDatabase.transaction` (and a `transactionScope` of it): runs
   * `callback` once that transaction has committed (never when it rolls back). Absent elsewhere.
   */
  afterCommit?(callback: () => void): void;
}

/** What a `listen` connection calls. */
export interface NotificationHandlers {
  /** A notification on the channel, with its payload. */
  onNotification(payload: string): void;
  /**
   * The connection listens (at first, and again after it was lost and opened anew): notifications
   * sent before this call may have been missed.
   */
  onListening(): void;
}

/**
 * The SQL database the PostgreSQL adapter runs on: a `pg` pool against a real server, or an
 * embedded PGlite. The same SQL runs on both.
 */
export interface SqlDatabase extends SqlExecutor {
  readonly dialect: 'postgres' | 'pglite';
  /**
   * Runs `work` in one transaction: committed if it resolves, rolled back if it throws. Every
   * method rejects with `DatabaseUnavailableError` when the database cannot be reached or the
   * connection went away, and with `DatabaseFullError` when it has no space left (see
   * `classifyDatabaseError`); other errors are the driver's own.
   */
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /** Runs `work` on one dedicated session (needed for session-level advisory locks). */
  session<T>(work: (session: SqlExecutor) => Promise<T>): Promise<T>;
  /**
   * PostgreSQL only: `LISTEN channel` on one connection of its own (not one of the pool), shared by
   * every channel and every caller of this database object, opened at the first call and closed
   * once nobody listens; a lost connection is opened again with backoff (100 ms doubling to 5 s).
   * Returns the unlisten.
   */
  listen?(channel: string, handlers: NotificationHandlers): () => void;
  close(): Promise<void>;
}

/** Our own SQLSTATE codes, raised by the append function (see migrations). */
export const SQLSTATE = {
  concurrency: 'CN409',
  duplicateEventId: 'CN400',
} as const;

/** Error raised by the database, as both `pg` and PGlite report it. */
export function sqlErrorCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') {
    return error.code;
  }
  return undefined;
}

export function sqlErrorDetail(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'detail' in error && typeof error.detail === 'string') {
    return error.detail;
  }
  return undefined;
}

/** Callbacks to run once a transaction has committed (`SqlExecutor.afterCommit`). */
class CommitCallbacks {
  private readonly callbacks: (() => void)[] = [];
  readonly add = (callback: () => void): void => {
    this.callbacks.push(callback);
  };
  /** After COMMIT: each callback once; one that throws does not stop the others. */
  run(): void {
    for (const callback of this.callbacks.splice(0)) {
      try {
        callback();
      } catch {
        // A callback's failure is its own: the transaction has committed.
      }
    }
  }
}

function executor(client: pg.ClientBase | pg.Pool, prepare: boolean, commits?: CommitCallbacks): SqlExecutor {
  return {
    ...(commits && { afterCommit: commits.add }),
    async query<Row extends object>(text: string, params: readonly unknown[] = []) {
      const name = prepare ? preparedNameOf(text) : undefined;
      const result = await classified(
        name === undefined
          ? client.query<Row>(text, params as unknown[])
          : client.query<Row>({ name, text, values: params as unknown[] }),
      );
      return result.rows;
    },
    async script(sql: string) {
      await classified(client.query(sql));
    },
  };
}

/**
 * Answers once the database runs a statement, within `timeoutMs` (default 1 s); otherwise rejects
 * with `DatabaseUnavailableError` (or the error the database gave). For readiness probes.
 */
export async function pingDatabase(db: SqlExecutor, timeoutMs = 1_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      reject(new DatabaseUnavailableError(`no answer to a ping within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  try {
    await Promise.race([db.query('SELECT 1'), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export interface PostgresDatabaseOptions {
  readonly connectionString: string;
  /** Pool size (default 10). */
  readonly max?: number;
  readonly applicationName?: string;
  /**
   * Prepare the statements marked with `preparedSql` once per connection (default true; turn off
   * behind a pooler that does not keep prepared statements, such as PgBouncer in transaction mode
   * before 1.21).
   */
  readonly prepareStatements?: boolean;
  /**
   * With prepared statements: the longest a connection keeps its cached plans (ms, default
   * 10,000; 0: for ever). See `postgresDatabase`.
   */
  readonly replanIntervalMs?: number;
  /**
   * The longest a statement waits for a connection, in the pool's queue or while connecting
   * (ms, default 10,000; 0: no limit). Past it: `DatabaseUnavailableError`.
   */
  readonly connectionTimeoutMs?: number;
  /** Where a lost connection is reported (one warning per connection, no statement data). */
  readonly logger?: Logger;
}

/**
 * A `pg` pool as a SqlDatabase. A database that goes away (restart, failover, a terminated
 * backend) never crashes the process: every client of the pool has an error listener for its
 * whole life, checked out or idle; a broken client is discarded (`release(error)`), the statements
 * it ran reject with `DatabaseUnavailableError`, and the next statement opens a new connection.
 */
export function postgresDatabase(options: PostgresDatabaseOptions): SqlDatabase {
  const logger = options.logger ?? silentLogger;
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max ?? 10,
    application_name: options.applicationName ?? 'carenet',
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 10_000,
    // Finds connections a failover left half-open while they sit idle in the pool.
    keepAlive: true,
  });
  // pg emits 'error' on a client whose connection ends under it, and an EventEmitter's 'error'
  // without a listener throws out of the socket's callback: the process dies. The pool listens to
  // its idle clients only, so each client gets its own listener when the pool creates it.
  pool.on('connect', (client) => {
    client.on('error', (error: Error) => {
      const typed = classifyDatabaseError(error);
      logger.warn(
        typed instanceof DatabaseUnavailableError
          ? { reason: typed.reason, code: typed.code }
          : { reason: error.message },
        'PostgreSQL connection lost; the pool drops it and connects anew on demand',
      );
    });
  });
  // The pool reports idle clients' errors here too (already logged by the client's listener).
  pool.on('error', () => undefined);
  const prepare = options.prepareStatements ?? true;
  const listener = notificationListener(
    {
      connectionString: options.connectionString,
      application_name: options.applicationName ?? 'carenet',
      connectionTimeoutMillis: options.connectionTimeoutMs ?? 10_000,
      keepAlive: true,
    },
    logger,
  );
  // A generic plan is made once, from the table sizes of that moment, and kept until the server
  // invalidates it (autovacuum's ANALYZE, a minute or more apart). Made on a young, near-empty
  // table it scans sequentially, and a table that grows fast would keep that plan: so each
  // connection drops its cached plans (DISCARD PLANS, statements stay prepared) when it is taken
  // from the pool and the last drop is older than the interval. pg runs it before the taker's
  // first statement.
  const replanInterval = options.replanIntervalMs ?? 10_000;
  if (prepare && replanInterval > 0) {
    const plannedAt = new WeakMap<pg.PoolClient, number>();
    pool.on('acquire', (client) => {
      const now = performance.now();
      const last = plannedAt.get(client);
      if (last === undefined) {
        plannedAt.set(client, now);
      } else if (now - last >= replanInterval) {
        plannedAt.set(client, now);
        client.query('DISCARD PLANS').catch(() => undefined);
      }
    });
  }
  const pooled = executor(pool, prepare);
  return {
    dialect: 'postgres',
    query: (text, params) => pooled.query(text, params),
    script: (sql) => pooled.script(sql),
    async transaction(work) {
      const client = await classified(pool.connect());
      const commits = new CommitCallbacks();
      const tx = executor(client, prepare, commits);
      // What the client is given back with: an error discards it (its connection is gone, or it
      // may still be inside the transaction).
      let discard: Error | undefined;
      try {
        await tx.query('BEGIN');
        const result = await work(tx);
        await tx.query('COMMIT');
        commits.run();
        return result;
      } catch (error) {
        const typed = classifyDatabaseError(error);
        if (typed instanceof DatabaseUnavailableError) {
          discard = typed;
        } else {
          await client.query('ROLLBACK').catch((rollbackFailed: unknown) => {
            discard = rollbackFailed instanceof Error ? rollbackFailed : new Error(String(rollbackFailed));
          });
        }
        throw typed;
      } finally {
        client.release(discard);
      }
    },
    async session(work) {
      const client = await classified(pool.connect());
      let discard: Error | undefined;
      try {
        return await work(executor(client, prepare));
      } catch (error) {
        const typed = classifyDatabaseError(error);
        if (typed instanceof DatabaseUnavailableError) discard = typed;
        throw typed;
      } finally {
        // A session may end holding session state (advisory locks…) when its work failed: a
        // client whose connection broke is discarded, which also releases what it held.
        client.release(discard);
      }
    },
    listen: (channel, handlers) => listener.listen(channel, handlers),
    async close() {
      await listener.close();
      await pool.end();
    },
  };
}

/**
 * The LISTEN side of a `pg` database: one client of its own (a pooled one would be given to other
 * work), opened when the first channel is listened to and ended when the last one is left. It
 * listens to every channel that has handlers; after a lost connection it connects again (100 ms
 * doubling to 5 s), LISTENs again and calls every `onListening`, since notifications sent
 * meanwhile were lost.
 */
function notificationListener(config: pg.ClientConfig, logger: Logger) {
  const channels = new Map<string, Set<NotificationHandlers>>();
  /** The connected client, and the channels it LISTENs to. */
  let client: pg.Client | undefined;
  let listening = new Set<string>();
  let connecting = false;
  let syncing: Promise<void> | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  let failures = 0;
  let closed = false;
  const quote = (channel: string) => `"${channel.replace(/"/g, '""')}"`;

  const each = (channel: string, call: (handlers: NotificationHandlers) => void) => {
    for (const handlers of [...(channels.get(channel) ?? [])]) {
      try {
        call(handlers);
      } catch (error) {
        logger.error({ err: error, channel }, 'PostgreSQL notification handler failed');
      }
    }
  };

  function scheduleConnect(): void {
    if (closed || channels.size === 0 || client !== undefined || connecting || retryTimer !== undefined)
      return;
    const delay = failures === 0 ? 0 : Math.min(5_000, 100 * 2 ** Math.min(failures - 1, 6));
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      void connect();
    }, delay);
    retryTimer.unref();
  }

  /** Ends a client (quietly: its 'error' listener stays, so that a late error cannot crash us). */
  function end(lost: pg.Client): void {
    lost.removeAllListeners('notification');
    lost.removeAllListeners('end');
    void lost.end().catch(() => undefined);
  }

  function lose(lost: pg.Client): void {
    if (client !== lost) return;
    client = undefined;
    end(lost);
    failures += 1;
    scheduleConnect();
  }

  /** LISTENs, on the current client, to every channel it does not listen to yet. */
  function sync(): void {
    const current = client;
    if (current === undefined || syncing !== undefined) return;
    syncing = (async () => {
      for (;;) {
        if (client !== current) return;
        const missing = [...channels.keys()].find((channel) => !listening.has(channel));
        if (missing === undefined) return;
        await current.query(`LISTEN ${quote(missing)}`);
        listening.add(missing);
        each(missing, (handlers) => {
          handlers.onListening();
        });
      }
    })().then(
      () => {
        syncing = undefined;
        // A channel added while the last LISTEN was answered.
        if (client === current && [...channels.keys()].some((channel) => !listening.has(channel))) sync();
      },
      (error: unknown) => {
        syncing = undefined;
        logger.warn({ reason: (error as Error).message }, 'PostgreSQL LISTEN failed; connecting anew');
        lose(current);
      },
    );
  }

  async function connect(): Promise<void> {
    connecting = true;
    const next = new pg.Client(config);
    next.on('error', (error: Error) => {
      const typed = classifyDatabaseError(error);
      logger.warn(
        typed instanceof DatabaseUnavailableError
          ? { reason: typed.reason, code: typed.code }
          : { reason: error.message },
        'PostgreSQL notification connection lost; readers poll meanwhile, it connects anew',
      );
      lose(next);
    });
    next.on('end', () => {
      lose(next);
    });
    next.on('notification', (message) => {
      each(message.channel, (handlers) => {
        handlers.onNotification(message.payload ?? '');
      });
    });
    try {
      await next.connect();
    } catch (error) {
      connecting = false;
      end(next);
      if (closed) return;
      logger.warn(
        { reason: (error as Error).message },
        'PostgreSQL notification connection failed; retrying',
      );
      failures += 1;
      scheduleConnect();
      return;
    }
    connecting = false;
    if (closed || channels.size === 0) {
      end(next);
      return;
    }
    failures = 0;
    client = next;
    listening = new Set();
    sync();
  }

  return {
    listen(channel: string, handlers: NotificationHandlers): () => void {
      let set = channels.get(channel);
      if (set === undefined) {
        set = new Set();
        channels.set(channel, set);
      }
      set.add(handlers);
      if (client === undefined) scheduleConnect();
      else if (listening.has(channel))
        queueMicrotask(() => {
          handlers.onListening();
        });
      else sync();
      return () => {
        const current = channels.get(channel);
        if (!current?.delete(handlers) || current.size > 0) return;
        channels.delete(channel);
        if (client !== undefined && listening.delete(channel)) {
          const open = client;
          open.query(`UNLISTEN ${quote(channel)}`).catch(() => undefined);
        }
        if (channels.size > 0) return;
        clearTimeout(retryTimer);
        retryTimer = undefined;
        const last = client;
        client = undefined;
        if (last !== undefined) end(last);
      };
    },
    async close(): Promise<void> {
      closed = true;
      clearTimeout(retryTimer);
      retryTimer = undefined;
      const last = client;
      client = undefined;
      if (last !== undefined) {
        last.removeAllListeners('end');
        await last.end().catch(() => undefined);
      }
    },
  };
}

/** An embedded PGlite as a SqlDatabase (one session, so transactions are serialised). */
export function pgliteDatabase(db: PGlite): SqlDatabase {
  const run: SqlExecutor = {
    async query<Row extends object>(text: string, params: readonly unknown[] = []) {
      const result = await classified(db.query<Row>(text, params as unknown[]));
      return result.rows;
    },
    async script(sql: string) {
      await classified(db.exec(sql));
    },
  };
  return {
    dialect: 'pglite',
    query: (text, params) => run.query(text, params),
    script: (sql) => run.script(sql),
    // A full disk (53100) fails the statement and rolls the transaction back; PGlite goes on, and
    // writes succeed again once space is freed.
    async transaction(work) {
      const commits = new CommitCallbacks();
      const result = await classified(
        db.transaction(async (tx) =>
          work({
            async query<Row extends object>(text: string, params: readonly unknown[] = []) {
              return (await classified(tx.query<Row>(text, params as unknown[]))).rows;
            },
            async script(sql: string) {
              await classified(tx.exec(sql));
            },
            afterCommit: commits.add,
          }),
        ),
      );
      commits.run();
      return result;
    },
    session: (work) => work(run),
    close: () => db.close(),
  };
}

/**
 * A transaction seen as a database: what runs on it joins the transaction. A nested
 * `transaction` is a savepoint (its failure rolls back to it, the outer transaction goes on), so
 * that code written against a database (the event store, the command handler and its retries)
 * runs unchanged inside a consumer's transaction: its effects commit with the consumer's inbox
 * record, or not at all. On PGlite, with one connection, this is also what keeps a consumer from
 * waiting on itself.
 */
export function transactionScope(tx: SqlExecutor, dialect: SqlDatabase['dialect']): SqlDatabase {
  let savepoints = 0;
  const scope: SqlDatabase = {
    dialect,
    query: (text, params) => tx.query(text, params),
    script: (sql) => tx.script(sql),
    ...(tx.afterCommit && {
      afterCommit: (callback: () => void) => {
        tx.afterCommit?.(callback);
      },
    }),
    async transaction(work) {
      const name = `scope_${++savepoints}`;
      await tx.query(`SAVEPOINT ${name}`);
      try {
        const result = await work(scope);
        await tx.query(`RELEASE SAVEPOINT ${name}`);
        return result;
      } catch (error) {
        await tx.query(`ROLLBACK TO SAVEPOINT ${name}`);
        throw error;
      }
    },
    session: (work) => work(scope),
    close: () => Promise.resolve(),
  };
  return scope;
}
