// `carenet republish` against a real PostgreSQL store and a real Kafka broker (issue 19): 10,000
// events published by the relay, consumed by a consumer group with its inbox, then republished:
// every message comes again with its ce_id and the replay mark, and no effect is applied twice.
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Kafka, logLevel } from 'kafkajs';
import { Registry } from 'prom-client';
import { loadContractRegistry } from '@carenet/contracts';
import {
  PostgresEventStore,
  postgresDatabase,
  type JsonObject,
  type SqlDatabase,
} from '@carenet/eventsourcing';
import {
  provisionTopics,
  startKafkaConsumer,
  startRelay,
  topicProtection,
  unsealedData,
  type RunningConsumer,
  type RunningRelay,
} from '@carenet/messaging';
import { createTestDatabase, testKafkaBrokers, uniqueName, type TestDatabase } from '@carenet/testing';
import { carenet, jsonLines, taskEvent, waitFor } from './support/cli-harness.js';

const STREAMS = 1000;
const PER_STREAM = 10;
const TOTAL = STREAMS * PER_STREAM;

const kafka = new Kafka({
  clientId: 'cli-republish-test',
  brokers: testKafkaBrokers(),
  logLevel: logLevel.NOTHING,
});
let database: TestDatabase;
let store: PostgresEventStore;
let db: SqlDatabase;
let env: Record<string, string>;
let topic: string;
let groupId: string;
let relay: RunningRelay;
let consumer: RunningConsumer;
const metrics = new Registry();

async function counted(outcome: string): Promise<number> {
  const metric = await metrics.getSingleMetric('carenet_consumer_messages_total')?.get();
  return metric?.values.find((v) => v.labels.group === groupId && v.labels.outcome === outcome)?.value ?? 0;
}

async function effects(): Promise<{ total: number; distinct: number }> {
  const [row] = await db.query<{ total: string; distinct: string }>(
    'SELECT count(*)::text AS total, count(DISTINCT event_id)::text AS distinct FROM effects',
  );
  return { total: Number(row?.total), distinct: Number(row?.distinct) };
}

beforeAll(async () => {
  database = await createTestDatabase('cli-republish');
  db = postgresDatabase({ connectionString: database.url });
  store = await PostgresEventStore.open(db);
  env = { DATABASE_URL: database.url, KAFKA_BROKERS: testKafkaBrokers().join(',') };
  topic = uniqueName('republish');
  groupId = uniqueName('republish-group');
  await provisionTopics(kafka, [topic, `${groupId}.dlq`], { partitions: 3 });
  for (let s = 0; s < STREAMS; s++) {
    const id = `r${s}`;
    await store.append(
      `Task-${id}`,
      Array.from({ length: PER_STREAM }, (_, n) => taskEvent(id, n)),
      'no-stream',
    );
  }
  // An effect table with no key: a duplicate effect would show as a second row.
  await db.query('CREATE TABLE effects (event_id text NOT NULL, stream_id text NOT NULL)');
  relay = startRelay({ store, kafka, relayId: 'tasks-relay', categories: ['Task'], topicOf: () => topic });
  consumer = await startKafkaConsumer({
    kafka,
    groupId,
    topics: [topic],
    db,
    contracts: loadContractRegistry(),
    metrics,
    handler: async (event, tx) => {
      await tx.query('INSERT INTO effects (event_id, stream_id) VALUES ($1, $2)', [event.id, event.subject]);
    },
  });
  await waitFor(effects, (e) => e.total >= TOTAL);
  await relay.stop();
}, 180_000);

afterAll(async () => {
  await consumer.stop();
  await relay.stop();
  await store.close();
  await database.drop();
});

