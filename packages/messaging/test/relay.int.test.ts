// The relay on real PostgreSQL and Kafka: at-least-once publication that survives being killed,
// exactly-once effects at the consumer, per-stream order, one active relay at a time.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Kafka, logLevel } from 'kafkajs';
import { Registry } from 'prom-client';
import { createTestDatabase, testKafkaBrokers, uniqueName, type TestDatabase } from '@carenet/testing';
import {
  APPENDS_CHANNEL,
  PostgresEventStore,
  postgresDatabase,
  type SqlDatabase,
} from '@carenet/eventsourcing';
import { startKafkaConsumer, startRelay } from '../src/index.js';
import {
  APPLIED_TABLE,
  appliedInOrder,
  loadEvent,
  recordApplied,
  TEST_CONTEXTS,
  testContracts,
  until,
} from './support/messaging-fixtures.js';

const RELAY_SCRIPT = fileURLToPath(new URL('./support/relay-process.mjs', import.meta.url));
const BUILT = fileURLToPath(new URL('../dist/src/index.js', import.meta.url));

describe('relay', () => {
  const kafka = new Kafka({
    clientId: 'relay-test',
    brokers: testKafkaBrokers(),
    logLevel: logLevel.NOTHING,
  });
  let database: TestDatabase;
  let db: SqlDatabase;
  let store: PostgresEventStore;

  beforeAll(async () => {
    database = await createTestDatabase('messaging-relay');
    db = postgresDatabase({ connectionString: database.url, max: 20 });
    store = await PostgresEventStore.open(db);
    await db.query(APPLIED_TABLE);
  });
  afterAll(async () => {
    await store.close();
    await database.drop();
  });

  it('10,000 events, relay killed 3 times at random moments: each applied exactly once, in stream order', async () => {
    if (!existsSync(BUILT))
      throw new Error('packages/messaging is not built: run `pnpm build` (npm test does)');
    const EVENTS = 10_000;
    const STREAMS = 100;
    const topic = uniqueName('relay-kill');
    const relayId = uniqueName('relay');
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }] });
    await admin.disconnect();

    const metrics = new Registry();
    const consumer = await startKafkaConsumer({
      kafka,
      metrics,
      groupId: uniqueName('relay-kill-group'),
      topics: [topic],
      db,
      contracts: testContracts,
      handler: recordApplied,
    });
    const applied = async () =>
      Number((await db.query<{ n: string }>('SELECT count(*)::text AS n FROM applied'))[0]?.n ?? 0);

    let relay: ChildProcess | undefined;
    const startRelayProcess = () => {
      relay = spawn(process.execPath, [RELAY_SCRIPT], {
        env: { ...process.env, RELAY_TOPIC: topic, RELAY_ID: relayId, DATABASE_URL: database.url },
        stdio: 'ignore',
      });
    };
    startRelayProcess();

    // Writers: every stream gets seq 0, 1, 2… in order, streams interleaved, 4 writers at once.
    const streams = Array.from({ length: STREAMS }, () => `Load-${randomUUID()}`);
    const writing = Promise.all(
      Array.from({ length: 4 }, async (_, writer) => {
        for (let seq = 0; seq < EVENTS / STREAMS; seq++) {
          for (let s = writer; s < STREAMS; s += 4)
            await store.append(streams[s]!, [loadEvent(seq)], seq - 1 < 0 ? 'no-stream' : seq - 1);
        }
      }),
    );

    // Three interruptions at random points of the run: SIGKILL, broken connection, SIGKILL.
    const marks = [0.15, 0.45, 0.75].map((m) => Math.floor(EVENTS * (m + Math.random() * 0.1)));
    process.stdout.write(`relay interruptions after ${marks.join(', ')} applied events\n`);
    for (const [i, mark] of marks.entries()) {
      await until(async () => (await applied()) >= mark);
      if (i === 1) {
        await db.query(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'carenet-test-relay' AND datname = current_database()",
        );
      } else {
        relay?.kill('SIGKILL');
        startRelayProcess();
      }
    }
    await writing;
    await until(async () => (await applied()) >= EVENTS);
    await new Promise((resolve) => setTimeout(resolve, 500)); // let any redelivery arrive
    relay?.kill('SIGTERM');
    await consumer.stop();

    const { total, streamsOutOfOrder } = await appliedInOrder(db);
    expect(total).toBe(EVENTS);
    expect(streamsOutOfOrder).toEqual([]);
    const outcomes = (await metrics.getSingleMetric('carenet_consumer_messages_total')?.get())?.values ?? [];
    const count = (outcome: string) => outcomes.find((v) => v.labels.outcome === outcome)?.value ?? 0;
    process.stdout.write(
      `relay kill test: ${count('applied')} applied, ${count('duplicate')} redelivered duplicates skipped by the inbox\n`,
    );
    expect(count('applied')).toBe(EVENTS);
  });

  it('two relays for one store: one publishes, the other takes over when it stops', async () => {
    const topic = uniqueName('relay-pair');
    const relayId = uniqueName('pair');
    const options = {
      store,
      kafka,
      relayId,
      categories: ['Load'],
      contexts: TEST_CONTEXTS,
      topicOf: () => topic,
      standbyRetryMs: 100,
    };
    const first = startRelay(options);
    await until(() => Promise.resolve(first.isActive()), 30_000);
    const second = startRelay(options);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect([first.isActive(), second.isActive()]).toEqual([true, false]);

    await first.stop();
    await until(() => Promise.resolve(second.isActive()), 30_000);
    expect(second.isActive()).toBe(true);
    await second.stop();
  });

  it('an idle relay, in a pause far longer than the test, publishes an append of another process at once', async () => {
    const topic = uniqueName('relay-wake');
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
    // A database of its own (an empty log), and two database objects on it: two processes.
    const ownDatabase = await createTestDatabase('messaging-relay-wake');
    const writer = await PostgresEventStore.open(postgresDatabase({ connectionString: ownDatabase.url }));
    const relayDb = postgresDatabase({ connectionString: ownDatabase.url, applicationName: 'relay-wake' });
    const relayStore = await PostgresEventStore.open(relayDb, { migrate: false });
    const relay = startRelay({
      store: relayStore,
      kafka,
      relayId: uniqueName('wake'),
      categories: ['Load'],
      contexts: TEST_CONTEXTS,
      topicOf: () => topic,
      pollIntervalMs: 600_000,
      maxIdleMs: 600_000,
      stallAfterMs: 1_000,
    });
    try {
      await until(() => Promise.resolve(relay.isActive()), 30_000);
      // Its process listens for appends (one connection of its own).
      await until(async () => {
        const rows = await writer.db.query<{ n: string }>(
          `SELECT count(*)::text AS n FROM pg_stat_activity
            WHERE application_name = 'relay-wake' AND state = 'idle' AND query = $1`,
          [`LISTEN "${APPENDS_CHANNEL}"`],
        );
        return Number(rows[0]?.n) === 1;
      }, 30_000);
      // Idle for longer than stallAfterMs: it has published everything, so it is ready.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(relay.health().ready).toBe(true);

      await writer.append(`Load-${randomUUID()}`, [loadEvent(0)], 'no-stream');
      const published = async () => (await admin.fetchTopicOffsets(topic)).map((p) => p.high).join();
      await until(async () => (await published()) === '1', 30_000);
      await writer.append(`Load-${randomUUID()}`, [loadEvent(1)], 'no-stream');
      await until(async () => (await published()) === '2', 30_000);
    } finally {
      await relay.stop();
      await relayStore.close();
      await writer.close();
      await admin.disconnect();
      await ownDatabase.drop();
    }
  });

  it('refuses to publish an event that violates its contract, and says so', async () => {
    const topic = uniqueName('relay-contract');
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
    // A store of its own: the relay below starts from the beginning of the log.
    const ownDatabase = await createTestDatabase('messaging-relay-contract');
    const ownStore = await PostgresEventStore.open(postgresDatabase({ connectionString: ownDatabase.url }));
    const stream = `Load-${randomUUID()}`;
    await ownStore.append(stream, [loadEvent(0)], 'no-stream');
    await ownStore.append(stream, [{ id: randomUUID(), type: 'LoadRecorded', data: { seq: 'one' } }], 0);
    await ownStore.append(stream, [loadEvent(2)], 1);
    const errors: string[] = [];
    const relay = startRelay({
      store: ownStore,
      kafka,
      relayId: uniqueName('contract'),
      categories: ['Load'],
      contexts: TEST_CONTEXTS,
      topicOf: () => topic,
      contracts: testContracts,
      logger: {
        info: () => undefined,
        warn: () => undefined,
        error: (details) => errors.push(String((details as { err?: Error }).err?.name)),
      },
    });
    await until(() => Promise.resolve(errors.length >= 2), 30_000);
    await relay.stop();
    await ownStore.close();
    await ownDatabase.drop();
    expect(errors[0]).toBe('ContractViolationError');
    // Nothing of the batch was published: the relay stops before the bad event, and retries.
    const offsets = await admin.fetchTopicOffsets(topic);
    await admin.disconnect();
    expect(offsets.map((p) => p.high)).toEqual(['0']);
  });
});
