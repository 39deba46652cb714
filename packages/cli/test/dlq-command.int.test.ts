// `carenet dlq list|show|redrive` against a real Kafka broker (issue 19): a consumer group
// dead-letters the events of a stream it refuses and a malformed message; once the cause is fixed,
// a redrive sends the letters back and the group applies them, once.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Kafka, logLevel } from 'kafkajs';
import { loadContractRegistry } from '@carenet/contracts';
import { PostgresEventStore, postgresDatabase, type SqlDatabase } from '@carenet/eventsourcing';
import {
  PermanentMessageError,
  provisionTopics,
  startKafkaConsumer,
  startRelay,
  type RunningConsumer,
} from '@carenet/messaging';
import { createTestDatabase, testKafkaBrokers, uniqueName, type TestDatabase } from '@carenet/testing';
import { carenet, jsonLines, taskEvent, waitFor } from './support/cli-harness.js';

const kafka = new Kafka({
  clientId: 'cli-dlq-test',
  brokers: testKafkaBrokers(),
  logLevel: logLevel.NOTHING,
});
let database: TestDatabase;
let db: SqlDatabase;
let store: PostgresEventStore;
let env: Record<string, string>;
let topic: string;
let groupId: string;
let consumer: RunningConsumer;

const effects = async () =>
  db.query<{ event_id: string; stream_id: string }>('SELECT event_id, stream_id FROM effects ORDER BY n');

beforeAll(async () => {
  database = await createTestDatabase('cli-dlq');
  db = postgresDatabase({ connectionString: database.url });
  store = await PostgresEventStore.open(db);
  env = { KAFKA_BROKERS: testKafkaBrokers().join(',') };
  topic = uniqueName('dlq');
  groupId = uniqueName('dlq-group');
  await provisionTopics(kafka, [topic, `${groupId}.dlq`], { partitions: 2 });
  await db.query('CREATE TABLE effects (n bigserial, event_id text NOT NULL, stream_id text NOT NULL)');
  await db.query(
    "CREATE TABLE refused (stream_id text PRIMARY KEY); INSERT INTO refused VALUES ('Task-bad')",
  );
  for (const id of ['g1', 'bad', 'g2', 'g3']) {
    await store.append(
      `Task-${id}`,
      [0, 1, 2, 3].map((n) => taskEvent(id, n)),
      'no-stream',
    );
  }
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({
    topic,
    messages: [{ key: 'Task-x', value: Buffer.from('not an event'), headers: {} }],
  });
  await producer.disconnect();
  const relay = startRelay({
    store,
    kafka,
    relayId: 'tasks-relay',
    categories: ['Task'],
    topicOf: () => topic,
  });
  consumer = await startKafkaConsumer({
    kafka,
    groupId,
    topics: [topic],
    db,
    contracts: loadContractRegistry(),
    handler: async (event, tx) => {
      const refused = await tx.query('SELECT 1 FROM refused WHERE stream_id = $1', [event.subject]);
      if (refused.length > 0) throw new PermanentMessageError(`stream ${event.subject} refused until fixed`);
      await tx.query('INSERT INTO effects (event_id, stream_id) VALUES ($1, $2)', [event.id, event.subject]);
    },
  });
  await waitFor(
    async () => (await effects()).length,
    (n) => n >= 12,
  );
  const admin = kafka.admin();
  await admin.connect();
  await waitFor(
    async () => (await admin.fetchTopicOffsets(`${groupId}.dlq`)).reduce((sum, p) => sum + Number(p.high), 0),
    (n) => n >= 5,
  );
  await admin.disconnect();
  await relay.stop();
}, 120_000);

afterAll(async () => {
  await consumer.stop();
  await store.close();
  await database.drop();
});

