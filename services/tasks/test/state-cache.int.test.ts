// The Task states cached in a process (commands decide without reading the stream, the read model
// evolves without reading its row) give the read model a rebuild from the log gives, also when a
// second process (a second service on the same database) moves Tasks behind the first one's back.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Parameters, Task } from 'fhir/r4.js';
import type { Actor } from '@carenet/access';
import { PreconditionFailedError, type SqlExecutor } from '@carenet/eventsourcing';
import { PostgresSearchStore, SearchParameterRegistry, type RequestContext } from '@carenet/fhir';
import { openTasksService, TASKS_SEARCH_SUPPORT, type TasksService } from '../src/index.js';
import { IDNPS, INS, professional, startTasksServer, type TasksServer } from './support/tasks-server.js';

const GP = professional('810000000001', '10', 'Dr Anne Martin');
const NURSE = professional('810000000002', '60', 'Nina Leroy');
const REPLACEMENT = professional('810000000003', '60', 'Paul Durand');

const contextOf = (actor: Actor): RequestContext => ({
  baseUrl: 'http://test/fhir',
  requestId: 'state-cache',
  principal: { actor, allows: () => true },
});

const delegation = (n: number): Task => ({
  resourceType: 'Task',
  status: 'requested',
  intent: 'order',
  priority: 'routine',
  code: { text: `act ${n}` },
  for: { identifier: { system: INS, value: `2790351215189${String(n).padStart(2, '0')}` } },
  owner: { identifier: { system: IDNPS, value: '810000000002' } },
  restriction: { period: { end: '2026-06-30T18:00:00.000Z' } },
});

/** Everything the Tasks read model holds, in a stable order. */
async function readModel(db: SqlExecutor): Promise<unknown[]> {
  return [
    await db.query(
      `SELECT task_id, revision, last_updated, state, overdue_at, care_plan_action, owner_system,
              owner_value, status, priority_rank, period_start
         FROM tasks.task_state ORDER BY task_id`,
    ),
    await db.query(
      `SELECT id, version_id, content FROM fhir.resources WHERE resource_type = 'Task' ORDER BY id`,
    ),
    await db.query(
      `SELECT id, version_id, content FROM fhir.resource_history WHERE resource_type = 'Task' ORDER BY id, version_id`,
    ),
    await db.query(
      `SELECT id, param, system, code FROM fhir.token_index WHERE resource_type = 'Task' ORDER BY 1, 2, 3, 4`,
    ),
    await db.query(
      `SELECT id, param, identifier_system, identifier_value FROM fhir.reference_index
        WHERE resource_type = 'Task' ORDER BY 1, 2, 3, 4`,
    ),
  ];
}

describe('Task states cached in the process', () => {
  let server: TasksServer;
  /** A second service on the same database: another process, with its own cache. */
  let other: TasksService;

  beforeAll(async () => {
    server = await startTasksServer('tasks-state-cache');
    const registry = SearchParameterRegistry.r4({ supported: { ...TASKS_SEARCH_SUPPORT } });
    other = await openTasksService({
      db: server.db,
      search: await PostgresSearchStore.open(server.db),
      registry,
      clock: () => server.now,
      overdueIntervalMs: false,
    });
  });
  afterAll(async () => {
    await other.stop();
    await server.close();
  });

  it('keeps the read model a rebuild from the log gives, with two processes writing', async () => {
    const here = server.tasks.provider;
    const there = other.provider;
    const create = here.create?.bind(here);
    const update = here.update?.bind(here);
    const updateThere = there.update?.bind(there);
    const read = here.read?.bind(here);
    if (!create || !update || !updateThere || !read)
      throw new Error('the Task provider lacks an interaction');
    const gp = contextOf(GP);
    const nurse = contextOf(NURSE);

    const ids: string[] = [];
    for (let n = 0; n < 6; n++) {
      const { resource } = await create(delegation(n), gp);
      ids.push(resource.id ?? '');
    }
    const [a = '', b = '', c = ''] = ids;
    // Here: accepted then started, each following the version it saw (cached, no stream read).
    let seen = await read(a, nurse);
    ({ stored: seen } = await update(
      a,
      { ...seen.resource, status: 'accepted' },
      { ifMatch: seen.versionId },
      nurse,
    ));
    await update(a, { ...seen.resource, status: 'in-progress' }, { ifMatch: seen.versionId }, nurse);

    // There: b accepted behind this process's back; here still caches b at version 1.
    const before = await read(b, nurse);
    const accepted = await updateThere(
      b,
      { ...before.resource, status: 'accepted' },
      { ifMatch: before.versionId },
      nurse,
    );
    // If-Match of the version this process cached: stale, 412.
    await expect(
      update(b, { ...before.resource, status: 'received' }, { ifMatch: before.versionId }, nurse),
    ).rejects.toBeInstanceOf(PreconditionFailedError);
    // If-Match of the version the other process wrote: decided on the stream as read.
    const started = await update(
      b,
      { ...accepted.stored.resource, status: 'in-progress' },
      { ifMatch: accepted.stored.versionId },
      nurse,
    );
    expect(started.stored).toMatchObject({ versionId: '3', resource: { status: 'in-progress' } });
    // Without If-Match, on a stale cached state: the lost race is decided again on the stream.
    const cBefore = await read(c, nurse);
    await updateThere(c, { ...cBefore.resource, status: 'received' }, {}, nurse);
    const noted = await update(
      c,
      { ...cBefore.resource, status: 'received', note: [{ text: 'vu' }] },
      {},
      gp,
    );
    expect(noted.stored).toMatchObject({
      versionId: '3',
      resource: { status: 'received', note: [{ text: 'vu' }] },
    });
    // Accepted there: the request is frozen, whatever this process cached.
    await updateThere(c, { ...noted.stored.resource, status: 'accepted' }, {}, nurse);
    await expect(
      update(c, { ...noted.stored.resource, status: 'accepted', note: [{ text: 'changé' }] }, {}, gp),
    ).rejects.toMatchObject({ message: expect.stringContaining('frozen') });
    // A transfer (an operation) by the nurse, of a Task she accepted, cached here.
    const d = await read(ids[3] ?? '', nurse);
    await update(d.resource.id ?? '', { ...d.resource, status: 'accepted' }, { ifMatch: d.versionId }, nurse);
    const transfer: Parameters = {
      resourceType: 'Parameters',
      parameter: [
        { name: 'owner', valueReference: { identifier: { system: IDNPS, value: '810000000003' } } },
        { name: 'reason', valueString: 'congé' },
        { name: 'responsibilityMoves', valueBoolean: false },
      ],
    };
    await here.operations?.transfer?.handler(
      { id: ids[3] ?? '', method: 'POST', query: new URLSearchParams(), parameters: transfer },
      nurse,
    );

    const live = await readModel(server.db);
    const applied = await server.tasks.store.rebuildProjection('tasks-read-model');
    expect(applied).toBeGreaterThanOrEqual(ids.length);
    expect(await readModel(server.db)).toEqual(live);
    const replacement = await read(ids[3] ?? '', contextOf(REPLACEMENT));
    expect(replacement.resource.owner?.identifier?.value).toBe('810000000003');
  });
});
