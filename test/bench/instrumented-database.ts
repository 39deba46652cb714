import type { SqlDatabase, SqlExecutor } from '@carenet/eventsourcing';

/** Called after each statement: its text and parameters, how long it took and when it ended (ms). */
export type QueryObserver = (
  text: string,
  params: readonly unknown[] | undefined,
  elapsedMs: number,
  endedAt: number,
) => void;

function observed(sql: SqlExecutor, observe: QueryObserver): SqlExecutor {
  return {
    async query<Row extends object>(text: string, params?: readonly unknown[]) {
      const started = performance.now();
      try {
        return await sql.query<Row>(text, params);
      } finally {
        const ended = performance.now();
        observe(text, params, ended - started, ended);
      }
    },
    script: (text) => sql.script(text),
    // Readers are woken at the commit of a transaction's appends, as without the instrument.
    ...(sql.afterCommit && {
      afterCommit: (callback: () => void) => {
        sql.afterCommit?.(callback);
      },
    }),
  };
}

/** What the observer gets as `text` for a whole transaction (BEGIN to COMMIT or ROLLBACK). */
export const TRANSACTION = '-- transaction';

/**
 * The same database, timing every statement run through it (pool, transactions and sessions),
 * and every transaction as a whole, to break down where a component spends its time.
 */
export function instrumentedDatabase(db: SqlDatabase, observe: QueryObserver): SqlDatabase {
  const pooled = observed(db, observe);
  return {
    dialect: db.dialect,
    query: (text, params) => pooled.query(text, params),
    script: (text) => pooled.script(text),
    async transaction(work) {
      const started = performance.now();
      try {
        return await db.transaction((tx) => work(observed(tx, observe)));
      } finally {
        const ended = performance.now();
        observe(TRANSACTION, undefined, ended - started, ended);
      }
    },
    session: (work) => db.session((session) => work(observed(session, observe))),
    ...(db.listen && {
      listen: (channel: string, handlers: Parameters<NonNullable<SqlDatabase['listen']>>[1]) =>
        db.listen?.(channel, handlers) ?? (() => undefined),
    }),
    close: () => db.close(),
  };
}
