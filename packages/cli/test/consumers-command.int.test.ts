// `carenet consumers list|lag|reset` against a real Kafka broker (issue 19): a consumer group
// builds a projection; after it lost it, a reset to the earliest offsets with its inbox forgotten
// and a replay give the same projection. A group with members is not reset.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Kafka, logLevel } from 'kafkajs';
import { loadContractRegistry } from '@carenet/contracts';
import { PostgresEventStore, postgresDatabase, type SqlDatabase } from '@carenet/eventsourcing';
import { provisionTopics, startKafkaConsumer, startRelay, type RunningConsumer } from '@carenet/messaging';
import { createTestDatabase, testKafkaBrokers, uniqueName, type TestDatabase } from '@carenet/testing';
import { carenet, jsonLines, taskEvent, waitFor } from './support/cli-harness.js';

const STREAMS = 20;
const PER_STREAM = 10;
const TOTAL = STREAMS * PER_STREAM;

const kafka = new Kafka({
  clientId: 'cli-consumers-test',
  brokers: testKafkaBrokers(),
  logLevel: logLevel.NOTHING,
});
let database: TestDatabase;
let db: SqlDatabase;
let store: PostgresEventStore;
let env: Record<string, string>;
let topic: string;
let groupId: string;
let consumer: RunningConsumer | undefined;

function startConsumer(): Promise<RunningConsumer> {
  return startKafkaConsumer({
    kafka,
    groupId,
    topics: [topic],
    db,
    contracts: loadContractRegistry(),
    handler: async (event, tx) => {
      await tx.query(
        `INSERT INTO projection (stream_id, events, last_type) VALUES ($1, 1, $2)
         ON CONFLICT (stream_id) DO UPDATE SET events = projection.events + 1, last_type = EXCLUDED.last_type`,
        [event.subject, event.type],
      );
    },
  });
}

async function projection(): Promise<{ stream_id: string; events: number; last_type: string }[]> {
  return db.query('SELECT stream_id, events, last_type FROM projection ORDER BY stream_id');
}

const applied = async () => (await projection()).reduce((sum, row) => sum + row.events, 0);

beforeAll(async () => {
  database = await createTestDatabase('cli-consumers');
  db = postgresDatabase({ connectionString: database.url });
  store = await PostgresEventStore.open(db);
  env = { DATABASE_URL: database.url, KAFKA_BROKERS: testKafkaBrokers().join(',') };
  topic = uniqueName('consumers');
  groupId = uniqueName('consumers-group');
  await provisionTopics(kafka, [topic, `${groupId}.dlq`], { partitions: 3 });
  for (let s = 0; s < STREAMS; s++) {
    await store.append(
      `Task-c${s}`,
      Array.from({ length: PER_STREAM }, (_, n) => taskEvent(`c${s}`, n)),
      'no-stream',
    );
  }
  await db.query(
    'CREATE TABLE projection (stream_id text PRIMARY KEY, events int NOT NULL, last_type text NOT NULL)',
  );
  const relay = startRelay({
    store,
    kafka,
    relayId: 'tasks-relay',
    categories: ['Task'],
    topicOf: () => topic,
  });
  consumer = await startConsumer();
  await waitFor(applied, (n) => n >= TOTAL);
  await relay.stop();
}, 120_000);

afterAll(async () => {
  await consumer?.stop();
  await store.close();
  await database.drop();
});

