import { postgresDatabase, type SqlDatabase } from '@carenet/eventsourcing';
import { createTestDatabase } from '@carenet/testing';

/** The pool every benchmark uses, for the product and for its ceiling alike. */
export const POOL_SIZE = 10;

/**
 * Runs `work` on a fresh database of the run's server, with a `pg` pool whose connections are
 * already open; closes the pool and drops the database afterwards, whatever happens. The
 * database times its PL/pgSQL functions (`track_functions`), for pg_stat_user_functions.
 */
export async function withFreshDatabase<T>(
  label: string,
  work: (db: SqlDatabase, url: string) => Promise<T>,
): Promise<T> {
  const database = await createTestDatabase(`bench_${label}`);
  const setup = postgresDatabase({ connectionString: database.url, max: 1 });
  try {
    const [row] = await setup.query<{ name: string }>('SELECT current_database() AS name');
    await setup.query(`ALTER DATABASE "${row?.name ?? ''}" SET track_functions = 'pl'`);
  } finally {
    await setup.close();
  }
  const db = postgresDatabase({
    connectionString: database.url,
    max: POOL_SIZE,
    applicationName: 'carenet-bench',
  });
  try {
    await Promise.all(Array.from({ length: POOL_SIZE }, () => db.query('SELECT 1')));
    return await work(db, database.url);
  } finally {
    await db.close().catch(() => undefined);
    await database.drop();
  }
}
