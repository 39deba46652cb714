// The CLI on the embedded PGlite store, and as a real process (issue 19): exit codes, one-line
// errors, no stack trace, and a process that ends once its work is done.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PGlite } from '@electric-sql/pglite';
import { PostgresEventStore, pgliteDatabase, postgresDatabase } from '@carenet/eventsourcing';
import { createTestDatabase, repositoryRoot, type TestDatabase } from '@carenet/testing';
import { carenet, jsonLines, taskEvent } from './support/cli-harness.js';

let dataDir: string;
let database: TestDatabase;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'carenet-cli-embedded-'));
  // What the gateway leaves in its data directory: a PGlite store under pglite/.
  const store = await PostgresEventStore.open(pgliteDatabase(await PGlite.create(join(dataDir, 'pglite'))));
  await store.append(
    'Task-e1',
    [0, 1].map((n) => taskEvent('e1', n)),
    'no-stream',
  );
  await store.append('Task-e2', [taskEvent('e2', 0)], 'no-stream');
  await store.close();
  database = await createTestDatabase('cli-process');
  const pgStore = await PostgresEventStore.open(postgresDatabase({ connectionString: database.url }));
  await pgStore.append('Task-p1', [taskEvent('p1', 0)], 'no-stream');
  await pgStore.close();
}, 60_000);

afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
  await database.drop();
});

describe('the embedded PGlite store (gateway stopped)', () => {
  it('is read from CARENET_DATA_DIR or --data-dir', async () => {
    const fromEnv = await carenet(['streams', 'list', '--json'], { CARENET_DATA_DIR: dataDir });
    expect(fromEnv.code).toBe(0);
    expect(jsonLines(fromEnv.stdout).map((s) => [s.streamId, s.events])).toEqual([
      ['Task-e1', 2],
      ['Task-e2', 1],
    ]);
    const verify = await carenet(['events', 'verify', '--data-dir', dataDir]);
    expect(verify.code).toBe(0);
    expect(verify.stderr).toMatch(/^3 events in 2 streams checked .*no problem found\n$/);
    const tail = await carenet(['log', 'tail', '--data-dir', dataDir, '--json']);
    expect(jsonLines(tail.stdout).map((e) => e.streamId)).toEqual(['Task-e1', 'Task-e1', 'Task-e2']);
  });
});

/** Runs the built binary (`pnpm build` first) as its own process. */
function run(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(repositoryRoot(), 'packages/cli/dist/src/main.js'), ...args],
      { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 30_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ code, stdout, stderr, ms: Date.now() - started });
      },
    );
  });
}

describe('the carenet process', () => {
  it('prints what it read and ends', async () => {
    const { code, stdout, stderr } = await run(['streams', 'show', 'Task-p1', '--json'], {
      DATABASE_URL: database.url,
    });
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(jsonLines(stdout).map((e) => e.type)).toEqual(['TaskReceived']);
  });

  it.each([
    [
      ['streams', 'list'],
      { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/x' },
      3,
      /^carenet: cannot reach the database: /,
    ],
    [
      ['consumers', 'list'],
      { KAFKA_BROKERS: '127.0.0.1:1' },
      3,
      /^carenet: cannot reach the Kafka brokers 127\.0\.0\.1:1: /,
    ],
    [['consumers', 'list'], {}, 2, /^carenet: no Kafka brokers: set KAFKA_BROKERS or give --brokers\n$/],
    [['streams', 'show', 'Task-nope'], 'db', 2, /^carenet: no stream "Task-nope" in the store\n$/],
    [['log', 'tail', '--from', 'noon'], 'db', 2, /^carenet: --from takes an ISO 8601 instant/],
  ] as const)(
    '%j exits with the code it means, one line on stderr, no stack trace',
    async (args, env, expected, message) => {
      const { code, stdout, stderr } = await run(
        [...args],
        env === 'db' ? { DATABASE_URL: database.url } : { ...env },
      );
      expect(code).toBe(expected);
      expect(stdout).toBe('');
      expect(stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(stderr).toMatch(message);
      expect(stderr).not.toMatch(/\n\s+at /);
    },
  );
});
