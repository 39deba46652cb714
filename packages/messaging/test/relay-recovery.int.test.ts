// The relay heals itself on a real broker (issue 14): after a failure its idempotent producer
// is dropped and a new one resumes from the checkpoint; health() says when it cannot publish.
import { randomUUID } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Kafka, logLevel } from 'kafkajs';
import { Registry } from 'prom-client';
import { createTestDatabase, testKafkaBrokers, uniqueName, type TestDatabase } from '@carenet/testing';
import { PostgresEventStore, postgresDatabase } from '@carenet/eventsourcing';
import { headersToStrings, provisionTopics, startRelay, type RunningRelay } from '../src/index.js';
import { loadEvent, TEST_CONTEXTS, until } from './support/messaging-fixtures.js';

describe('relay recovery', () => {
  const kafka = new Kafka({
    clientId: 'relay-recovery-test',
    brokers: testKafkaBrokers(),
    logLevel: logLevel.NOTHING,
  });
  let database: TestDatabase;
  let store: PostgresEventStore;

  beforeAll(async () => {
    database = await createTestDatabase('messaging-relay-recovery');
    store = await PostgresEventStore.open(postgresDatabase({ connectionString: database.url }));
  });
  afterAll(async () => {
    await store.close();
    await database.drop();
  });

  async function lagOf(metrics: Registry): Promise<number | undefined> {
    return (await metrics.getSingleMetric('carenet_relay_lag_events')?.get())?.values[0]?.value;
  }

  /** The first `count` messages of a topic: their `ce_id` and `ce_sequence`, in offset order. */
  async function readAll(topic: string, count: number): Promise<{ id: string; sequence: number }[]> {
    const consumer = kafka.consumer({ groupId: uniqueName('relay-recovery-reader') });
    const received: { id: string; sequence: number }[] = [];
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const headers = headersToStrings(message.headers);
        received.push({ id: headers.ce_id ?? '', sequence: Number(headers.ce_sequence) });
        await Promise.resolve();
      },
    });
    await until(() => Promise.resolve(received.length >= count), 60_000);
    await consumer.disconnect();
    return received;
  }

  async function highWatermark(topic: string): Promise<number> {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const offsets = await admin.fetchTopicOffsets(topic);
      return offsets.reduce((sum, p) => sum + Number(p.high), 0);
    } catch {
      return -1;
    } finally {
      await admin.disconnect();
    }
  }

  it('recovers when the broker refuses its producer for ever (a batch written, its answer lost)', async () => {
    // The broker writes a batch but its answer never comes back (a connection that drops what the
    // broker sends). kafkajs then gives the batch's sequence numbers back; the next attempt sends
    // a larger batch from the same first sequence, which the broker refuses as out of order, for
    // as long as that producer lives. Today's relay drops it and resumes with a new producer.
    const topic = uniqueName('relay-recovery');
    await provisionTopics(kafka, [topic], { partitions: 1 });
    const sockets = new Set<Socket>();
    const link = { dropAnswers: false };
    const faulty = new Kafka({
      clientId: 'relay-recovery-faulty',
      brokers: testKafkaBrokers(),
      logLevel: logLevel.NOTHING,
      requestTimeout: 1_500,
      retry: { retries: 1, initialRetryTime: 100 },
      // Real sockets to the real broker, whose incoming bytes can be dropped.
      socketFactory: ({ host, port, onConnect }) => {
        const socket = connect({ host, port }, onConnect);
        const emit = socket.emit.bind(socket) as (event: string, ...args: unknown[]) => boolean;
        socket.emit = ((event: string, ...args: unknown[]) =>
          event === 'data' && link.dropAnswers ? true : emit(event, ...args)) as typeof socket.emit;
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
        return socket;
      },
    });
    const metrics = new Registry();
    const errors: string[] = [];
    const relay: RunningRelay = startRelay({
      store,
      kafka: faulty,
      relayId: uniqueName('recovery'),
      categories: ['Load'],
      contexts: TEST_CONTEXTS,
      topicOf: () => topic,
      metrics,
      maxBackoffMs: 300,
      logger: {
        info: () => undefined,
        warn: () => undefined,
        error: (details) => errors.push(String((details as { err?: Error }).err?.message)),
      },
    });
    const stream = `Load-${randomUUID()}`;
    const append = async (from: number, to: number) => {
      for (let seq = from; seq < to; seq++) await store.append(stream, [loadEvent(seq)], seq - 1);
    };
    await append(0, 10);
    await until(async () => (await highWatermark(topic)) === 10, 60_000);

    link.dropAnswers = true;
    await append(10, 20);
    // The broker has a batch (or more) the relay never hears of; the relay fails.
    await until(async () => (await highWatermark(topic)) > 10 && errors.length > 0, 60_000);
    await append(20, 30);
    const written = await highWatermark(topic);
    link.dropAnswers = false;
    for (const socket of sockets) socket.destroy();

    // From its checkpoint (10), the relay sends events 10…29 again.
    await until(async () => (await highWatermark(topic)) >= written + 20, 60_000);
    await until(async () => lagOf(metrics).then((lag) => lag === 0), 30_000);
    expect(relay.health().ready).toBe(true);
    await relay.stop();
    const restarts = (await metrics.getSingleMetric('carenet_relay_producer_restarts_total')?.get())
      ?.values[0]?.value;
    process.stdout.write(
      `relay recovery: errors ${JSON.stringify([...new Set(errors)])}, producer restarts ${restarts}\n`,
    );
    expect(restarts).toBeGreaterThan(0);

    // On the topic: every event, the batch whose answer was lost twice (at most one batch
    // re-sent), and after dropping repeats every revision in order.
    const received = await readAll(topic, written + 20);
    expect(received).toHaveLength(written + 20);
    const seen = new Set<string>();
    const order: number[] = [];
    for (const message of received) {
      if (seen.has(message.id)) continue;
      seen.add(message.id);
      order.push(message.sequence);
    }
    expect(order).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(received.length - order.length).toBe(written - 10);
    expect(received.length - order.length).toBeLessThanOrEqual(500);
  });

  it('says it is not ready when it cannot publish for longer than allowed, and why', async () => {
    const unreachable = new Kafka({
      clientId: 'relay-recovery-unreachable',
      brokers: ['127.0.0.1:1'],
      logLevel: logLevel.NOTHING,
      connectionTimeout: 200,
      retry: { retries: 0 },
    });
    const relay = startRelay({
      store,
      kafka: unreachable,
      relayId: uniqueName('unreachable'),
      categories: ['Load'],
      contexts: TEST_CONTEXTS,
      stallAfterMs: 300,
      maxBackoffMs: 100,
    });
    await store.append(`Load-${randomUUID()}`, [loadEvent(0)], 'no-stream');
    expect(relay.health()).toEqual({ name: expect.stringContaining('relay '), ready: true });
    await until(() => Promise.resolve(!relay.health().ready), 30_000);
    const health = relay.health();
    await relay.stop();
    expect(health.ready).toBe(false);
    expect(health.reason).toMatch(/no progress for \d+ s \(last error: KafkaJS\w+: /);
  });
});
