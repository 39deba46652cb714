import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
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
  /** Runs `work` in one transaction: committed if it resolves, rolled back if it throws. */
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
      const result =
        name === undefined
          ? await client.query<Row>(text, params as unknown[])
          : await client.query<Row>({ name, text, values: params as unknown[] });
      return result.rows;
    },
    async script(sql: string) {
      await client.query(sql);
    },
  };
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
}

/** A `pg` pool as a SqlDatabase. */
export function postgresDatabase(options: PostgresDatabaseOptions): SqlDatabase {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max ?? 10,
    application_name: options.applicationName ?? 'carenet',
  });
  // An idle client losing its connection must not crash the process; the next query reconnects.
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
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await work(executor(client, prepare));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    async session(work) {
      const client = await pool.connect();
      let broken = false;
      client.on('error', () => (broken = true));
      try {
        return await work(executor(client, prepare));
      } finally {
        client.release(broken);
      }
    },
    close: () => pool.end(),
  };
}

/** An embedded PGlite as a SqlDatabase (one session, so transactions are serialised). */
export function pgliteDatabase(db: PGlite): SqlDatabase {
  const run: SqlExecutor = {
    async query<Row extends object>(text: string, params: readonly unknown[] = []) {
      const result = await db.query<Row>(text, params as unknown[]);
      return result.rows;
    },
    async script(sql: string) {
      await db.exec(sql);
    },
  };
  return {
    dialect: 'pglite',
    query: (text, params) => run.query(text, params),
    script: (sql) => run.script(sql),
    transaction: (work) =>
      db.transaction(async (tx) =>
        work({
          async query<Row extends object>(text: string, params: readonly unknown[] = []) {
            return (await tx.query<Row>(text, params as unknown[])).rows;
          },
          async script(sql: string) {
            await tx.exec(sql);
          },
        }),
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
