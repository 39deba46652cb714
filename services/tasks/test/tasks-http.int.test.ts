// The Tasks service over HTTP with fhir-kit-client, on a real PostgreSQL, with dev-issuer tokens:
// a delegation from a GP to a nurse through its life, the nurse's work queue, scenario S4 (transfer
// on leave), concurrent accepts, the rules as 4xx OperationOutcomes, and the overdue clock.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Bundle, OperationOutcome, Parameters, Task } from 'fhir/r4.js';
import type { Client, FhirResource } from 'fhir-kit-client';
import { COOPERATION_MODE_SYSTEM, startOverdueClock, TASK_EXTENSIONS } from '../src/index.js';
import { IDNPS, INS, professional, startTasksServer, type TasksServer } from './support/tasks-server.js';

const GP = professional('810000000001', '10', 'Dr Anne Martin');
const NURSE = professional('810000000002', '60', 'Nina Leroy');
const REPLACEMENT = professional('810000000003', '60', 'Paul Durand');
const OTHER_NURSE = professional('810000000009', '60', 'Olga Petit');

const asFhir = (resource: object) => resource as unknown as FhirResource;
async function as<T>(call: Promise<unknown>): Promise<T> {
  return (await call) as T;
}
async function failure(call: Promise<unknown>): Promise<{ status: number; data: OperationOutcome }> {
  try {
    await call;
  } catch (error) {
    return (error as { response: { status: number; data: OperationOutcome } }).response;
  }
  throw new Error('expected the request to fail');
}

const ownerRef = (actor: typeof NURSE) => ({
  type: 'Practitioner',
  identifier: { system: IDNPS, value: actor.kind === 'professional' ? actor.identifier.value : '' },
});

function delegation(overrides: Partial<Task> = {}): Task {
  return {
    resourceType: 'Task',
    status: 'requested',
    intent: 'order',
    priority: 'routine',
    code: { coding: [{ system: 'http://snomed.info/sct', code: '225358003', display: 'Wound care' }] },
    for: { identifier: { system: INS, value: '279035121518989' } },
    owner: ownerRef(NURSE),
    restriction: { period: { end: '2026-06-30T18:00:00.000Z' } },
    ...overrides,
  };
}

