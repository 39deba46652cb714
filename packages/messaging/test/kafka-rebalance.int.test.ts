// Consumers of one group joining and leaving while messages flow: partitions move between
// members (rebalances), and still every event is applied once, in stream order.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Kafka, logLevel } from 'kafkajs';
import { createTestDatabase, testKafkaBrokers, uniqueName, type TestDatabase } from '@carenet/testing';
import { postgresDatabase, type SqlDatabase } from '@carenet/eventsourcing';
import { startKafkaConsumer, type KafkaConsumerOptions } from '../src/index.js';
import {
  APPLIED_TABLE,
  appliedInOrder,
  loadMessage,
  recordApplied,
  testContracts,
} from './support/messaging-fixtures.js';

const STREAMS = 60;
const PER_STREAM = 50;

describe('Kafka consumer group rebalances', () => {
  const kafka = new Kafka({
    clientId: 'rebalance-test',
    brokers: testKafkaBrokers(),
    logLevel: logLevel.NOTHING,
  });
  let database: TestDatabase;
  let db: SqlDatabase;

  beforeAll(async () => {
    database = await createTestDatabase('messaging-rebalance');
    db = postgresDatabase({ connectionString: database.url, max: 20 });
    await db.query(APPLIED_TABLE);
  });
  afterAll(async () => {
    await db.close();
    await database.drop();
  });

  it('a member joins, then another leaves, mid-stream: nothing lost, nothing applied twice', async () => {
    const topic = uniqueName('rebalance');
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 6 }] });
    await admin.disconnect();

    // A slow handler, so that rebalances happen while work is in flight.
    const options: KafkaConsumerOptions = {
      kafka,
      groupId: uniqueName('rebalance-group'),
      topics: [topic],
      db,
      contracts: testContracts,
      handler: async (event, tx) => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        await recordApplied(event, tx);
      },
    };
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const streams = Array.from({ length: STREAMS }, () => `Load-${randomUUID()}`);
    const produce = async (from: number, to: number) => {
      for (let seq = from; seq < to; seq++) {
        await producer.send({ topic, acks: -1, messages: streams.map((s) => loadMessage(s, seq)) });
      }
    };
    const applied = async () => (await appliedInOrder(db)).total;
    const untilApplied = async (n: number) => {
      const deadline = Date.now() + 90_000;
      while ((await applied()) < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    };

    const first = await startKafkaConsumer(options);
    await produce(0, 20);
    await untilApplied(STREAMS * 5);
    const second = await startKafkaConsumer(options); // rebalance: partitions split between two
    await produce(20, 35);
    await untilApplied(STREAMS * 25);
    await first.stop(); // rebalance: everything moves to the second
    await produce(35, PER_STREAM);
    await untilApplied(STREAMS * PER_STREAM);
    await second.stop();
    await producer.disconnect();

    const result = await appliedInOrder(db);
    expect(result.streamsOutOfOrder).toEqual([]);
    expect(result.total).toBe(STREAMS * PER_STREAM);
  });
});
