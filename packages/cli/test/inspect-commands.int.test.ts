// `carenet streams list|show`, `carenet log tail`, `carenet events verify` against a real
// PostgreSQL store (issue 19).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from '@carenet/testing';
import { PostgresEventStore, postgresDatabase } from '@carenet/eventsourcing';
import { carenet, jsonLines, taskEvent } from './support/cli-harness.js';

let database: TestDatabase;
let store: PostgresEventStore;
let env: Record<string, string>;
let middle: string;

beforeAll(async () => {
  database = await createTestDatabase('cli-inspect');
  store = await PostgresEventStore.open(postgresDatabase({ connectionString: database.url }));
  env = { DATABASE_URL: database.url };
  await store.append(
    'Task-a',
    [0, 1, 2].map((n) => taskEvent('a', n)),
    'no-stream',
  );
  await store.append('Task-b', [taskEvent('b', 0)], 'no-stream');
  await store.append(
    'CarePlan-p',
    [{ id: randomUUID(), type: 'CarePlanNoted', data: { anything: true } }],
    'no-stream',
  );
  await new Promise((resolve) => setTimeout(resolve, 30));
  middle = new Date().toISOString();
  await new Promise((resolve) => setTimeout(resolve, 30));
  await store.append('Task-b', [taskEvent('b', 1)], 0);
});

afterAll(async () => {
  await store.close();
  await database.drop();
});

describe('carenet streams list', () => {
  it('prints a table of every stream with its number of events', async () => {
    const { code, stdout, stderr } = await carenet(['streams', 'list'], env);
    expect(code).toBe(0);
    const rows = stdout.split('\n').filter((line) => /(Task|CarePlan)-/.test(line));
    expect(
      rows.map((row) =>
        row
          .split(/\s*│\s*|\s*\|\s*/)
          .filter(Boolean)
          .slice(0, 3),
      ),
    ).toEqual([
      ['CarePlan-p', 'CarePlan', '1'],
      ['Task-a', 'Task', '3'],
      ['Task-b', 'Task', '2'],
    ]);
    expect(stderr).toBe('3 streams\n');
  });

  it('filters by category or service, as JSON lines', async () => {
    const byCategory = await carenet(['streams', 'list', '--category', 'Task', '--json'], env);
    expect(jsonLines(byCategory.stdout).map((s) => [s.streamId, s.events, s.revision])).toEqual([
      ['Task-a', 3, 2],
      ['Task-b', 2, 1],
    ]);
    const byService = await carenet(['streams', 'list', '--service', 'care-plans', '--json'], env);
    expect(jsonLines(byService.stdout).map((s) => s.streamId)).toEqual(['CarePlan-p']);
    const limited = await carenet(['streams', 'list', '--limit', '1', '--json'], env);
    expect(jsonLines(limited.stdout)).toHaveLength(1);
  });

  it.each([
    [['--service', 'billing'], 'unknown service "billing"'],
    [['--service', 'tasks', '--category', 'CarePlan'], 'service tasks does not publish category CarePlan'],
    [['--limit', 'lots'], '--limit takes a positive whole number'],
  ])('refuses %j with exit code 2', async (args, message) => {
    const { code, stdout, stderr } = await carenet(['streams', 'list', ...args], env);
    expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
    expect(stderr).toContain(message);
  });
});

