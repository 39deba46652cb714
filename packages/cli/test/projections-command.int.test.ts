// `carenet projections status|rebuild` against a real PostgreSQL (issue 19): the Tasks read
// model, damaged, rebuilt from the log into what it was; a rebuild while writes and searches run
// (none fails, nothing is missing after the switch); two rebuilds of one projection at once.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Task } from 'fhir/r4.js';
import pg from 'pg';
import type { Actor } from '@carenet/access';
import { postgresDatabase, type SqlDatabase, type SqlExecutor } from '@carenet/eventsourcing';
import { PostgresSearchStore, SearchParameterRegistry, type RequestContext } from '@carenet/fhir';
import { openTasksService, TASKS_SEARCH_SUPPORT, type TasksService } from '@carenet/tasks';
import { createTestDatabase, type TestDatabase } from '@carenet/testing';
import { carenet, jsonLines } from './support/cli-harness.js';

const IDNPS = 'urn:oid:1.2.250.1.71.4.2.1';
const INS = 'urn:oid:1.2.250.1.213.1.4.8';
const GP: Actor = {
  kind: 'professional',
  identifier: { system: IDNPS, value: '810000000001' },
  profession: {
    system: 'https://mos.esante.gouv.fr/NOS/TRE_G15-ProfessionSante/FHIR/TRE-G15-ProfessionSante',
    code: '10',
  },
  sector: 'primary-care',
  name: 'Dr Anne Martin',
};
const context: RequestContext = {
  baseUrl: 'http://test/fhir',
  requestId: 'cli-projections',
  principal: { actor: GP, allows: () => true },
};

const delegation = (n: number): Task => ({
  resourceType: 'Task',
  status: 'requested',
  intent: 'order',
  priority: 'routine',
  code: { text: `act ${n}` },
  for: { identifier: { system: INS, value: `2790351215${String(n).padStart(5, '0')}` } },
  owner: { identifier: { system: IDNPS, value: '810000000002' } },
});

/** What the Tasks read model holds, in a stable order (the state rows, the FHIR search rows). */
async function readModel(db: SqlExecutor): Promise<unknown[]> {
  return [
    await db.query(
      `SELECT task_id, revision, last_updated, state, status, owner_value FROM tasks.task_state ORDER BY task_id`,
    ),
    await db.query(
      `SELECT id, version_id, content FROM fhir.resources WHERE resource_type = 'Task' ORDER BY id`,
    ),
    await db.query(
      `SELECT id, param, system, code FROM fhir.token_index WHERE resource_type = 'Task' ORDER BY 1, 2, 3, 4`,
    ),
  ];
}

const searchCount = async (db: SqlExecutor) =>
  Number(
    (
      await db.query<{ n: string }>(
        `SELECT count(*)::text AS n FROM fhir.resources WHERE resource_type = 'Task'`,
      )
    )[0]?.n,
  );

let database: TestDatabase;
let db: SqlDatabase;
let tasks: TasksService;
let env: Record<string, string>;

async function createTask(n: number): Promise<string> {
  const create = tasks.provider.create?.bind(tasks.provider);
  if (!create) throw new Error('the Task provider cannot create');
  const { resource } = await create(delegation(n), context);
  return resource.id ?? '';
}

beforeAll(async () => {
  database = await createTestDatabase('cli-projections');
  db = postgresDatabase({ connectionString: database.url });
  tasks = await openTasksService({
    db,
    search: await PostgresSearchStore.open(db),
    registry: SearchParameterRegistry.r4({ supported: { ...TASKS_SEARCH_SUPPORT } }),
    overdueIntervalMs: false,
  });
  env = { DATABASE_URL: database.url };
  for (let n = 0; n < 40; n++) await createTask(n);
}, 120_000);

afterAll(async () => {
  await tasks.stop();
  await db.close();
  await database.drop();
});

