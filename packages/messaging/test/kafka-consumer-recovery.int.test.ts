// A consumer that kafkajs gives up on comes back by itself. Its dead-letter topic refuses the
// poison message (max.message.bytes too small: MESSAGE_TOO_LARGE, which kafkajs does not retry),
// so the kafkajs consumer crashes with `restart: false`, over and over, until the topic accepts
// it again: meanwhile `health()` says why it is not ready and the lag shows the messages waiting;
// then the poison is dead-lettered, the rest applied, and the consumer is ready.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';
import { Registry } from 'prom-client';
import { createTestDatabase, testKafkaBrokers, uniqueName, type TestDatabase } from '@carenet/testing';
import { postgresDatabase, type SqlDatabase } from '@carenet/eventsourcing';
import { deadLetterTopicOf, startKafkaConsumer } from '../src/index.js';
import {
  APPLIED_TABLE,
  loadMessage,
  recordApplied,
  testContracts,
  until,
} from './support/messaging-fixtures.js';

describe('Kafka consumer recovery', () => {
  const kafka = new Kafka({
    clientId: 'consumer-recovery-test',
    brokers: testKafkaBrokers(),
    logLevel: logLevel.NOTHING,
  });
  let database: TestDatabase;
  let db: SqlDatabase;

  beforeAll(async () => {
    database = await createTestDatabase('messaging-recovery');
    db = postgresDatabase({ connectionString: database.url });
    await db.query(APPLIED_TABLE);
  });
  afterAll(async () => {
    await db.close();
    await database.drop();
  });

  it('recreates a consumer after a crash kafkajs does not restart, reporting not ready meanwhile', async () => {
    const topic = uniqueName('recovery');
    const groupId = uniqueName('recovery-group');
    const dlq = deadLetterTopicOf(groupId);
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        { topic, numPartitions: 1 },
        { topic: dlq, numPartitions: 1, configEntries: [{ name: 'max.message.bytes', value: '64' }] },
      ],
    });
    const stream = `Load-${randomUUID()}`;
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    await producer.send({
      topic,
      acks: -1,
      messages: [loadMessage(stream, 0), loadMessage(stream, -1), loadMessage(stream, 1)],
    });
    await producer.disconnect();

    const registry = new Registry();
    const logs: { level: string; msg: string; details: object }[] = [];
    const record =
      (level: string) =>
      (details: object, msg = '') => {
        logs.push({ level, msg, details });
      };
    const consumer = await startKafkaConsumer({
      kafka,
      groupId,
      topics: [topic],
      db,
      contracts: testContracts,
      handler: recordApplied,
      retry: { attempts: 1 },
      restartBackoff: { initialMs: 200, maxMs: 1_000 },
      lagIntervalMs: 200,
      metrics: registry,
      logger: { info: record('info'), warn: record('warn'), error: record('error') },
    });
    const metric = async (name: string) =>
      (await registry.getMetricsAsJSON()).find((m) => m.name === name)?.values ?? [];
    const restarts = async () => (await metric('carenet_consumer_restarts_total'))[0]?.value ?? 0;
    const lag = async () =>
      (await metric('carenet_consumer_lag')).find((v) => v.labels.topic === topic)?.value;
    const applied = async () =>
      (
        await db.query<{ seq: number }>('SELECT seq FROM applied WHERE stream_id = $1 ORDER BY seq', [stream])
      ).map((r) => r.seq);

    // The outage: the poison message cannot be dead-lettered, the consumer crashes again and again.
    const unhealthy: string[] = [];
    await until(async () => {
      const health = consumer.health();
      if (!health.ready && health.reason !== undefined) unhealthy.push(health.reason);
      return (await restarts()) >= 2;
    }, 60_000);
    expect(await applied()).toEqual([0]);
    expect(unhealthy.some((reason) => /crashed \(KafkaJSProtocolError: .*larger than/.test(reason))).toBe(
      true,
    );
    expect(consumer.health()).toMatchObject({ name: `consumer ${groupId}` });
    await until(async () => ((await lag()) ?? 0) >= 2, 30_000);
    const recreations = logs.filter((l) => l.msg === 'consumer stopped; recreating it');
    expect(recreations.length).toBeGreaterThanOrEqual(2);
    // Logged without any message content: the group, the reason (broker error), the attempt, the delay.
    expect(Object.keys(recreations[0]!.details).sort()).toEqual([
      'attempt',
      'group',
      'reason',
      'restartInMs',
    ]);

    // The dead-letter topic accepts messages again: the consumer comes back and goes on.
    await admin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: ConfigResourceTypes.TOPIC,
          name: dlq,
          configEntries: [{ name: 'max.message.bytes', value: '1048588' }],
        },
      ],
    });
    await admin.disconnect();
    await until(async () => (await applied()).length === 2, 60_000);
    expect(await applied()).toEqual([0, 1]);
    await until(() => Promise.resolve(consumer.health().ready), 30_000);
    expect(consumer.health()).toEqual({ name: `consumer ${groupId}`, ready: true });
    await until(async () => (await lag()) === 0, 30_000);
    expect((await metric('carenet_consumer_messages_total')).map((v) => [v.labels.outcome, v.value])).toEqual(
      expect.arrayContaining([
        ['applied', 2],
        ['dead_lettered', 1],
      ]),
    );

    await consumer.stop();
    expect(consumer.health()).toEqual({ name: `consumer ${groupId}`, ready: false, reason: 'stopped' });
  });
});
