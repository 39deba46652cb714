import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../src/index.js';

describe('PostgreSQL provisioned for the tests', () => {
  let database: TestDatabase;
  let client: pg.Client;

  beforeAll(async () => {
    database = await createTestDatabase('postgres-smoke');
    client = new pg.Client({ connectionString: database.url });
    await client.connect();
  });

  afterAll(async () => {
    await client.end();
    await database.drop();
  });

  it('is a real server that reports its version', async () => {
    const { rows } = await client.query<{ server_version: string; version: string }>(
      "SELECT current_setting('server_version') AS server_version, version() AS version",
    );
    const row = rows[0]!;
    process.stdout.write(`PostgreSQL server_version ${row.server_version} (${row.version})\n`);
    expect(row.server_version).toMatch(/^\d+(\.\d+)?/);
    expect(row.version).toContain('PostgreSQL');
  });

  it('round-trips a row in a database of its own', async () => {
    await client.query('CREATE TABLE smoke (id uuid PRIMARY KEY, body jsonb NOT NULL)');
    const id = '5f0c6c38-8a1e-4a4b-9a55-0d7c1f6f2a10';
    await client.query('INSERT INTO smoke (id, body) VALUES ($1, $2)', [
      id,
      { patient: 'Y', review: 'D+30' },
    ]);
    const { rows } = await client.query<{ body: unknown }>('SELECT body FROM smoke WHERE id = $1', [id]);
    expect(rows).toEqual([{ body: { patient: 'Y', review: 'D+30' } }]);
    const { rows: names } = await client.query<{ db: string }>('SELECT current_database() AS db');
    expect(names[0]?.db).toMatch(/^t_postgres_smoke_[0-9a-f]{8}$/);
  });

  it('listens on loopback only', async () => {
    const { rows } = await client.query<{ listen: string }>(
      "SELECT current_setting('listen_addresses') AS listen",
    );
    if (process.env.CARENET_TEST_POSTGRES_VERSION === 'given') return; // a server we did not start
    expect(rows[0]?.listen).toBe('127.0.0.1');
  });
});
