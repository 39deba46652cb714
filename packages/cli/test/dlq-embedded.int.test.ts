// `carenet dlq` in the embedded mode (issue 19): a consumer fed by the store log dead-letters the
// events of a stream it refuses into messaging.dead_letters; once fixed, a redrive moves its
// checkpoint back and removes the letters, and at its next start it applies them, once.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { loadContractRegistry } from '@carenet/contracts';
import { PostgresEventStore, postgresDatabase, type SqlDatabase } from '@carenet/eventsourcing';
import { PermanentMessageError, startStoreLogConsumer, type RunningConsumer } from '@carenet/messaging';
import { createTestDatabase, type TestDatabase } from '@carenet/testing';
import { carenet, jsonLines, taskEvent, waitFor } from './support/cli-harness.js';

const GROUP = 'cli-test.embedded';
let database: TestDatabase;
let db: SqlDatabase;
let store: PostgresEventStore;
let env: Record<string, string>;

const effects = () =>
  db.query<{ event_id: string; stream_id: string }>('SELECT event_id, stream_id FROM effects ORDER BY n');

function startConsumer(): Promise<RunningConsumer> {
  return startStoreLogConsumer({
    store,
    db,
    groupId: GROUP,
    categories: ['Task'],
    contracts: loadContractRegistry(),
    pollIntervalMs: 20,
    handler: async (event, tx) => {
      const refused = await tx.query('SELECT 1 FROM refused WHERE stream_id = $1', [event.subject]);
      if (refused.length > 0) throw new PermanentMessageError(`stream ${event.subject} refused until fixed`);
      await tx.query('INSERT INTO effects (event_id, stream_id) VALUES ($1, $2)', [event.id, event.subject]);
    },
  });
}

beforeAll(async () => {
  database = await createTestDatabase('cli-dlq-embedded');
  db = postgresDatabase({ connectionString: database.url });
  store = await PostgresEventStore.open(db);
  env = { DATABASE_URL: database.url };
  await db.query('CREATE TABLE effects (n bigserial, event_id text NOT NULL, stream_id text NOT NULL)');
  await db.query(
    "CREATE TABLE refused (stream_id text PRIMARY KEY); INSERT INTO refused VALUES ('Task-bad')",
  );
  for (const id of ['g1', 'bad', 'g2']) {
    await store.append(
      `Task-${id}`,
      [0, 1, 2].map((n) => taskEvent(id, n)),
      'no-stream',
    );
  }
  const consumer = await startConsumer();
  await waitFor(
    async () =>
      Number((await db.query<{ n: string }>('SELECT count(*)::text AS n FROM messaging.dead_letters'))[0]?.n),
    (n) => n >= 3,
  );
  await waitFor(
    async () => (await effects()).length,
    (n) => n >= 6,
  );
  await consumer.stop();
}, 60_000);

afterAll(async () => {
  await store.close();
  await database.drop();
});

describe('carenet dlq, embedded mode (no KAFKA_BROKERS)', () => {
  it("lists and shows the store-log consumer's dead letters", async () => {
    const { code, stdout } = await carenet(['dlq', 'list', '--group', GROUP, '--json'], env);
    expect(code).toBe(0);
    const letters = jsonLines(stdout);
    expect(letters.map((l) => [l.subject, l.errorType, l.partition])).toEqual([
      ['Task-bad', 'PermanentMessageError', 0],
      ['Task-bad', 'PermanentMessageError', 0],
      ['Task-bad', 'PermanentMessageError', 0],
    ]);
    const shown = await carenet(['dlq', 'show', String(letters[1]?.id), '--group', GROUP, '--json'], env);
    expect(jsonLines(shown.stdout)[0]).toMatchObject({
      value: { taskId: 'bad' },
      headers: { ce_sequence: '1' },
    });
  });

  it('sends them back: the checkpoint goes back before the first, the consumer applies them once', async () => {
    await db.query('DELETE FROM refused');
    const dry = await carenet(['dlq', 'redrive', '--group', GROUP, '--dry-run', '--json'], env);
    expect(jsonLines(dry.stdout).at(-1)).toMatchObject({ summary: { sent: 3, dryRun: true } });
    expect(jsonLines((await carenet(['dlq', 'list', '--group', GROUP, '--json'], env)).stdout)).toHaveLength(
      3,
    );

    const { code, stderr } = await carenet(['dlq', 'redrive', '--group', GROUP], env);
    expect(code).toBe(0);
    expect(stderr).toMatch(
      new RegExp(
        `^sent 3 dead letters of group ${GROUP} back: consumer\\.${GROUP.replace('.', '\\.')} goes back from \\d+:\\d+ to \\d+:\\d+; `,
      ),
    );
    expect(jsonLines((await carenet(['dlq', 'list', '--group', GROUP, '--json'], env)).stdout)).toEqual([]);

    const consumer = await startConsumer();
    try {
      const applied = await waitFor(effects, (rows) => rows.length >= 9);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await effects()).toHaveLength(9);
      const bad = applied.filter((row) => row.stream_id === 'Task-bad').map((row) => row.event_id);
      expect(bad).toEqual((await store.readStream('Task-bad')).map((e) => e.id));
    } finally {
      await consumer.stop();
    }
  }, 60_000);

  it('refuses --to-topic without Kafka', async () => {
    const { code, stderr } = await carenet(['dlq', 'redrive', '--group', GROUP, '--to-topic', 'x'], env);
    expect(code).toBe(2);
    expect(stderr).toBe('carenet: --to-topic needs Kafka (KAFKA_BROKERS or --brokers)\n');
  });
});
