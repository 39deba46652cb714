// A consumer group on a real broker: contract check, inbox dedupe, retries, dead-letter queue.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Kafka, logLevel, type KafkaMessage, type Producer } from 'kafkajs';
import { createTestDatabase, testKafkaBrokers, uniqueName, type TestDatabase } from '@carenet/testing';
import { postgresDatabase, type SqlDatabase } from '@carenet/eventsourcing';
import { deadLetterTopicOf, startKafkaConsumer, type RunningConsumer } from '../src/index.js';
import { APPLIED_TABLE, loadMessage, recordApplied, testContracts } from './support/messaging-fixtures.js';

async function waitFor<T>(
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('Kafka consumer', () => {
  const kafka = new Kafka({
    clientId: 'consumer-test',
    brokers: testKafkaBrokers(),
    logLevel: logLevel.NOTHING,
  });
  let database: TestDatabase;
  let db: SqlDatabase;
  let producer: Producer;

  beforeAll(async () => {
    database = await createTestDatabase('messaging-consumer');
    db = postgresDatabase({ connectionString: database.url });
    await db.query(APPLIED_TABLE);
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
  });
  afterAll(async () => {
    await producer.disconnect();
    await db.close();
    await database.drop();
  });

  it('dead-letters poison messages with error headers and goes on with the next ones', async () => {
    const topic = uniqueName('poison');
    const groupId = uniqueName('poison-group');
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [
        { topic, numPartitions: 1 },
        { topic: deadLetterTopicOf(groupId), numPartitions: 1 },
      ],
    });
    await admin.disconnect();

    const stream = `Load-${randomUUID()}`;
    const good = (seq: number) => loadMessage(stream, seq);
    const valid = good(0);
    const messages = [
      good(0),
      { key: stream, value: Buffer.from('this is not JSON'), headers: valid.headers }, // malformed
      good(1),
      { ...loadMessage(stream, 99), value: Buffer.from(JSON.stringify({ seq: 'two' })) }, // violates its schema
      good(2),
      loadMessage(stream, -1), // the handler always refuses it
      good(3),
      { key: stream, value: Buffer.from('{}'), headers: {} }, // no CloudEvents headers at all
      good(4),
    ];
    await producer.send({ topic, acks: -1, messages });

    const consumer: RunningConsumer = await startKafkaConsumer({
      kafka,
      groupId,
      topics: [topic],
      db,
      contracts: testContracts,
      handler: recordApplied,
      retry: { attempts: 3, initialDelayMs: 10, maxDelayMs: 50 },
    });
    const applied = await waitFor(
      () =>
        db.query<{ seq: number }>('SELECT seq FROM applied WHERE stream_id = $1 ORDER BY applied_order', [
          stream,
        ]),
      (rows) => rows.length >= 5,
    );
    expect(applied.map((r) => r.seq)).toEqual([0, 1, 2, 3, 4]);

    const letters: KafkaMessage[] = [];
    const dlqReader = kafka.consumer({ groupId: uniqueName('dlq-reader'), maxWaitTimeInMs: 200 });
    await dlqReader.connect();
    await dlqReader.subscribe({ topic: deadLetterTopicOf(groupId), fromBeginning: true });
    await dlqReader.run({
      eachMessage: ({ message }) => {
        letters.push(message);
        return Promise.resolve();
      },
    });
    await waitFor(
      () => Promise.resolve(letters.length),
      (n) => n >= 4,
    );
    await dlqReader.disconnect();
    await consumer.stop();

    const header = (m: KafkaMessage, name: string) => m.headers?.[name]?.toString();
    expect(letters.map((m) => header(m, 'carenet_error_type'))).toEqual([
      'MalformedMessageError',
      'InvalidEventDataError',
      'Error',
      'MalformedMessageError',
    ]);
    expect(letters.map((m) => header(m, 'carenet_error_attempts'))).toEqual(['1', '1', '3', '1']);
    expect(letters.map((m) => header(m, 'carenet_original_offset'))).toEqual(['1', '3', '5', '7']);
    for (const letter of letters) {
      expect(header(letter, 'carenet_error_group')).toBe(groupId);
      expect(header(letter, 'carenet_original_topic')).toBe(topic);
      expect(header(letter, 'carenet_original_partition')).toBe('0');
      expect(header(letter, 'carenet_error_message')).toBeTruthy();
    }
    // The original headers travel with the dead letter, and so do the key and value.
    expect(header(letters[0]!, 'ce_id')).toBe(valid.headers.ce_id);
    expect(letters[0]!.value?.toString()).toBe('this is not JSON');
    expect(header(letters[2]!, 'carenet_error_message')).toContain('handler refuses seq -1');
  });

  it('applies a message delivered twice only once (inbox), also across a restart of the group', async () => {
    const topic = uniqueName('dedupe');
    const groupId = uniqueName('dedupe-group');
    const stream = `Load-${randomUUID()}`;
    const id = randomUUID();
    await producer.send({
      topic,
      acks: -1,
      messages: [loadMessage(stream, 0, id), loadMessage(stream, 0, id)],
    });
    const options = { kafka, groupId, topics: [topic], db, contracts: testContracts, handler: recordApplied };
    const first = await startKafkaConsumer(options);
    await waitFor(
      () => db.query('SELECT 1 FROM messaging.inbox WHERE consumer_group = $1', [groupId]),
      (rows) => rows.length === 1,
    );
    await first.stop();
    // Redelivery after a crash before the offset commit looks like this: the same message again.
    await producer.send({ topic, acks: -1, messages: [loadMessage(stream, 1), loadMessage(stream, 0, id)] });
    const second = await startKafkaConsumer(options);
    const rows = await waitFor(
      () =>
        db.query<{ seq: number }>('SELECT seq FROM applied WHERE stream_id = $1 ORDER BY applied_order', [
          stream,
        ]),
      (r) => r.length >= 2,
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    await second.stop();
    expect(rows.map((r) => r.seq)).toEqual([0, 1]);
    expect(await db.query('SELECT 1 FROM applied WHERE stream_id = $1', [stream])).toHaveLength(2);
  });
});
