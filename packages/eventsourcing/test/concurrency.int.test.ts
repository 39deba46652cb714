// The PostgreSQL adapter under concurrent writers (real server, several connections).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from '@carenet/testing';
import {
  ConcurrencyError,
  PostgresEventStore,
  postgresDatabase,
  startSubscription,
  type RecordedEvent,
} from '../src/index.js';
import { newEvent } from './support/event-store-contract.js';

describe('PostgreSQL event store under concurrency', () => {
  let database: TestDatabase;
  let store: PostgresEventStore;

  beforeAll(async () => {
    database = await createTestDatabase('es-concurrency');
    store = await PostgresEventStore.open(postgresDatabase({ connectionString: database.url, max: 60 }));
  });
  afterAll(async () => {
    await store.close();
    await database.drop();
  });

  it('50 concurrent appends with the same expected revision: one wins, 49 get a concurrency error', async () => {
    const stream = `Task-${randomUUID()}`;
    await store.append(stream, [newEvent('TaskRequested')], 'no-stream');
    const attempts = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) => store.append(stream, [newEvent('TaskAccepted', { by: i })], 0)),
    );
    const won = attempts.filter((a) => a.status === 'fulfilled');
    const lost = attempts.filter((a) => a.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(49);
    for (const failure of lost) expect(failure.reason).toBeInstanceOf(ConcurrencyError);
    const events = await store.readStream(stream);
    expect(events.map((e) => e.revision)).toEqual([0, 1]);
  });

  it('50 concurrent creations of the same stream: exactly one creates it', async () => {
    const stream = `Task-${randomUUID()}`;
    const attempts = await Promise.allSettled(
      Array.from({ length: 50 }, () => store.append(stream, [newEvent('TaskRequested')], 'no-stream')),
    );
    expect(attempts.filter((a) => a.status === 'fulfilled')).toHaveLength(1);
    expect(await store.readStream(stream)).toHaveLength(1);
  });

  it('the same event id appended concurrently is stored once', async () => {
    const stream = `Task-${randomUUID()}`;
    const event = newEvent('TaskRequested');
    const attempts = await Promise.allSettled(
      Array.from({ length: 20 }, () => store.append(stream, [event], 'any')),
    );
    expect(attempts.every((a) => a.status === 'fulfilled')).toBe(true);
    const results = attempts.map((a) => (a.status === 'fulfilled' ? a.value : undefined));
    expect(results.filter((r) => r?.duplicate === false)).toHaveLength(1);
    expect(await store.readStream(stream)).toHaveLength(1);
  });

  it('8 concurrent writers, 20,000 events over 500 streams: a subscriber sees every event exactly once', async () => {
    const WRITERS = 8;
    const EVENTS = 20_000;
    const STREAMS = 500;
    const category = `Load${randomUUID().replace(/-/g, '').slice(0, 8)}`;
    const streams = Array.from({ length: STREAMS }, () => `${category}-${randomUUID()}`);
    const seen = new Map<string, number>();
    const perStream = new Map<string, number[]>();
    const subscription = startSubscription(store, {
      subscriptionId: `exactly-once-${randomUUID()}`,
      categories: [category],
      pollIntervalMs: 5,
      batchSize: 1000,
      handle: (events: readonly RecordedEvent[]) => {
        for (const event of events) {
          seen.set(event.id, (seen.get(event.id) ?? 0) + 1);
          perStream.set(event.streamId, [...(perStream.get(event.streamId) ?? []), event.revision]);
        }
        return Promise.resolve();
      },
    });

    const appended: string[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: WRITERS }, async () => {
        while (next < EVENTS) {
          const n = next;
          next += 2;
          const batch = [newEvent('LoadA', { n }), newEvent('LoadB', { n: n + 1 })];
          await store.append(streams[n % STREAMS]!, batch, 'any');
          appended.push(...batch.map((e) => e.id));
        }
      }),
    );
    expect(appended).toHaveLength(EVENTS);

    const deadline = Date.now() + 60_000;
    while (seen.size < EVENTS && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50));
    await subscription.stop();

    expect(seen.size).toBe(EVENTS);
    expect([...seen.values()].every((count) => count === 1)).toBe(true);
    for (const id of appended) expect(seen.has(id)).toBe(true);
    for (const revisions of perStream.values()) {
      expect(revisions).toEqual(revisions.map((_, i) => i));
    }
  });
});
