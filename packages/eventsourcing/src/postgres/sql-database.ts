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

function executor(client: pg.ClientBase | pg.Pool, prepare: boolean): SqlExecutor {
  return {
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
      const tx = executor(client, prepare);
      // What the client is given back with: an error discards it (its connection is gone, or it
      // may still be inside the transaction).
      let discard: Error | undefined;
      try {
        await tx.query('BEGIN');
        const result = await work(tx);
        await tx.query('COMMIT');
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
    close: () => pool.end(),
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
    transaction: (work) =>
      classified(
        db.transaction(async (tx) =>
          work({
            async query<Row extends object>(text: string, params: readonly unknown[] = []) {
              return (await classified(tx.query<Row>(text, params as unknown[]))).rows;
            },
            async script(sql: string) {
              await classified(tx.exec(sql));
            },
          }),
        ),
      ),
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
