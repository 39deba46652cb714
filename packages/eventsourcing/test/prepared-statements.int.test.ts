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
});