describe('carenet dlq', () => {
  it('lists the dead letters with their reason, filtered', async () => {
    const { code, stdout } = await carenet(['dlq', 'list', '--group', groupId, '--json'], env);
    expect(code).toBe(0);
    const letters = jsonLines(stdout);
    expect(letters).toHaveLength(5);
    const refused = letters.filter((l) => l.errorType === 'PermanentMessageError');
    expect(refused.map((l) => l.subject)).toEqual(['Task-bad', 'Task-bad', 'Task-bad', 'Task-bad']);
    expect(refused[0]).toMatchObject({
      type: 'carenet.tasks.TaskReceived.v1',
      errorMessage: 'stream Task-bad refused until fixed',
      originalTopic: topic,
      attempts: 1,
      redriven: false,
    });
    const malformed = await carenet(
      ['dlq', 'list', '--group', groupId, '--filter', 'error=MalformedMessageError', '--json'],
      env,
    );
    expect(jsonLines(malformed.stdout)).toEqual([
      expect.objectContaining({
        key: 'Task-x',
        id: null,
        errorMessage: expect.stringContaining('missing CloudEvents header'),
      }),
    ]);
    const human = await carenet(
      ['dlq', 'list', '--group', groupId, '--filter', 'subject=bad', '--filter', 'type=TaskStarted'],
      env,
    );
    expect(human.stdout).toContain('TaskStarted');
    expect(human.stderr).toBe(`1 dead letter of group ${groupId} (1 not redriven)\n`);
  }, 60_000);

  it('shows one letter, by position or by ce_id', async () => {
    const [first] = jsonLines(
      (await carenet(['dlq', 'list', '--group', groupId, '--filter', 'subject=Task-bad', '--json'], env))
        .stdout,
    );
    const byId = await carenet(['dlq', 'show', String(first?.id), '--group', groupId, '--json'], env);
    expect(byId.code).toBe(0);
    const shown = jsonLines(byId.stdout)[0];
    expect(shown).toMatchObject({
      value: { taskId: 'bad' },
      headers: { carenet_error_group: groupId, ce_subject: 'Task-bad' },
    });
    const byPosition = await carenet(
      ['dlq', 'show', `${String(first?.partition)}:${String(first?.offset)}`, '--group', groupId],
      env,
    );
    expect(byPosition.stdout).toContain('carenet_error_type');
    expect(byPosition.stdout).toContain('"taskId": "bad"');
    const missing = await carenet(['dlq', 'show', '9:999', '--group', groupId], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(`carenet: no dead letter "9:999" for group ${groupId}\n`);
  }, 60_000);

  it('sends fixed letters back: the group applies them once; a full redrive remembers where it ended', async () => {
    await db.query('DELETE FROM refused');
    const fixed = await carenet(
      ['dlq', 'redrive', '--group', groupId, '--filter', 'error=PermanentMessageError', '--json'],
      env,
    );
    expect(fixed.code).toBe(0);
    expect(jsonLines(fixed.stdout).at(-1)).toMatchObject({ summary: { sent: 4, skipped: 0, dryRun: false } });
    const applied = await waitFor(effects, (rows) => rows.length >= 16);
    const bad = applied.filter((row) => row.stream_id === 'Task-bad');
    const events = await store.readStream('Task-bad');
    expect(bad.map((row) => row.event_id)).toEqual(events.map((e) => e.id));

    // A filtered redrive is not remembered: a dry run would send all five.
    const dry = await carenet(['dlq', 'redrive', '--group', groupId, '--dry-run', '--json'], env);
    expect(jsonLines(dry.stdout).at(-1)).toMatchObject({ summary: { sent: 5, dryRun: true } });
    // The full redrive: the four again (skipped by the inbox), the malformed one dead again.
    const all = await carenet(['dlq', 'redrive', '--group', groupId], env);
    expect(all.stderr).toBe(`sent 5 dead letters of group ${groupId} back to their topics\n`);
    const letters = await waitFor(
      async () => jsonLines((await carenet(['dlq', 'list', '--group', groupId, '--json'], env)).stdout),
      (list) => list.length >= 6,
    );
    expect(letters.map((l) => l.redriven)).toEqual(
      expect.arrayContaining([true, true, true, true, true, false]),
    );
    expect(letters.filter((l) => !l.redriven)).toEqual([expect.objectContaining({ key: 'Task-x' })]);
    expect(await effects()).toHaveLength(16);
    const next = await carenet(['dlq', 'redrive', '--group', groupId, '--dry-run'], env);
    expect(next.stderr).toBe(
      `dry run: would send 1 dead letter of group ${groupId} back to their topics; 5 already redriven left out (--all to include them)\n`,
    );
  }, 120_000);

  it.each([
    [['list', '--group', 'nobody'], 'no dead-letter topic nobody.dlq'],
    [
      ['list', '--group', 'g', '--filter', 'colour=red'],
      '--filter takes key=value with key one of type, subject, id, error, message, topic',
    ],
  ])('refuses %j with exit code 2', async (args, message) => {
    const { code, stderr } = await carenet(['dlq', ...args], env);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
  });
});