describe('Tasks over HTTP', () => {
  let server: TasksServer;
  let gp: Client;
  let nurse: Client;

  beforeAll(async () => {
    server = await startTasksServer('tasks-http');
    gp = await server.clientFor(GP);
    nurse = await server.clientFor(NURSE);
  });
  afterAll(async () => {
    await server.close();
  });

  const statusTo = (client: Client, task: Task, status: Task['status'], extra: Partial<Task> = {}) =>
    as<Task>(
      client.update({
        resourceType: 'Task',
        id: task.id ?? '',
        body: asFhir({ ...task, status, ...extra }),
        options: { headers: { 'If-Match': `W/"${task.meta?.versionId ?? ''}"` } },
      }),
    );

  it('carries a delegation from the GP to the nurse: requested → accepted → in-progress → completed', async () => {
    const created = await as<Task>(gp.create({ resourceType: 'Task', body: asFhir(delegation()) }));
    expect(created).toMatchObject({
      status: 'requested',
      meta: { versionId: '1' },
      for: { type: 'Patient', identifier: { system: INS } },
      requester: { type: 'Practitioner', identifier: { system: IDNPS, value: '810000000001' } },
    });
    const accepted = await statusTo(nurse, created, 'accepted');
    const started = await as<Task>(
      nurse.patch({
        resourceType: 'Task',
        id: created.id ?? '',
        jsonPatch: [{ op: 'replace', path: '/status', value: 'in-progress' }],
      }),
    );
    expect(started.meta?.versionId).toBe('3');
    expect(started.executionPeriod?.start).toBe(server.now.toISOString());
    const completed = await statusTo(nurse, started, 'completed', {
      output: [{ type: { text: 'wound assessment' }, valueString: 'healing, no sign of infection' }],
    });
    expect(completed).toMatchObject({ status: 'completed', meta: { versionId: '4' } });
    expect(completed.output?.[0]?.valueString).toBe('healing, no sign of infection');
    expect(accepted.meta?.versionId).toBe('2');

    // Every status change is a version: vread and _history rebuild them from the stream.
    const v2 = await as<Task>(gp.vread({ resourceType: 'Task', id: created.id ?? '', version: '2' }));
    expect(v2.status).toBe('accepted');
    const history = await as<Bundle>(gp.history({ resourceType: 'Task', id: created.id ?? '' }));
    expect(history.entry?.map((e) => (e.resource as Task).status)).toEqual([
      'completed',
      'in-progress',
      'accepted',
      'requested',
    ]);
  });

  it('records the acting professional in each stored event and in the resource', async () => {
    const created = await as<Task>(gp.create({ resourceType: 'Task', body: asFhir(delegation()) }));
    const recordedBy = (task: Task) => task.extension?.find((e) => e.url === TASK_EXTENSIONS.recordedBy);
    expect(recordedBy(created)?.valueReference?.identifier?.value).toBe('810000000001');
    const accepted = await statusTo(nurse, created, 'accepted');
    expect(recordedBy(accepted)?.valueReference).toMatchObject({
      type: 'Practitioner',
      identifier: { system: IDNPS, value: '810000000002' },
      display: 'Nina Leroy',
    });
    const events = await server.tasks.store.readStream(`Task-${created.id ?? ''}`);
    expect(events.map((e) => [e.type, (e.data as unknown as { by: typeof GP }).by])).toEqual([
      ['TaskRequested', GP],
      ['TaskAccepted', NURSE],
    ]);
    expect(events.every((e) => (e.data as { at: string }).at === server.now.toISOString())).toBe(true);
  });

  it("lists the nurse's work queue, most urgent first, then by due period", async () => {
    const queueNurse = professional('810000000077', '60', 'Queue Nurse');
    const queueOwner = ownerRef(queueNurse);
    const priorities = ['routine', 'stat', 'urgent', 'asap', 'routine'] as const;
    for (const [i, priority] of priorities.entries()) {
      await gp.create({
        resourceType: 'Task',
        body: asFhir(
          delegation({
            owner: queueOwner,
            priority,
            restriction: { period: { end: `2026-06-0${i + 1}T08:00:00Z` } },
          }),
        ),
      });
    }
    const done = await as<Task>(
      gp.create({ resourceType: 'Task', body: asFhir(delegation({ owner: queueOwner, priority: 'stat' })) }),
    );
    const queueClient = await server.clientFor(queueNurse);
    await statusTo(queueClient, done, 'rejected', { statusReason: { text: 'not my patient' } });

    const queue = await as<Bundle>(
      queueClient.search({
        resourceType: 'Task',
        searchParams: {
          'owner:identifier': `${IDNPS}|810000000077`,
          status: 'requested,received,accepted',
          _sort: '-priority,period',
        },
      }),
    );
    expect(queue.entry?.map((e) => (e.resource as Task).priority)).toEqual([
      'stat',
      'asap',
      'urgent',
      'routine',
      'routine',
    ]);
  });

  it('S4: a transfer for the nurse’s leave answers the replacement during it and the nurse before and after', async () => {
    // Home care transferred to the nurse, responsibility with it: she is accountable.
    const transferredCare = delegation({
      extension: [
        {
          url: TASK_EXTENSIONS.cooperationMode,
          valueCoding: { system: COOPERATION_MODE_SYSTEM, code: 'transfer' },
        },
        { url: TASK_EXTENSIONS.responsibilityMoves, valueBoolean: true },
      ],
      restriction: { period: { end: '2026-07-31T18:00:00Z' } },
    });
    const created = await as<Task>(gp.create({ resourceType: 'Task', body: asFhir(transferredCare) }));
    await statusTo(nurse, created, 'accepted');
    const transfer: Parameters = {
      resourceType: 'Parameters',
      parameter: [
        { name: 'owner', valueReference: ownerRef(REPLACEMENT) },
        { name: 'reason', valueString: 'leave 1–15 June' },
        {
          name: 'period',
          valuePeriod: { start: '2026-06-01T00:00:00.000Z', end: '2026-06-15T23:59:59.999Z' },
        },
        { name: 'responsibilityMoves', valueBoolean: true },
      ],
    };
    await nurse.operation({
      resourceType: 'Task',
      id: created.id ?? '',
      name: '$transfer',
      input: asFhir(transfer),
    });
    const accountableAt = async (at: string) => {
      const answer = await as<Parameters>(
        gp.operation({
          resourceType: 'Task',
          id: created.id ?? '',
          name: '$responsibility',
          method: 'GET',
          input: { at },
        }),
      );
      const value = (name: string) =>
        answer.parameter?.filter((p) => p.name === name).map((p) => p.valueReference?.identifier?.value);
      return { accountable: value('accountable'), performer: value('performer') };
    };
    expect(await accountableAt('2026-05-25T12:00:00Z')).toEqual({
      accountable: ['810000000002'],
      performer: ['810000000002'],
    });
    expect(await accountableAt('2026-06-05T12:00:00Z')).toEqual({
      accountable: ['810000000003'],
      performer: ['810000000003'],
    });
    expect(await accountableAt('2026-06-20T12:00:00Z')).toEqual({
      accountable: ['810000000002'],
      performer: ['810000000002'],
    });
    // $transfer changes the Task: never through GET.
    const viaGet = await failure(
      nurse.operation({ resourceType: 'Task', id: created.id ?? '', name: '$transfer', method: 'GET' }),
    );
    expect(viaGet.status).toBe(405);
  });

  it('two concurrent accepts with the same If-Match: one 200, one 412', async () => {
    const created = await as<Task>(gp.create({ resourceType: 'Task', body: asFhir(delegation()) }));
    const results = await Promise.allSettled([
      statusTo(nurse, created, 'accepted'),
      statusTo(nurse, created, 'accepted'),
    ]);
    const statuses = results.map((r) =>
      r.status === 'fulfilled' ? 200 : (r.reason as { response: { status: number } }).response.status,
    );
    expect(statuses.sort()).toEqual([200, 412]);
    const events = await server.tasks.store.readStream(`Task-${created.id ?? ''}`);
    expect(events.map((e) => e.type)).toEqual(['TaskRequested', 'TaskAccepted']);
  });

  it('answers broken rules with OperationOutcomes that say which rule, and writes nothing', async () => {
    const created = await as<Task>(gp.create({ resourceType: 'Task', body: asFhir(delegation()) }));
    const count = async () => (await server.tasks.store.readStream(`Task-${created.id ?? ''}`)).length;

    const illegal = await failure(statusTo(nurse, created, 'completed'));
    expect(illegal.status).toBe(422);
    expect(illegal.data.issue[0]?.details?.coding?.[0]?.code).toBe('task-illegal-transition');

    const noReason = await failure(statusTo(nurse, created, 'rejected'));
    expect(noReason.status).toBe(422);
    expect(noReason.data.issue[0]?.details?.coding?.[0]?.code).toBe('task-status-reason-required');

    const notOwner = await failure(statusTo(await server.clientFor(OTHER_NURSE), created, 'accepted'));
    expect(notOwner.status).toBe(403);

    const otherPatient = await failure(
      statusTo(gp, created, 'requested', { for: { identifier: { system: INS, value: '100000000000000' } } }),
    );
    expect(otherPatient.status).toBe(422);
    expect(otherPatient.data.issue[0]?.details?.coding?.[0]?.code).toBe('task-immutable-element');

    const patientRequester = await failure(
      gp.create({
        resourceType: 'Task',
        body: asFhir(delegation({ requester: { reference: 'Patient/123' } })),
      }),
    );
    expect(patientRequester.status).toBe(422);
    expect(patientRequester.data.issue[0]?.expression).toEqual(['Task.requester.reference']);

    const fillerOrder = await failure(
      gp.create({ resourceType: 'Task', body: asFhir(delegation({ intent: 'filler-order' })) }),
    );
    expect(fillerOrder.status).toBe(422);
    expect(fillerOrder.data.issue[0]?.expression).toEqual(['Task.intent']);
    expect(fillerOrder.data.issue[0]?.diagnostics).toContain('task-intent');

    const readOnly = await server.clientFor(GP, 'user/Task.rs');
    const forbidden = await failure(readOnly.create({ resourceType: 'Task', body: asFhir(delegation()) }));
    expect(forbidden.status).toBe(403);
    expect(forbidden.data.issue[0]?.diagnostics).toContain('(c) on Task');

    const anonymous = await fetch(`${server.base}/Task/${created.id ?? ''}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/fhir+json' },
      body: JSON.stringify({ ...created, status: 'cancelled' }),
    });
    expect(anonymous.status).toBe(401);
    expect(await count()).toBe(1);
  });

  it('refuses bad tokens over HTTP with 401, WWW-Authenticate and an OperationOutcome, writing nothing', async () => {
    const total = async () => {
      const bundle = await as<Bundle>(
        gp.search({ resourceType: 'Task', searchParams: { _summary: 'count' } }),
      );
      return bundle.total;
    };
    const before = await total();
    const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const unsigned = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({
      iss: 'http://localhost:8080/dev-issuer',
      aud: 'http://localhost:8080/fhir',
      exp: Math.floor(Date.now() / 1000) + 600,
      carenet_actor: GP,
      scope: 'user/*.cruds',
    })}.`;
    const expired = await server.tokenFor(GP, 'user/*.cruds', {
      now: new Date(Date.now() - 2 * 3_600_000),
      expiresInSeconds: 60,
    });
    const valid = await server.tokenFor(GP);
    const [header, payload] = valid.split('.');
    const forged = `${header ?? ''}.${payload ?? ''}.${'A'.repeat(86)}`;
    for (const authorization of [
      undefined,
      'Basic Z3A6c2VjcmV0',
      'Bearer not-a-jwt',
      `Bearer ${unsigned}`,
      `Bearer ${expired}`,
      `Bearer ${forged}`,
    ]) {
      const response = await fetch(`${server.base}/Task`, {
        method: 'POST',
        headers: {
          'content-type': 'application/fhir+json',
          ...(authorization !== undefined && { authorization }),
        },
        body: JSON.stringify(delegation()),
      });
      expect({ authorization, status: response.status }).toEqual({ authorization, status: 401 });
      expect(response.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
      expect(((await response.json()) as OperationOutcome).issue[0]?.code).toBe('login');
    }
    expect(await total()).toBe(before);
  });

  it('reports an open Task past its due date overdue, once', async () => {
    const created = await as<Task>(
      gp.create({
        resourceType: 'Task',
        body: asFhir(delegation({ restriction: { period: { end: '2026-05-21T18:00:00.000Z' } } })),
      }),
    );
    // The service runs without its clock here: the test drives one.
    const overdue = startOverdueClock({
      db: server.db,
      store: server.tasks.store,
      clock: () => server.now,
      intervalMs: 3_600_000,
    });
    const typesOf = async () =>
      (await server.tasks.store.readStream(`Task-${created.id ?? ''}`)).map((e) => e.type);
    await overdue.tick();
    expect(await typesOf()).toEqual(['TaskRequested']);
    const before = server.now;
    server.now = new Date('2026-05-22T08:00:00.000Z');
    try {
      await overdue.tick();
      await overdue.tick();
      expect(await typesOf()).toEqual(['TaskRequested', 'TaskOverdue']);
    } finally {
      server.now = before;
      await overdue.stop();
    }
  });
});