describe('carenet streams show', () => {
  it("prints a stream's events from a revision, as JSON lines with data and metadata", async () => {
    const { code, stdout } = await carenet(
      ['streams', 'show', 'Task-a', '--from-revision', '1', '--json'],
      env,
    );
    expect(code).toBe(0);
    const events = jsonLines(stdout);
    expect(events.map((e) => [e.revision, e.type])).toEqual([
      [1, 'TaskAccepted'],
      [2, 'TaskStarted'],
    ]);
    expect(events[0]).toMatchObject({ streamId: 'Task-a', data: { taskId: 'a' }, metadata: {} });
    expect(events[0]?.position).toMatch(/^\d+:\d+$/);
  });

  it('prints a table for humans and says how many events it shows', async () => {
    const { code, stdout, stderr } = await carenet(['streams', 'show', 'Task-a', '--to-revision', '1'], env);
    expect(code).toBe(0);
    expect(stdout).toContain('TaskReceived');
    expect(stdout).toContain('TaskAccepted');
    expect(stdout).not.toContain('TaskStarted');
    expect(stderr).toBe('2 of 3 events of Task-a\n');
  });

  it('refuses an unknown stream with exit code 2, in one line', async () => {
    const { code, stderr } = await carenet(['streams', 'show', 'Task-nope'], env);
    expect(code).toBe(2);
    expect(stderr).toBe('carenet: no stream "Task-nope" in the store\n');
  });
});

