// Inline projections: the read model changes in the append's transaction, or not at all.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from '@carenet/testing';
import {
  PostgresEventStore,
  postgresDatabase,
  type InlineProjection,
  type RecordedEvent,
  type SqlDatabase,
} from '../src/index.js';
import { newEvent } from './support/event-store-contract.js';

/** What the projection was given, append by append. */
const seen: RecordedEvent[][] = [];

/** Counts events per stream of category Counted; refuses an event of type Poison. */
const countsPerStream: InlineProjection = {
  name: 'counts-per-stream',
  categories: ['Counted'],
  async apply(tx, events) {
    seen.push([...events]);
    for (const event of events) {
      if (event.type === 'Poison') throw new Error('projection refuses Poison');
      await tx.query(
        `INSERT INTO counts (stream_id, n) VALUES ($1, 1)
         ON CONFLICT (stream_id) DO UPDATE SET n = counts.n + 1`,
        [event.streamId],
      );
    }
  },
  async reset(tx) {
    await tx.query('DELETE FROM counts');
  },
};

describe('inline projections', () => {
  let database: TestDatabase;
  let db: SqlDatabase;
  let store: PostgresEventStore;
  const count = async (stream: string) =>
    (await db.query<{ n: number }>('SELECT n FROM counts WHERE stream_id = $1', [stream]))[0]?.n ?? 0;

  beforeAll(async () => {
    database = await createTestDatabase('es-projection');
    db = postgresDatabase({ connectionString: database.url });
    await db.query('CREATE TABLE counts (stream_id text PRIMARY KEY, n int NOT NULL)');
    store = await PostgresEventStore.open(db, { projections: [countsPerStream] });
  });
  afterAll(async () => {
    await store.close();
    await database.drop();
  });

  it('updates the read model in the same transaction as the append', async () => {
    const stream = `Counted-${randomUUID()}`;
    await store.append(stream, [newEvent('A'), newEvent('B')], 'no-stream');
    expect(await count(stream)).toBe(2);
  });

  it('is given the recorded events exactly as a later read of the stream returns them', async () => {
    const stream = `Counted-${randomUUID()}`;
    await store.append(stream, [newEvent('A', { n: 1 })], 'no-stream');
    seen.length = 0;
    const upper = { ...newEvent('C', { text: 'é', n: 2.5 }), id: randomUUID().toUpperCase() };
    await store.append(stream, [newEvent('B', { text: 'x' }), upper], 0);
    const read = await store.readStream(stream);
    expect(seen).toEqual([read.slice(1)]);
    expect(seen[0]?.map((e) => e.revision)).toEqual([1, 2]);
    expect(seen[0]?.[1]?.globalPosition).toBeGreaterThan(seen[0]?.[0]?.globalPosition ?? Infinity);
  });

  it('a failing projection rolls the append back', async () => {
    const stream = `Counted-${randomUUID()}`;
    await expect(store.append(stream, [newEvent('A'), newEvent('Poison')], 'no-stream')).rejects.toThrow(
      'Poison',
    );
    expect(await store.readStream(stream)).toEqual([]);
    expect(await count(stream)).toBe(0);
  });

  it('a refused append leaves the read model as it was', async () => {
    const stream = `Counted-${randomUUID()}`;
    await store.append(stream, [newEvent('A')], 'no-stream');
    await expect(store.append(stream, [newEvent('B')], 'no-stream')).rejects.toThrow();
    expect(await count(stream)).toBe(1);
  });

  it('does not apply a duplicate append twice, and ignores other categories', async () => {
    const stream = `Counted-${randomUUID()}`;
    const events = [newEvent('A')];
    await store.append(stream, events, 'no-stream');
    await store.append(stream, events, 'no-stream');
    await store.append(`Other-${randomUUID()}`, [newEvent('A')], 'no-stream');
    expect(await count(stream)).toBe(1);
  });

  it('is rebuilt from the log', async () => {
    const stream = `Counted-${randomUUID()}`;
    await store.append(stream, [newEvent('A'), newEvent('B'), newEvent('C')], 'no-stream');
    await db.query('UPDATE counts SET n = 99');
    const progress: number[] = [];
    const applied = await store.rebuildProjection('counts-per-stream', (n) => progress.push(n));
    expect(await count(stream)).toBe(3);
    expect(applied).toBeGreaterThanOrEqual(3);
    expect(progress.at(-1)).toBe(applied);
  });
});
