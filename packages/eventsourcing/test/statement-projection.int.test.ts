// Inline projections that join the append's own statement: one round trip, no transaction, and
// still all or nothing; an idempotent repeat or a refused append writes nothing.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from '@carenet/testing';
import {
  APPENDED_GUARD,
  ConcurrencyError,
  PostgresEventStore,
  postgresDatabase,
  type InlineProjection,
  type SqlDatabase,
  type SqlExecutor,
} from '../src/index.js';
import { newEvent } from './support/event-store-contract.js';

const COUNT_SQL = `INSERT INTO stated_counts (stream_id, n) VALUES ($1, $2)
  ON CONFLICT (stream_id) DO UPDATE SET n = stated_counts.n + EXCLUDED.n`;

/** Counts events per stream of category Stated; in the append's statement unless a stream says "Tx". */
const counts: InlineProjection = {
  name: 'stated-counts',
  categories: ['Stated'],
  async apply(tx, events) {
    for (const event of events) await tx.query(COUNT_SQL, [event.streamId, 1]);
  },
  statementFor(events) {
    const [first] = events;
    if (first === undefined || first.streamId.startsWith('Stated-Tx')) return undefined;
    return {
      sql: `counted AS (INSERT INTO stated_counts (stream_id, n) SELECT $1, $2 WHERE ${APPENDED_GUARD}
             ON CONFLICT (stream_id) DO UPDATE SET n = stated_counts.n + EXCLUDED.n)`,
      params: [first.streamId, events.length],
    };
  },
  async reset(tx) {
    await tx.query('DELETE FROM stated_counts');
  },
};

/** A second projection of the same streams: the last event type and revision of each. */
const lastEvent: InlineProjection = {
  name: 'stated-last-event',
  categories: ['Stated'],
  async apply(tx, events) {
    for (const event of events) {
      await tx.query(
        `INSERT INTO stated_last (stream_id, type, revision) VALUES ($1, $2, $3)
         ON CONFLICT (stream_id) DO UPDATE SET type = EXCLUDED.type, revision = EXCLUDED.revision`,
        [event.streamId, event.type, event.revision],
      );
    }
  },
  statementFor(events) {
    const last = events.at(-1);
    if (last === undefined) return undefined;
    return {
      sql: `last_event AS (INSERT INTO stated_last (stream_id, type, revision)
             SELECT $1, $2, $3::int WHERE ${APPENDED_GUARD}
             ON CONFLICT (stream_id) DO UPDATE SET type = EXCLUDED.type, revision = EXCLUDED.revision)`,
      params: [last.streamId, last.type, last.revision],
    };
  },
  async reset(tx) {
    await tx.query('DELETE FROM stated_last');
  },
};

describe('projections in the append statement', () => {
  let database: TestDatabase;
  let db: SqlDatabase;
  let store: PostgresEventStore;
  /** What reached the database: statements outside transactions, and transactions. */
  const seen = { statements: [] as string[], transactions: 0 };

  beforeAll(async () => {
    database = await createTestDatabase('es-statement-projection');
    const pool = postgresDatabase({ connectionString: database.url });
    const recording = (sql: SqlExecutor): SqlExecutor => ({
      query: (text, params) => {
        seen.statements.push(text);
        return sql.query(text, params);
      },
      script: (text) => sql.script(text),
    });
    db = {
      ...pool,
      ...recording(pool),
      transaction: (work) => {
        seen.transactions += 1;
        return pool.transaction(work);
      },
    };
    await db.query('CREATE TABLE stated_counts (stream_id text PRIMARY KEY, n int NOT NULL)');
    await db.query(
      'CREATE TABLE stated_last (stream_id text PRIMARY KEY, type text NOT NULL, revision int NOT NULL)',
    );
    store = await PostgresEventStore.open(db, { projections: [counts, lastEvent] });
  });
  afterAll(async () => {
    await store.close();
    await database.drop();
  });

  const count = async (stream: string) =>
    (await db.query<{ n: number }>('SELECT n FROM stated_counts WHERE stream_id = $1', [stream]))[0]?.n ?? 0;
  const watch = () => {
    seen.statements.length = 0;
    seen.transactions = 0;
  };

  it('appends and projects in one statement, without a transaction', async () => {
    const stream = `Stated-${randomUUID()}`;
    watch();
    await store.append(stream, [newEvent('A'), newEvent('B')], 'no-stream');
    // After the commit, a statement of its own may follow: the NOTIFY that wakes the readers of
    // other processes (src/postgres/append-signals.ts); it is no part of the write.
    const written = seen.statements.filter((text) => !text.includes('pg_notify'));
    expect({ ...seen, statements: written }).toEqual({
      statements: [expect.stringContaining('WITH appended AS')],
      transactions: 0,
    });
    await store.append(stream, [newEvent('C')], 1);
    expect(await count(stream)).toBe(3);
    // Both projections' CTEs in the one statement, each with its own parameters.
    expect(await db.query('SELECT type, revision FROM stated_last WHERE stream_id = $1', [stream])).toEqual([
      { type: 'C', revision: 2 },
    ]);
    expect((await store.readStream(stream)).map((e) => e.type)).toEqual(['A', 'B', 'C']);
  });

  it('writes nothing when the expected revision is wrong', async () => {
    const stream = `Stated-${randomUUID()}`;
    await store.append(stream, [newEvent('A')], 'no-stream');
    await expect(store.append(stream, [newEvent('B')], 5)).rejects.toBeInstanceOf(ConcurrencyError);
    await expect(store.append(stream, [newEvent('B')], 'no-stream')).rejects.toBeInstanceOf(ConcurrencyError);
    expect(await count(stream)).toBe(1);
  });

  it('does not project an idempotent repeat of an append', async () => {
    const stream = `Stated-${randomUUID()}`;
    const events = [newEvent('A'), newEvent('B')];
    await store.append(stream, events, 'no-stream');
    const again = await store.append(stream, events, 'no-stream');
    expect(again.duplicate).toBe(true);
    expect(await count(stream)).toBe(2);
  });

  it("falls back to the transaction with 'any', or when the projection cannot", async () => {
    const any = `Stated-${randomUUID()}`;
    watch();
    await store.append(any, [newEvent('A')], 'any');
    expect(seen.transactions).toBe(1);
    const cannot = `Stated-Tx${randomUUID()}`;
    await store.append(cannot, [newEvent('A')], 'no-stream');
    expect(seen.transactions).toBe(2);
    expect([await count(any), await count(cannot)]).toEqual([1, 1]);
  });

  it('is rebuilt from the log like any inline projection', async () => {
    const stream = `Stated-${randomUUID()}`;
    await store.append(stream, [newEvent('A'), newEvent('B')], 'no-stream');
    await db.query('UPDATE stated_counts SET n = 0');
    await store.rebuildProjection('stated-counts');
    expect(await count(stream)).toBe(2);
  });
});