describe('carenet consumers', () => {
  it('lists the group with its state and members', async () => {
    await consumer?.ready;
    const { code, stdout } = await carenet(['consumers', 'list', '--json'], env);
    expect(code).toBe(0);
    expect(jsonLines(stdout).find((g) => g.group === groupId)).toEqual({
      group: groupId,
      state: 'Stable',
      members: 1,
    });
  });

  it('refuses to reset a group with active members (exit code 5), even in a dry run', async () => {
    const { code, stdout, stderr } = await carenet(
      ['consumers', 'reset', '--group', groupId, '--to-earliest', '--dry-run'],
      env,
    );
    expect({ code, stdout }).toEqual({ code: 5, stdout: '' });
    expect(stderr).toMatch(
      new RegExp(`^carenet: group ${groupId} has 1 active member \\(Stable: cli-consumers-test@`),
    );
  });

  it('reset to the earliest offsets with the inbox forgotten, then a replay, gives the same projection', async () => {
    const before = await projection();
    expect(before).toHaveLength(STREAMS);
    expect(
      before.filter((row) => row.events !== PER_STREAM || row.last_type !== 'carenet.tasks.TaskResumed.v1'),
    ).toEqual([]);
    await consumer?.stop();
    consumer = undefined;

    const caughtUp = await carenet(['consumers', 'lag', '--group', groupId, '--json'], env);
    expect(caughtUp.code).toBe(0);
    const lines = jsonLines(caughtUp.stdout);
    expect(lines.filter((l) => l.partition !== undefined)).toHaveLength(3);
    expect(lines.at(-1)).toEqual({ group: groupId, total: 0 });

    // The subscriber loses its data.
    await db.query('TRUNCATE projection');
    const dry = await carenet(
      ['consumers', 'reset', '--group', groupId, '--to-earliest', '--dry-run', '--json'],
      env,
    );
    expect(dry.code).toBe(0);
    expect(jsonLines(dry.stdout).map((c) => c.to)).toEqual([0, 0, 0]);
    expect(
      jsonLines((await carenet(['consumers', 'lag', '--group', groupId, '--json'], env)).stdout).at(-1),
    ).toEqual({
      group: groupId,
      total: 0,
    });

    const reset = await carenet(
      ['consumers', 'reset', '--group', groupId, '--to-earliest', '--forget-inbox'],
      env,
    );
    expect(reset.code).toBe(0);
    expect(reset.stderr).toBe(`moved 3 partitions of group ${groupId}; ${TOTAL} inbox rows deleted\n`);
    const behind = jsonLines((await carenet(['consumers', 'lag', '--group', groupId, '--json'], env)).stdout);
    expect(behind.at(-1)).toEqual({ group: groupId, total: TOTAL });

    consumer = await startConsumer();
    await waitFor(applied, (n) => n >= TOTAL);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await projection()).toEqual(before);
  }, 120_000);

  it('moves a group to the end, or to an offset per partition, and prints the change', async () => {
    await consumer?.stop();
    consumer = undefined;
    const latest = await carenet(['consumers', 'reset', '--group', groupId, '--to-latest', '--json'], env);
    expect(latest.code).toBe(0);
    const lags = jsonLines((await carenet(['consumers', 'lag', '--group', groupId, '--json'], env)).stdout);
    expect(lags.at(-1)).toEqual({ group: groupId, total: 0 });
    const one = await carenet(
      ['consumers', 'reset', '--group', groupId, '--to-offset', '0:0', '--json'],
      env,
    );
    expect(one.code).toBe(0);
    const moved = jsonLines(one.stdout);
    expect(moved).toHaveLength(1);
    expect(moved[0]).toMatchObject({ topic, partition: 0, to: 0 });
    const after = jsonLines((await carenet(['consumers', 'lag', '--group', groupId, '--json'], env)).stdout);
    expect(after.find((l) => l.partition === 0)?.lag).toBe(after.find((l) => l.partition === 0)?.high);
    const human = await carenet(['consumers', 'lag', '--group', groupId], env);
    expect(human.stdout).toContain(topic);
    expect(human.stderr).toMatch(new RegExp(`^group ${groupId}: \\d+ messages behind\\n$`));
  }, 60_000);

  it.each([
    [
      ['reset', '--group', 'g'],
      'give exactly one of --to-earliest, --to-latest, --to-time <time>, --to-offset <offset>',
    ],
    [['reset', '--group', 'g', '--to-earliest', '--to-latest'], 'give exactly one of'],
    [['reset', '--group', 'g', '--to-time', 'soon'], '--to-time takes an ISO 8601 instant'],
    [['reset', '--group', 'g', '--to-offset', 'a:b'], '--to-offset takes an offset'],
    [['lag', '--group', 'no-such-group-at-all'], 'no consumer group "no-such-group-at-all"'],
    [['lag', '--group', 'g', '--topic', 'no.such.topic'], 'no topic "no.such.topic" on the cluster'],
  ])('refuses %j with exit code 2', async (args, message) => {
    const { code, stderr } = await carenet(['consumers', ...args], env);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
  });

  it('says in one line that the broker cannot be reached, exit code 3', async () => {
    const { code, stderr } = await carenet(['consumers', 'list', '--brokers', '127.0.0.1:1']);
    expect(code).toBe(3);
    expect(stderr).toMatch(/^carenet: cannot reach the Kafka brokers 127\.0\.0\.1:1: .*\n$/);
  });
});