describe('carenet log tail', () => {
  it('prints the last events of the log in log order', async () => {
    const { code, stdout } = await carenet(['log', 'tail', '--last', '2', '--json'], env);
    expect(code).toBe(0);
    expect(jsonLines(stdout).map((e) => `${String(e.streamId)}@${String(e.revision)}`)).toEqual([
      'CarePlan-p@0',
      'Task-b@1',
    ]);
  });

  it('starts at an instant, or after a position, within categories', async () => {
    const since = await carenet(['log', 'tail', '--from', middle, '--json'], env);
    expect(jsonLines(since.stdout).map((e) => e.streamId)).toEqual(['Task-b']);
    const all = jsonLines((await carenet(['log', 'tail', '--from', 'start', '--json'], env)).stdout);
    expect(all).toHaveLength(6);
    const afterSecond = await carenet(
      ['log', 'tail', '--from', String(all[1]?.position), '--category', 'Task', '--json'],
      env,
    );
    expect(jsonLines(afterSecond.stdout).map((e) => `${String(e.streamId)}@${String(e.revision)}`)).toEqual([
      'Task-a@2',
      'Task-b@0',
      'Task-b@1',
    ]);
    const human = await carenet(['log', 'tail', '--from', 'start', '--limit', '1'], env);
    expect(human.stdout).toMatch(
      /^\S+ {2}\d+:\d+ +Task-a@0 {2}TaskReceived {2}\{"at":"2026-12-07T10:00:00.000Z",.*…\n$/,
    );
  });

  it('follows the log: prints events committed after it started', async () => {
    const running = carenet(
      ['log', 'tail', '--last', '1', '--follow', '--limit', '3', '--poll-ms', '20', '--json'],
      env,
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    await store.append('Task-c', [taskEvent('c', 0), taskEvent('c', 1)], 'no-stream');
    const { code, stdout } = await running;
    expect(code).toBe(0);
    expect(jsonLines(stdout).map((e) => `${String(e.streamId)}@${String(e.revision)}`)).toEqual([
      'Task-b@1',
      'Task-c@0',
      'Task-c@1',
    ]);
  });

  it.each([
    [['--from', 'yesterday'], '--from takes an ISO 8601 instant'],
    [['--from', '2026-13-45'], '--from takes an ISO 8601 instant'],
    [['--last', '0'], '--last takes a positive whole number'],
  ])('refuses %j with exit code 2', async (args, message) => {
    const { code, stderr } = await carenet(['log', 'tail', ...args], env);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
  });
});

describe('carenet events verify', () => {
  it('finds a sound store sound: exit code 0 and a summary', async () => {
    const db = await createTestDatabase('cli-verify-ok');
    const sound = await PostgresEventStore.open(postgresDatabase({ connectionString: db.url }));
    try {
      for (let i = 0; i < 30; i++) {
        await sound.append(
          `Task-${i}`,
          [0, 1, 2, 3].map((n) => taskEvent(String(i), n)),
          'no-stream',
        );
      }
      const { code, stdout, stderr } = await carenet(['events', 'verify'], { DATABASE_URL: db.url });
      expect({ code, stdout }).toEqual({ code: 0, stdout: '' });
      expect(stderr).toMatch(
        /^120 events in 30 streams checked in [\d.]+ s \([\d,]+ ev\/s\): no problem found\n$/,
      );
    } finally {
      await sound.close();
      await db.drop();
    }
  });

  it('prints every broken invariant and exits with 4', async () => {
    // The store of the other tests (10 events) holds an event of no contract (CarePlanNoted); break more.
    await store.db.query(
      `INSERT INTO eventstore.events (stream_id, stream_revision, category, event_id, event_type, data, metadata)
       VALUES ('Task-a', 5, 'Task', $1, 'TaskCompleted', '{"taskId":"a"}', '{}'),
              ('Order-1', 0, 'Order', $2, 'OrderPlaced', '{}', '{}')`,
      [randomUUID(), randomUUID()],
    );
    const { code, stdout, stderr } = await carenet(['events', 'verify', '--json'], env);
    expect(code).toBe(4);
    const lines = jsonLines(stdout);
    const problems = lines.filter((line) => line.kind !== undefined);
    expect(problems.map((p) => [p.kind, p.streamId, p.revision ?? null]).sort()).toEqual(
      [
        ['contract', 'CarePlan-p', 0],
        ['contract', 'Task-a', 5],
        ['no-context', 'Order-1', 0],
        ['revision-gap', 'Task-a', 5],
        ['stream-missing', 'Order-1', 0],
        ['stream-revision', 'Task-a', null],
      ].sort(),
    );
    expect(problems.find((p) => p.kind === 'contract' && p.streamId === 'Task-a')?.message).toContain(
      '/by is required',
    );
    expect(lines.at(-1)).toMatchObject({ summary: { events: 10, problems: 6 } });
    expect(stderr).toContain('6 problems found in PostgreSQL at');
  });
});

describe('connections', () => {
  it('says in one line that the database cannot be reached, exit code 3', async () => {
    const { code, stderr } = await carenet(['streams', 'list'], {
      DATABASE_URL: 'postgres://postgres@127.0.0.1:1/nothing',
    });
    expect(code).toBe(3);
    expect(stderr).toMatch(/^carenet: cannot reach the database: .*\n$/);
  });

  it('refuses a database without an event store, and an embedded directory without a store', async () => {
    const empty = await createTestDatabase('cli-empty');
    try {
      const pg = await carenet(['streams', 'list'], { DATABASE_URL: empty.url });
      expect(pg.code).toBe(2);
      expect(pg.stderr).toMatch(/^carenet: no carenet event store in PostgreSQL at .*\n$/);
    } finally {
      await empty.drop();
    }
    const embedded = await carenet(['streams', 'list', '--data-dir', '/tmp/carenet-cli-nothing-here']);
    expect(embedded.code).toBe(2);
    expect(embedded.stderr).toBe(
      'carenet: no embedded store in /tmp/carenet-cli-nothing-here/pglite (give DATABASE_URL or --database-url for PostgreSQL, or --data-dir)\n',
    );
  });

  it('shows help with an example for every verb', async () => {
    const verbs = [
      ['token'],
      ['streams', 'list'],
      ['streams', 'show'],
      ['log', 'tail'],
      ['events', 'verify'],
      ['republish'],
      ['consumers', 'list'],
      ['consumers', 'lag'],
      ['consumers', 'reset'],
      ['dlq', 'list'],
      ['dlq', 'show'],
      ['dlq', 'redrive'],
      ['projections', 'status'],
      ['projections', 'rebuild'],
    ];
    for (const verb of verbs) {
      const { code, stdout } = await carenet([...verb, '--help']);
      expect({ verb, code, example: stdout.includes(`$ `) && stdout.includes('carenet ') }).toEqual({
        verb,
        code: 0,
        example: true,
      });
    }
    const top = await carenet(['--help']);
    expect(top.stdout).toContain('Exit codes: 0 done, 1 failed, 2 refused');
  });
});
