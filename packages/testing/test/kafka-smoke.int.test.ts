import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { testKafkaBrokers, uniqueName } from '../src/index.js';

const MESSAGES = 1000;
const KEYS = 20;

describe('Apache Kafka provisioned for the tests', () => {
  const kafka = new Kafka({ clientId: 'kafka-smoke', brokers: testKafkaBrokers(), logLevel: logLevel.ERROR });
  const topic = uniqueName('smoke');
  let admin: Admin;

  beforeAll(async () => {
    admin = kafka.admin();
    await admin.connect();
  });

  afterAll(async () => {
    await admin.disconnect();
  });

  it('is a real broker that kafkajs talks to', async () => {
    const cluster = await admin.describeCluster();
    const version = process.env.CARENET_TEST_KAFKA_VERSION ?? 'unknown';
    process.stdout.write(
      `Kafka broker version ${version}, ${cluster.brokers.length} broker(s), controller ${cluster.controller}\n`,
    );
    expect(cluster.brokers.length).toBeGreaterThanOrEqual(1);
    for (const broker of cluster.brokers) expect(broker.host).toBe('127.0.0.1');
  });

  it('keeps per-key order for 1,000 keyed messages over 3 partitions and a consumer group', async () => {
    await admin.createTopics({
      topics: [{ topic, numPartitions: 3, replicationFactor: 1 }],
      waitForLeaders: true,
    });
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    expect(metadata.topics[0]?.partitions).toHaveLength(3);

    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const messages = Array.from({ length: MESSAGES }, (_, i) => ({
      key: `patient-${i % KEYS}`,
      value: JSON.stringify({ seq: Math.floor(i / KEYS) }),
    }));
    for (let i = 0; i < messages.length; i += 100) {
      await producer.send({ topic, messages: messages.slice(i, i + 100) });
    }
    await producer.disconnect();

    const consumer = kafka.consumer({ groupId: uniqueName('smoke-group') });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    const seen = new Map<string, number[]>();
    const partitionsByKey = new Map<string, Set<number>>();
    let received = 0;
    const done = new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: ({ partition, message }) => {
          const key = message.key?.toString() ?? '';
          const { seq } = JSON.parse(message.value?.toString() ?? '{}') as { seq: number };
          seen.set(key, [...(seen.get(key) ?? []), seq]);
          partitionsByKey.set(key, (partitionsByKey.get(key) ?? new Set()).add(partition));
          received += 1;
          if (received === MESSAGES) resolve();
          return Promise.resolve();
        },
      });
    });
    await done;
    await consumer.disconnect();

    expect(received).toBe(MESSAGES);
    expect(seen.size).toBe(KEYS);
    const expected = Array.from({ length: MESSAGES / KEYS }, (_, i) => i);
    for (const [key, seqs] of seen) {
      expect({ key, seqs }).toEqual({ key, seqs: expected });
      expect(partitionsByKey.get(key)?.size).toBe(1);
    }
    const used = new Set([...partitionsByKey.values()].flatMap((s) => [...s]));
    expect(used.size).toBeGreaterThan(1);
  });
});
