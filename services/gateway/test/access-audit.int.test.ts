// The audit of every access to patient data (issue 18), through the gateway's router on
// PostgreSQL: each read, denied attempt, emergency access, search hit and write leaves an
// `AccessRecorded` record before the answer; shared-info's consumer (on the store log here) keeps
// each as an AuditEvent, read-only, that the patient finds by patient, agent, entity, date and
// outcome, and that no other patient sees.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Actor } from '@carenet/access';
import { postgresDatabase, type SqlDatabase } from '@carenet/eventsourcing';
import { createTestDatabase, type TestDatabase } from '@carenet/testing';
import {
  startInProcessGateway,
  type FhirAnswer,
  type InProcessGateway,
} from './support/in-process-gateway.js';

const INS = 'urn:oid:1.2.250.1.213.1.4.8';
const IDNPS = 'urn:oid:1.2.250.1.71.4.2.1';
const NIR = '279035121518989';
const GP_IDNPS = '810000000001';
const WORKER_IDNPS = '880000000001';
const BREAK_GLASS = 'X-Carenet-Break-Glass';

const socialWorker: Actor = {
  kind: 'professional',
  identifier: { system: IDNPS, value: WORKER_IDNPS },
  profession: {
    system: 'https://carenet.example.org/fhir/CodeSystem/test-profession',
    code: 'social-worker',
  },
  sector: 'social',
  name: 'S',
};
const patient: Actor = { kind: 'patient', identifier: { system: INS, value: NIR } };
const otherPatient: Actor = { kind: 'patient', identifier: { system: INS, value: '180017512345678' } };

interface AuditEventShape {
  readonly id: string;
  readonly action: string;
  readonly outcome: string;
  readonly outcomeDesc?: string;
  readonly recorded: string;
  readonly meta?: { readonly security?: { readonly code?: string }[] };
  readonly subtype?: { readonly code?: string }[];
  readonly purposeOfEvent?: { readonly coding?: { readonly code?: string }[] }[];
  readonly agent: { readonly who?: { readonly identifier?: { readonly value?: string } } }[];
  readonly source: { readonly site?: string };
  readonly entity: {
    readonly what?: { readonly reference?: string; readonly identifier?: { value?: string } };
  }[];
}

const auditEvents = (answer: FhirAnswer): AuditEventShape[] =>
  ((answer.body.entry ?? []) as { resource: AuditEventShape }[]).map((e) => e.resource);

