// `carenet projections status|rebuild` against a real PostgreSQL (issue 19): the Tasks read
// model, damaged, rebuilt from the log into what it was; an online rebuild while writes and
// searches run through the service (none fails, nothing is missing after the switch, the
// service's prepared statements keep working); a rebuild interrupted half-way, seen by status,
// resumed; two rebuilds of one projection at once.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Task } from 'fhir/r4.js';
import pg from 'pg';
import { patientKeyOfResource, PostgresAccessFacts, type Actor } from '@carenet/access';
import {
  postgresDatabase,
  rebuildOnline,
  type InlineProjection,
  type SqlDatabase,
  type SqlExecutor,
} from '@carenet/eventsourcing';
import {
  parseSearchRequest,
  PostgresSearchStore,
  SearchParameterRegistry,
  type RequestContext,
} from '@carenet/fhir';
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
const registry = SearchParameterRegistry.r4({ supported: { ...TASKS_SEARCH_SUPPORT } });

async function createTask(n: number): Promise<string> {
  const create = tasks.provider.create?.bind(tasks.provider);
  if (!create) throw new Error('the Task provider cannot create');
  const { resource } = await create(delegation(n), context);
  return resource.id ?? '';
}

beforeAll(async () => {
  database = await createTestDatabase('cli-projections');
  db = postgresDatabase({ connectionString: database.url });
  // Composed as the CLI (and the gateway) compose it: the patient of each resource, access facts.
  tasks = await openTasksService({
    db,
    search: await PostgresSearchStore.open(db, { patientKeyOf: patientKeyOfResource }),
    registry,
    accessFacts: new PostgresAccessFacts('access'),
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
      ['tasks-access-facts', 'inline', 0],
      ['tasks-relay', 'relay', Number(taskEvents?.n)],
      ['tasks.care-plan-actions', 'store-log consumer', 0],
    ]);
    expect(rows[0]?.position).toBe(rows[0]?.head);
    expect(rows[2]?.position).toBeNull();
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
      ['care-plans-access-facts', 'inline', 0, null],
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
      expect.objectContaining({ service: 'tasks', name: 'tasks-read-model', mode: 'online', events: 40 }),
      expect.objectContaining({ service: 'tasks', name: 'tasks-access-facts', mode: 'online', events: 40 }),
    ]);
    expect(await readModel(db)).toEqual(before);
    // Nothing left behind: no shadow table, no rebuild under way.
    expect(
      await db.query("SELECT relname FROM pg_class WHERE relname LIKE '%\\_rb%' AND relkind IN ('r', 'p')"),
    ).toEqual([]);
    expect(await db.query('SELECT projection FROM eventstore.projection_rebuilds')).toEqual([]);
  }, 60_000);

  it('runs while writes and searches go on: none fails, nothing is missing after the switch', async () => {
    // Enough Tasks for the rebuild to take a while under the load.
    for (let n = 1000; n < 1400; n += 8) {
      await Promise.all(Array.from({ length: 8 }, (_, i) => createTask(n + i)));
    }
    const known = new Set(
      (await db.query<{ id: string }>("SELECT id FROM fhir.resources WHERE resource_type = 'Task'")).map(
        (r) => r.id,
      ),
    );
    const search = tasks.provider.search?.bind(tasks.provider);
    const read = tasks.provider.read?.bind(tasks.provider);
    if (!search || !read) throw new Error('the Task provider cannot search or read');
    const byId = (id: string) => {
      const parsed = parseSearchRequest('Task', new URLSearchParams(`_id=${id}&_summary=count`), {
        registry,
        now: new Date(),
      });
      if (!parsed.ok) throw new Error('bad search');
      return parsed.request;
    };
    const failures: unknown[] = [];
    const created: string[] = [];
    let rebuilding = true;
    let n = 2000;
    const pause = () => new Promise((resolve) => setTimeout(resolve, 10));
    // Writers and readers through the service (its pool, its prepared statements), until the
    // rebuild has switched and a while after; each read or search is of a Task whose creation
    // has been answered: it must be found.
    const writer = async () => {
      while (rebuilding) {
        try {
          created.push(await createTask(n++));
        } catch (error) {
          failures.push(error);
        }
        await pause();
      }
    };
    const searcher = async () => {
      while (rebuilding) {
        const ids = [...known, ...created];
        const id = ids[Math.floor(Math.random() * ids.length)] ?? '';
        try {
          const [found, one] = await Promise.all([search(byId(id), context), read(id, context)]);
          if (found.total !== 1) failures.push(`search _id=${id} found ${found.total}`);
          if (one.resource.id !== id) failures.push(`read Task/${id} gave ${one.resource.id}`);
        } catch (error) {
          failures.push(error);
        }
        await pause();
      }
    };
    const load = Promise.all([writer(), writer(), searcher(), searcher()]);
    const rebuild = await carenet(['projections', 'rebuild', 'tasks', 'tasks-read-model'], env);
    const during = created.length;
    // The service after the switch: its pooled connections' prepared statements replanned.
    await new Promise((resolve) => setTimeout(resolve, 300));
    rebuilding = false;
    await load;
    expect({ code: rebuild.code }).toEqual({ code: 0 });
    expect(rebuild.stderr).toMatch(
      /^tasks-read-model: rebuilt from \d+ events in [\d.]+ s \([\d,]+ ev\/s\); the switch held the log \d+ ms\n$/,
    );
    expect(failures).toEqual([]);
    expect(during).toBeGreaterThan(0);
    expect(created.length).toBeGreaterThan(during);
    const total = known.size + created.length;
    expect(await searchCount(db)).toBe(total);
    expect(await db.query('SELECT task_id FROM tasks.task_state')).toHaveLength(total);
    // What the rebuild produced, with what was written during it, is what the log says: a second
    // rebuild (with no load) changes nothing.
    const after = await readModel(db);
    expect((await carenet(['projections', 'rebuild', 'tasks', 'tasks-read-model'], env)).code).toBe(0);
    expect(await readModel(db)).toEqual(after);
  }, 120_000);

  it('resumes a rebuild interrupted half-way (status shows where it stands)', async () => {
    const before = await readModel(db);
    const projection: InlineProjection | undefined = tasks.store.inlineProjections.find(
      (p) => p.name === 'tasks-read-model',
    );
    if (projection === undefined) throw new Error('no tasks-read-model');
    let batches = 0;
    await expect(
      rebuildOnline(db, projection, {
        readBatch: 50,
        bulkRows: 100,
        beforeBatch: () => {
          if (++batches === 4) throw new Error('interrupted');
        },
      }),
    ).rejects.toThrow('interrupted');
    const [status] = jsonLines(
      (await carenet(['projections', 'status', 'tasks', 'tasks-read-model', '--json'], env)).stdout,
    );
    expect(status?.rebuild).toEqual(
      expect.objectContaining({ phase: 'bulk', lag: expect.any(Number) as unknown }),
    );
    const { code, stdout } = await carenet(
      ['projections', 'rebuild', 'tasks', 'tasks-read-model', '--json'],
      env,
    );
    expect(code).toBe(0);
    const [report] = jsonLines(stdout);
    expect(report).toEqual(expect.objectContaining({ resumed: true, mode: 'online' }));
    const [{ n } = { n: '0' }] = await db.query<{ n: string }>(
      "SELECT count(*)::text AS n FROM eventstore.events WHERE category = 'Task'",
    );
    // It did not start over: the streams written before the interruption are not read again.
    expect(report?.events).toBeLessThan(Number(n));
    expect(await readModel(db)).toEqual(before);
  }, 60_000);

  it('waits for a long reader at the switch: gives up its locks, catches up, tries again', async () => {
    const before = await readModel(db);
    const projection = tasks.store.inlineProjections.find((p) => p.name === 'tasks-read-model');
    if (projection === undefined) throw new Error('no tasks-read-model');
    const reader = new pg.Client({ connectionString: database.url });
    await reader.connect();
    try {
      // A reader in a transaction that has read the Task partition: the switch cannot take it.
      await reader.query('BEGIN');
      await reader.query("SELECT count(*) FROM fhir.resources WHERE resource_type = 'Task'");
      let attempts = 0;
      let retried: () => void = () => undefined;
      const firstRetry = new Promise<void>((resolve) => (retried = resolve));
      const rebuilt = rebuildOnline(db, projection, {
        lockTimeoutMs: 50,
        onSwitchRetry: () => {
          retried();
        },
        onProgress: (phase) => {
          if (phase === 'switch') attempts++;
        },
      });
      // Once the switch has given up at least once, the reader ends (its transaction untouched).
      await firstRetry;
      await reader.query("SELECT count(*) FROM fhir.resources WHERE resource_type = 'Task'");
      await reader.query('COMMIT');
      const report = await rebuilt;
      expect(report.switchAttempts).toBeGreaterThan(1);
      expect(attempts).toBe(1);
    } finally {
      await reader.end();
    }
    expect(await readModel(db)).toEqual(before);
  }, 60_000);

  it("covers shared-info's read models: online where they name their tables, locked otherwise", async () => {
    const status = jsonLines((await carenet(['projections', 'status', 'shared-info', '--json'], env)).stdout);
    const inline = status.filter((r) => r.kind === 'inline').map((r) => r.name);
    expect(inline).toEqual(
      expect.arrayContaining(['shared-info-read-model-Patient', 'shared-info-read-model-Consent']),
    );
    const { code, stdout } = await carenet(['projections', 'rebuild', 'shared-info', '--json'], env);
    expect(code).toBe(0);
    const modes: Record<string, unknown> = Object.fromEntries(
      jsonLines(stdout).map((r): [string, unknown] => [String(r.name), r.mode]),
    );
    expect(Object.keys(modes)).toEqual(inline);
    expect(modes['shared-info-read-model-Consent']).toBe('online');
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
      'no read models of service "billing" known to the CLI (one of tasks, care-plans, shared-info)',
    ],
    [
      ['rebuild', 'tasks', 'nope'],
      'no projection "nope" in service tasks (tasks-read-model, tasks-access-facts)',
    ],
    [['status', 'tasks', 'nope'], 'no projection "nope" in service tasks'],
  ])('refuses %j with exit code 2', async (args, message) => {
    const { code, stderr } = await carenet(['projections', ...args], env);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
  });
});