describe('carenet projections status', () => {
  it("shows the inline read model at the head of the log, and the readers' lag", async () => {
    const { code, stdout } = await carenet(['projections', 'status', 'tasks', '--json'], env);
    expect(code).toBe(0);
    const rows = jsonLines(stdout);
    const [taskEvents] = await db.query<{ n: string; head: string }>(
      `SELECT (SELECT count(*)::text FROM eventstore.events WHERE category = 'Task') AS n,
              (SELECT transaction_id::text || ':' || global_position::text FROM eventstore.events
                WHERE category = 'Task' ORDER BY transaction_id DESC, global_position DESC LIMIT 1) AS head`,
    );
    expect(rows.map((r) => [r.name, r.kind, r.lag])).toEqual([
      ['tasks-read-model', 'inline', 0],
      ['tasks-relay', 'relay', Number(taskEvents?.n)],
      ['tasks.care-plan-actions', 'store-log consumer', 0],
    ]);
    expect(rows[0]?.position).toBe(rows[0]?.head);
    expect(rows[1]?.position).toBeNull();
    // A relay half-way: its lag is what is after its checkpoint.
    const [fifth] = await db.query<{ position: string }>(
      `SELECT transaction_id::text || ':' || global_position::text AS position FROM eventstore.events
        WHERE category = 'Task' ORDER BY transaction_id, global_position OFFSET 4 LIMIT 1`,
    );
    await db.query(
      "INSERT INTO eventstore.checkpoints (subscription_id, position) VALUES ('relay.tasks-relay', $1)",
      [fifth?.position],
    );
    const half = jsonLines(
      (await carenet(['projections', 'status', 'tasks', 'tasks-relay', '--json'], env)).stdout,
    );
    const carePlans = jsonLines(
      (await carenet(['projections', 'status', 'care-plans', '--json'], env)).stdout,
    );
    expect(carePlans.map((r) => [r.name, r.kind, r.lag, r.head])).toEqual([
      ['care-plans-read-model-CarePlan', 'inline', 0, null],
      ['care-plans-read-model-CareTeam', 'inline', 0, null],
      ['care-plans-read-model-Goal', 'inline', 0, null],
      ['care-plans-relay', 'relay', 0, null],
      ['care-plans.task-progress', 'store-log consumer', Number(taskEvents?.n), taskEvents?.head],
    ]);
    expect(half).toEqual([
      expect.objectContaining({
        name: 'tasks-relay',
        position: fifth?.position,
        lag: Number(taskEvents?.n) - 5,
      }),
    ]);
  });
});

describe('carenet projections rebuild', () => {
  it('rebuilds a damaged read model from the log into what it was', async () => {
    const before = await readModel(db);
    await db.query(
      `DELETE FROM tasks.task_state WHERE task_id IN (SELECT task_id FROM tasks.task_state LIMIT 5)`,
    );
    await db.query(
      `UPDATE fhir.resources SET content = '{"resourceType":"Task"}' WHERE resource_type = 'Task'`,
    );
    expect(await readModel(db)).not.toEqual(before);
    const { code, stdout, stderr } = await carenet(['projections', 'rebuild', 'tasks', '--json'], env);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(jsonLines(stdout)).toEqual([
      expect.objectContaining({ service: 'tasks', name: 'tasks-read-model', events: 40 }),
    ]);
    expect(await readModel(db)).toEqual(before);
  }, 60_000);

  it('runs while writes and searches go on: none fails, nothing is missing after the switch', async () => {
    const before = await searchCount(db);
    const rebuild = carenet(['projections', 'rebuild', 'tasks', 'tasks-read-model'], env);
    const writes = Promise.allSettled(Array.from({ length: 20 }, (_, i) => createTask(100 + i)));
    const seen: number[] = [];
    const searching = (async () => {
      for (let i = 0; i < 30; i++) {
        seen.push(await searchCount(db));
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    const [done, written] = await Promise.all([rebuild, writes, searching]);
    expect(done.code).toBe(0);
    expect(done.stderr).toMatch(/^tasks-read-model: rebuilt from \d+ events in [\d.]+ s \([\d,]+ ev\/s\)\n$/);
    expect(written.filter((w) => w.status === 'rejected')).toEqual([]);
    expect(Math.min(...seen)).toBeGreaterThanOrEqual(before);
    expect(await searchCount(db)).toBe(before + 20);
    const states = await db.query('SELECT task_id FROM tasks.task_state');
    expect(states).toHaveLength(before + 20);
  }, 60_000);

  it('refuses a second rebuild of the same projection (exit code 5)', async () => {
    const holder = new pg.Client({ connectionString: database.url });
    await holder.connect();
    try {
      await holder.query("SELECT pg_advisory_lock(hashtext('carenet.rebuild.tasks-read-model'))");
      const { code, stderr } = await carenet(['projections', 'rebuild', 'tasks'], env);
      expect(code).toBe(5);
      expect(stderr).toBe('carenet: a rebuild of tasks-read-model is already running on this database\n');
    } finally {
      await holder.end();
    }
  }, 60_000);

  it.each([
    [
      ['rebuild', 'billing'],
      'no read models of service "billing" known to the CLI (one of tasks, care-plans)',
    ],
    [['rebuild', 'tasks', 'nope'], 'no projection "nope" in service tasks (tasks-read-model)'],
    [['status', 'tasks', 'nope'], 'no projection "nope" in service tasks'],
  ])('refuses %j with exit code 2', async (args, message) => {
    const { code, stderr } = await carenet(['projections', ...args], env);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
  });
});
