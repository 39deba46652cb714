// The embedded source: the same consumer pipeline fed from the store's global log (no Kafka).
import { randomUUID } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Registry } from 'prom-client';
import { PostgresEventStore, pgliteDatabase, type SqlDatabase } from '@carenet/eventsourcing';
import { startStoreLogConsumer, type StoreLogConsumerOptions } from '../src/index.js';
import {
  APPLIED_TABLE,
  appliedInOrder,
  loadEvent,
  recordApplied,
  TEST_CONTEXTS,
  testContracts,
  until,
} from './support/messaging-fixtures.js';

describe('store-log consumer (embedded mode)', () => {
  let db: SqlDatabase;
  let store: PostgresEventStore;
  let options: StoreLogConsumerOptions;

  beforeAll(async () => {
    db = pgliteDatabase(await PGlite.create());
    store = await PostgresEventStore.open(db);
    await db.query(APPLIED_TABLE);
    options = {
      store,
      db,
      groupId: 'embedded-test',
      categories: ['Load'],
      contexts: TEST_CONTEXTS,
      contracts: testContracts,
      handler: recordApplied,
      pollIntervalMs: 10,
      retry: { attempts: 2, initialDelayMs: 5, maxDelayMs: 10 },
    };
  });
  afterAll(() => store.close());

  it('applies every event once and in stream order; poison goes to the dead-letter table', async () => {
    const consumer = await startStoreLogConsumer(options);
    const streams = Array.from({ length: 5 }, () => `Load-${randomUUID()}`);
    for (let seq = 0; seq < 20; seq++) {
      for (const stream of streams) await store.append(stream, [loadEvent(seq)], 'any');
    }
    const poisonStream = `Load-${randomUUID()}`;
    await store.append(poisonStream, [loadEvent(-1)], 'no-stream'); // the handler refuses it
    await store.append(poisonStream, [{ id: randomUUID(), type: 'LoadRecorded', data: { seq: 'x' } }], 0); // schema
    await until(async () => (await db.query('SELECT 1 FROM messaging.dead_letters')).length >= 2);
    await until(async () => (await appliedInOrder(db)).total >= 100);
    await consumer.stop();

    expect(await appliedInOrder(db)).toEqual({ total: 100, streamsOutOfOrder: [] });
    const letters = await db.query<{ headers: Record<string, string> }>(
      'SELECT headers FROM messaging.dead_letters ORDER BY id',
    );
    expect(letters.map((l) => [l.headers.carenet_error_type, l.headers.carenet_error_attempts])).toEqual([
      ['Error', '2'],
      ['InvalidEventDataError', '1'],
    ]);
    expect(letters[0]?.headers.ce_subject).toBe(poisonStream);
    expect(letters[0]?.headers.carenet_original_topic).toBe('carenet.messaging-test');
  });

  it('resumes after a restart without applying anything twice', async () => {
    const stream = `Load-${randomUUID()}`;
    await store.append(stream, [loadEvent(0)], 'no-stream');
    const again = await startStoreLogConsumer(options);
    await until(
      async () => (await db.query('SELECT 1 FROM applied WHERE stream_id = $1', [stream])).length === 1,
    );
    await again.stop();
    expect((await appliedInOrder(db)).total).toBe(101);
  });

  it('reports its lag (events behind the log) and its health, not ready while it cannot go on', async () => {
    const registry = new Registry();
    const consumer = await startStoreLogConsumer({
      ...options,
      groupId: 'embedded-health',
      metrics: registry,
      failingAfterMs: 100,
      // Applies nothing (the events are another group's), refuses a negative seq as the others.
      handler: (event) =>
        typeof event.data.seq === 'number' && event.data.seq < 0
          ? Promise.reject(new Error('refused'))
          : Promise.resolve(),
    });
    const lag = async () =>
      (await registry.getMetricsAsJSON())
        .find((m) => m.name === 'carenet_consumer_lag')
        ?.values.find((v) => v.labels.group === 'embedded-health' && v.labels.topic === 'store-log')?.value;
    await until(async () => (await lag()) === 0);
    expect(consumer.health()).toEqual({ name: 'consumer embedded-health', ready: true });

    // Its dead letters cannot be stored: the batch fails again and again until they can.
    await db.query('ALTER TABLE messaging.dead_letters RENAME TO dead_letters_away');
    await store.append(`Load-${randomUUID()}`, [loadEvent(-1)], 'no-stream'); // the handler refuses it
    const stream = `Load-${randomUUID()}`;
    for (let seq = 0; seq < 5; seq++) await store.append(stream, [loadEvent(seq)], 'any');
    await until(() => Promise.resolve(!consumer.health().ready));
    expect(consumer.health().reason).toMatch(/^reading or handling the store log has failed for \d+ s$/);
    expect(await lag()).toBe(6); // the refused event and the five after it
    await db.query('ALTER TABLE messaging.dead_letters_away RENAME TO dead_letters');
    await until(() => Promise.resolve(consumer.health().ready));
    await until(async () => (await lag()) === 0);
    await consumer.stop();
    expect(consumer.health()).toEqual({ name: 'consumer embedded-health', ready: false, reason: 'stopped' });
  });
});
