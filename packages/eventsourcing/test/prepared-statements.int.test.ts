// Statements marked with preparedSql are prepared once per connection and run by name; unmarked
// ones and a database opened with prepareStatements: false stay unnamed.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from '@carenet/testing';
import { postgresDatabase, preparedSql, type SqlDatabase, type SqlExecutor } from '../src/index.js';

const MARKED = preparedSql('SELECT $1::int + 1 AS n');

const preparedOn = async (session: SqlExecutor) =>
  (
    await session.query<{ name: string; statement: string }>(
      'SELECT name, statement FROM pg_prepared_statements ORDER BY prepare_time',
    )
  ).map((row) => row.statement);

describe('prepared statements', () => {
  let database: TestDatabase;
  let prepared: SqlDatabase;
  let unnamed: SqlDatabase;

  beforeAll(async () => {
    database = await createTestDatabase('es-prepared');
    prepared = postgresDatabase({ connectionString: database.url, max: 2 });
    unnamed = postgresDatabase({ connectionString: database.url, max: 2, prepareStatements: false });
  });
  afterAll(async () => {
    await prepared.close();
    await unnamed.close();
    await database.drop();
  });

  it('prepares a marked text once per connection and runs it by name, with the same answers', async () => {
    await prepared.session(async (session) => {
      expect(await session.query(MARKED, [1])).toEqual([{ n: 2 }]);
      expect(await session.query(MARKED, [41])).toEqual([{ n: 42 }]);
      await session.query('SELECT $1::int AS unmarked', [1]);
      expect(await preparedOn(session)).toEqual([MARKED]);
    });
    await prepared.transaction(async (tx) => {
      expect(await tx.query(MARKED, [2])).toEqual([{ n: 3 }]);
    });
  });

  it('prepares nothing when turned off', async () => {
    await unnamed.session(async (session) => {
      expect(await session.query(MARKED, [1])).toEqual([{ n: 2 }]);
      expect(await preparedOn(session)).toEqual([]);
    });
  });

  describe('plans made on a young table', () => {
    const LOOKUP = preparedSql('SELECT v FROM young WHERE id = $1');

    /** The plan the connection's cached statement runs now (EXPLAIN EXECUTE of its own name). */
    const planOf = async (session: SqlExecutor) => {
      const [statement] = await session.query<{ name: string }>(
        'SELECT name FROM pg_prepared_statements WHERE statement = $1',
        [LOOKUP],
      );
      const rows = await session.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN EXECUTE ${statement?.name ?? '?'}(1)`,
      );
      return rows.map((row) => row['QUERY PLAN']).join('\n');
    };

    /** A generic plan made while the table has one page, then the table grows to thousands. */
    async function growUnder(db: SqlDatabase): Promise<void> {
      await db.query('DROP TABLE IF EXISTS young');
      await db.query('CREATE TABLE young (id int PRIMARY KEY, v text) WITH (autovacuum_enabled = false)');
      await db.query("INSERT INTO young SELECT i, 'x' FROM generate_series(1, 5) i");
      await db.query('ANALYZE young');
      for (let i = 0; i < 8; i++) await db.query(LOOKUP, [i]);
      await db.query("INSERT INTO young SELECT i, repeat('x', 200) FROM generate_series(6, 50000) i");
    }

    it('keeps the sequential scan of a near-empty table when never replanned', async () => {
      const db = postgresDatabase({ connectionString: database.url, max: 1, replanIntervalMs: 0 });
      try {
        await growUnder(db);
        await db.query(LOOKUP, [1]);
        expect(await db.session(planOf)).toContain('Seq Scan');
      } finally {
        await db.close();
      }
    });

    it('replans once the interval has passed, on the next use of the connection', async () => {
      const db = postgresDatabase({ connectionString: database.url, max: 1, replanIntervalMs: 1 });
      try {
        await growUnder(db);
        await new Promise((resolve) => setTimeout(resolve, 5));
        await db.query(LOOKUP, [1]);
        expect(await db.session(planOf)).toContain('Index Scan');
      } finally {
        await db.close();
      }
    });
  });
});