describe('carenet republish', () => {
  it('re-emits 10,000 events with their ce_id and a replay mark; the consumer applies none twice', async () => {
    expect(await effects()).toEqual({ total: TOTAL, distinct: TOTAL });
    const { code, stdout, stderr } = await carenet(
      ['republish', '--service', 'tasks', '--from-position', 'start', '--topic', topic, '--json'],
      env,
    );
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const [summary] = jsonLines(stdout);
    expect(summary).toMatchObject({
      service: 'tasks',
      topic,
      dryRun: false,
      events: TOTAL,
      streams: STREAMS,
    });
    const duplicates = await waitFor(
      () => counted('duplicate'),
      (n) => n >= TOTAL,
    );
    expect(duplicates).toBe(TOTAL);
    expect(await counted('applied')).toBe(TOTAL);
    expect(await effects()).toEqual({ total: TOTAL, distinct: TOTAL });

    // On the topic: every event twice, once from the relay, once marked with the run's id.
    const seen = new Map<string, { plain: number; replayed: number; sequence: string }>();
    const reader = kafka.consumer({ groupId: uniqueName('republish-reader') });
    await reader.connect();
    await reader.subscribe({ topics: [topic], fromBeginning: true });
    let read = 0;
    await reader.run({
      eachMessage: async ({ message }) => {
        read += 1;
        const id = message.headers?.ce_id?.toString() ?? '';
        const replay = message.headers?.carenet_replay?.toString();
        const entry = seen.get(id) ?? { plain: 0, replayed: 0, sequence: '' };
        if (replay === undefined) entry.plain += 1;
        else if (replay === summary?.replayId) entry.replayed += 1;
        entry.sequence = message.headers?.ce_sequence?.toString() ?? '';
        seen.set(id, entry);
        return Promise.resolve();
      },
    });
    await waitFor(
      () => Promise.resolve(read),
      (n) => n >= 2 * TOTAL,
    );
    await reader.disconnect();
    expect(read).toBe(2 * TOTAL);
    expect(seen.size).toBe(TOTAL);
    expect([...seen.values()].every((e) => e.plain === 1 && e.replayed === 1)).toBe(true);
  }, 180_000);

  it('counts a range without sending it (--dry-run needs no broker)', async () => {
    const { events } = await store.readAll('0:0' as never, { limit: 25 });
    const from = events[4]?.logPosition ?? '';
    const to = events[24]?.logPosition ?? '';
    const { code, stdout } = await carenet(
      [
        'republish',
        '--service',
        'tasks',
        '--from-position',
        from,
        '--to-position',
        to,
        '--dry-run',
        '--json',
      ],
      { DATABASE_URL: database.url },
    );
    expect(code).toBe(0);
    expect(jsonLines(stdout)[0]).toMatchObject({
      dryRun: true,
      events: 20,
      firstPosition: events[5]?.logPosition,
      lastPosition: to,
    });
    const human = await carenet(['republish', '--service', 'tasks', '--stream', 'Task-r7', '--dry-run'], {
      DATABASE_URL: database.url,
    });
    expect(human.stderr).toMatch(
      /^dry run: would republish 10 events of 1 streams to carenet\.tasks \(positions /,
    );
    const future = await carenet(
      ['republish', '--service', 'tasks', '--from-time', '2100-01-01', '--dry-run', '--json'],
      { DATABASE_URL: database.url },
    );
    expect(jsonLines(future.stdout)[0]).toMatchObject({ events: 0 });
  });

  it('re-emits one stream at a limited rate', async () => {
    const started = Date.now();
    const { code, stdout } = await carenet(
      [
        'republish',
        '--service',
        'tasks',
        '--stream',
        'Task-r3',
        '--topic',
        topic,
        '--rate',
        '20/s',
        '--json',
      ],
      env,
    );
    expect(code).toBe(0);
    expect(jsonLines(stdout)[0]).toMatchObject({ events: 10, streams: 1 });
    // 10 events at 20/s: at least half a second.
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
  });

  it.each([
    [['--service', 'billing', '--from-position', 'start'], 'unknown service "billing"'],
    [['--service', 'tasks'], 'say what to republish: --from-position, --from-time or --stream'],
    [['--service', 'tasks', '--from-time', 'last tuesday'], '--from-time takes an ISO 8601 instant'],
    [['--service', 'tasks', '--from-position', 'x'], '--from-position takes a log position'],
    [['--service', 'tasks', '--stream', 'CarePlan-1'], 'stream CarePlan-1 is not of service tasks'],
    [['--service', 'tasks', '--stream', 'Task-none'], 'no stream "Task-none" in the store'],
    [
      ['--service', 'tasks', '--category', 'Goal', '--from-position', 'start'],
      'service tasks does not publish category Goal',
    ],
    [
      ['--service', 'tasks', '--from-position', 'start', '--rate', 'fast'],
      '--rate takes a number of events per second',
    ],
  ])('refuses %j with exit code 2', async (args, message) => {
    const { code, stderr } = await carenet(['republish', ...args, '--dry-run'], env);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
  });

  it('seals what the contracts seal, as the relay: with the topic key in `protected`, without it left out', async () => {
    const note = 'Patient HIV+, wear gloves';
    await store.append(
      'Task-sealed',
      [
        {
          id: randomUUID(),
          type: 'TaskRejected',
          data: {
            taskId: 'sealed',
            by: { kind: 'system', clientId: 'cli-test' },
            at: '2026-12-07T10:00:00.000Z',
            reason: { text: note },
          },
        },
      ],
      'no-stream',
    );
    const key = randomBytes(32).toString('base64url');
    const sealedTopic = uniqueName('republish-sealed');
    await provisionTopics(kafka, [sealedTopic], { partitions: 1 });
    for (const withKey of [true, false]) {
      const { code } = await carenet(
        ['republish', '--service', 'tasks', '--stream', 'Task-sealed', '--topic', sealedTopic, '--json'],
        withKey ? { ...env, CARENET_TOPIC_PROTECTION_KEY: key } : env,
      );
      expect(code).toBe(0);
    }
    const values: Buffer[] = [];
    const reader = kafka.consumer({ groupId: uniqueName('republish-sealed-reader') });
    await reader.connect();
    await reader.subscribe({ topics: [sealedTopic], fromBeginning: true });
    await new Promise<void>((resolve) => {
      void reader.run({
        eachMessage: ({ message }) => {
          values.push(message.value ?? Buffer.alloc(0));
          if (values.length === 2) resolve();
          return Promise.resolve();
        },
      });
    });
    await reader.disconnect();
    // The clinical text, whole: a bare word could turn up by chance in the sealed value's base64url
    // (a run once found "HIV" in it); the note's spaces and comma never can.
    for (const value of values) expect(value.toString('utf8')).not.toContain(note);
    const [sealed, bare] = values.map((v) => JSON.parse(v.toString('utf8')) as JsonObject);
    expect(typeof sealed?.protected).toBe('string');
    expect(bare?.protected).toBeUndefined();
    // A consumer holding the key gets the event as stored.
    const eventId = (await store.readStream('Task-sealed'))[0]?.id ?? '';
    expect(unsealedData(sealed ?? {}, eventId, topicProtection(key))).toMatchObject({
      reason: { text: note },
    });
  });

  it('says in one line that the broker cannot be reached, exit code 3', async () => {
    const { code, stderr } = await carenet(
      ['republish', '--service', 'tasks', '--stream', 'Task-r1', '--brokers', '127.0.0.1:1'],
      { DATABASE_URL: database.url },
    );
    expect(code).toBe(3);
    expect(stderr).toMatch(/^carenet: cannot reach the Kafka brokers 127\.0\.0\.1:1: .*\n$/);
  });
});