/** Polls `probe` until `done` says so (the consumer follows the store log asynchronously). */
async function until<T>(what: string, probe: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('the audit of accesses to patient data, kept as AuditEvents (PostgreSQL, store log)', () => {
  let database: TestDatabase;
  let db: SqlDatabase;
  let gateway: InProcessGateway;
  let tokens: { worker: string; patient: string; other: string };
  const start = new Date().toISOString();

  beforeAll(async () => {
    database = await createTestDatabase('gateway-access-audit');
    db = postgresDatabase({ connectionString: database.url });
    gateway = await startInProcessGateway(db, { background: true });
    tokens = {
      worker: await gateway.tokenFor(socialWorker),
      patient: await gateway.tokenFor(patient, 'patient/*.rs'),
      other: await gateway.tokenFor(otherPatient, 'patient/*.rs'),
    };
  });
  afterAll(async () => {
    await gateway.close();
    await db.close();
    await database.drop();
  });

  it('records each read, denial, emergency access, search hit and write; the patient finds them', async () => {
    const created = await gateway.createTask();
    expect(created.status).toBe(201);
    const taskId = String(created.body.id);
    expect((await gateway.call('GET', `Task/${taskId}`)).status).toBe(200);
    expect((await gateway.callWith(tokens.worker, 'GET', `Task/${taskId}`)).status).toBe(403);
    // An emergency access needs a declared reason: a blank header declares none.
    expect(
      (await gateway.callWith(tokens.worker, 'GET', `Task/${taskId}`, undefined, { [BREAK_GLASS]: '  ' }))
        .status,
    ).toBe(403);
    const emergency = await gateway.callWith(tokens.worker, 'GET', `Task/${taskId}`, undefined, {
      [BREAK_GLASS]: 'patient found unconscious at home',
    });
    expect(emergency.status).toBe(200);
    const search = await gateway.call('GET', `Task?_id=${taskId}`);
    expect((search.body.entry as unknown[]).length).toBe(1);

    const log = await until(
      "the patient's six AuditEvents",
      () =>
        gateway.callWith(
          tokens.patient,
          'GET',
          `AuditEvent?patient:identifier=${INS}|${NIR}&_count=100&_sort=date`,
        ),
      (answer) => answer.status === 200 && auditEvents(answer).length >= 6,
    );
    const events = auditEvents(log);
    expect(
      events.map((e) => [e.action, e.subtype?.[0]?.code, e.outcome, e.agent[0]?.who?.identifier?.value]),
    ).toEqual([
      ['C', 'create', '0', GP_IDNPS],
      ['R', 'read', '0', GP_IDNPS],
      ['R', 'read', '4', WORKER_IDNPS],
      ['R', 'read', '4', WORKER_IDNPS],
      ['R', 'read', '0', WORKER_IDNPS],
      ['E', 'search-type', '0', GP_IDNPS],
    ]);
    for (const event of events) {
      expect(event.source.site).toBe('tasks');
      expect(event.entity.map((e) => e.what?.reference ?? e.what?.identifier?.value)).toEqual([
        `Task/${taskId}`,
        NIR,
      ]);
    }
    expect(events[2]?.outcomeDesc).toContain("not in the patient's care team");
    // The emergency access: permitted, flagged (BTG), its declared reason kept.
    const flagged = events.filter((e) => e.meta?.security?.some((s) => s.code === 'BTG'));
    expect(flagged.map((e) => e.id)).toEqual([events[4]?.id]);
    expect(events[4]?.outcomeDesc).toContain('patient found unconscious at home');
    expect(events[4]?.purposeOfEvent?.flatMap((p) => p.coding?.map((c) => c.code))).toEqual([
      'ETREAT',
      'BTG',
    ]);

    const search1 = (query: string, token = tokens.patient) =>
      gateway.callWith(token, 'GET', `AuditEvent?${query}&_count=100`).then((answer) => {
        expect(answer.status).toBe(200);
        return auditEvents(answer).map((e) => e.id);
      });
    const ids = (pick: (e: AuditEventShape, i: number) => boolean) =>
      events
        .filter(pick)
        .map((e) => e.id)
        .sort();
    expect((await search1(`agent:identifier=${IDNPS}|${WORKER_IDNPS}`)).sort()).toEqual(
      ids((e) => e.agent[0]?.who?.identifier?.value === WORKER_IDNPS),
    );
    expect((await search1('outcome=4')).sort()).toEqual(ids((e) => e.outcome === '4'));
    expect((await search1(`entity=Task/${taskId}`)).sort()).toEqual(ids(() => true));
    expect((await search1(`date=ge${start}`)).sort()).toEqual(ids(() => true));
    expect(await search1('date=lt2000-01-01')).toEqual([]);
    // Another patient sees none of them, by search or by id.
    expect(await search1(`patient:identifier=${INS}|${NIR}`, tokens.other)).toEqual([]);
    expect((await gateway.callWith(tokens.other, 'GET', `AuditEvent/${events[0]?.id ?? ''}`)).status).toBe(
      403,
    );
    expect((await gateway.callWith(tokens.patient, 'GET', `AuditEvent/${events[0]?.id ?? ''}`)).status).toBe(
      200,
    );
    // The access log is the patient's: the GP of the care team neither finds nor reads it.
    expect(auditEvents(await gateway.call('GET', `AuditEvent?patient:identifier=${INS}|${NIR}`))).toEqual([]);
    expect((await gateway.call('GET', `AuditEvent/${events[0]?.id ?? ''}`)).status).toBe(403);
  });

  it('decides and records operations on a resource: $responsibility and $transfer', async () => {
    const created = await gateway.createTask();
    const taskId = String(created.body.id);
    const responsibility = `Task/${taskId}/$responsibility`;
    // Outside the care team: the operation reveals who is responsible for the patient's Task.
    const denied = await gateway.callWith(tokens.worker, 'GET', responsibility);
    expect(denied.status).toBe(403);
    expect(JSON.stringify(denied.body)).toContain("not in the patient's care team");
    const transfer = await gateway.callWith(tokens.worker, 'POST', `Task/${taskId}/$transfer`, {
      resourceType: 'Parameters',
      parameter: [{ name: 'owner', valueReference: { identifier: { system: IDNPS, value: WORKER_IDNPS } } }],
    });
    expect(transfer.status).toBe(403);
    // The requester (care team): permitted.
    expect((await gateway.call('GET', responsibility)).status).toBe(200);
    // Another patient's token may not ask either.
    expect((await gateway.callWith(tokens.other, 'GET', responsibility)).status).toBe(403);

    const log = await until(
      'the AuditEvents of the operations',
      () => gateway.callWith(tokens.patient, 'GET', `AuditEvent?entity=Task/${taskId}&_count=100&_sort=date`),
      (answer) =>
        answer.status === 200 &&
        auditEvents(answer).filter((e) => e.subtype?.[0]?.code === 'operation').length >= 4,
    );
    const operations = auditEvents(log)
      .filter((e) => e.subtype?.[0]?.code === 'operation')
      .map((e) => [e.action, e.outcome, e.agent[0]?.who?.identifier?.value]);
    expect(operations).toEqual([
      ['E', '4', WORKER_IDNPS],
      ['E', '4', WORKER_IDNPS],
      ['E', '0', GP_IDNPS],
      ['E', '4', otherPatient.identifier.value],
    ]);
  });

  it("records a transaction's writes once it commits, and nothing of one rolled back", async () => {
    const task = {
      resourceType: 'Task',
      status: 'requested',
      intent: 'order',
      code: { text: 'Wound care' },
      for: { identifier: { system: INS, value: NIR } },
      owner: { identifier: { system: IDNPS, value: '810000000002' } },
    };
    const post = (resource: unknown) => ({ resource, request: { method: 'POST', url: 'Task' } });
    // First a transaction whose second entry is refused (422): the first is rolled back with it.
    // Then one that commits: its record comes after any of the first in the log.
    const rolledBack = await gateway.call('POST', '', {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [post({ ...task, code: { text: 'rolled back' } }), post({ ...task, status: 'unknown-status' })],
    });
    expect(rolledBack.status).toBeGreaterThanOrEqual(400);
    const committed = await gateway.call('POST', '', {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [post(task)],
    });
    expect(committed.status).toBe(200);
    const location = String(
      (committed.body.entry as { response: { location: string } }[])[0]?.response.location,
    );
    const taskPath = location.split('/_history')[0] ?? '';
    const created = await until(
      'the AuditEvent of the committed create',
      () => gateway.callWith(tokens.patient, 'GET', `AuditEvent?entity=${taskPath}`),
      (answer) => auditEvents(answer).length > 0,
    );
    expect(auditEvents(created).map((e) => [e.subtype?.[0]?.code, e.outcome])).toEqual([['create', '0']]);
    // Every create recorded is of a Task that exists.
    const creates = await gateway.callWith(tokens.patient, 'GET', 'AuditEvent?subtype=create&_count=100');
    for (const event of auditEvents(creates)) {
      const reference = event.entity[0]?.what?.reference ?? '';
      expect((await gateway.call('GET', reference)).status).toBe(200);
    }
  });

  it('serves AuditEvents read-only: create, update, patch and delete are refused (405)', async () => {
    const body = { resourceType: 'AuditEvent' };
    expect((await gateway.call('POST', 'AuditEvent', body)).status).toBe(405);
    expect((await gateway.call('PUT', 'AuditEvent/a-1', { ...body, id: 'a-1' })).status).toBe(405);
    expect((await gateway.call('DELETE', 'AuditEvent/a-1')).status).toBe(405);
    expect(
      (await gateway.call('PATCH', 'AuditEvent/a-1', '[]', { 'content-type': 'application/json-patch+json' }))
        .status,
    ).toBe(405);
  });
});
