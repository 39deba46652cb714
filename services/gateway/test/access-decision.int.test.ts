// The access decision on every read, search and history through the gateway (issue 18), on
// PostgreSQL: 1,000 Tasks of 100 patients, requested by five GPs of three nurses. A professional
// sees the data of the patients whose care team they are in (a Task of the patient names them),
// a patient token its own record, an administrator system everything; no one else anything. A
// search's entries, `_total`, pages, `_include`/`_revinclude`, the work queue and the type
// history reveal nothing of the others; a read of them is a 403.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Actor, ProfessionalActor } from '@carenet/access';
import { postgresDatabase, type SqlDatabase } from '@carenet/eventsourcing';
import { createTestDatabase, type TestDatabase } from '@carenet/testing';
import { startInProcessGateway, type InProcessGateway } from './support/in-process-gateway.js';

const IDNPS = 'urn:oid:1.2.250.1.71.4.2.1';
const INS = 'urn:oid:1.2.250.1.213.1.4.8';
const PROFESSION = 'https://mos.esante.gouv.fr/NOS/TRE_G15-ProfessionSante/FHIR/TRE-G15-ProfessionSante';
const PATIENTS = 100;
const TASKS_PER_PATIENT = 10;

const insOf = (p: number) => `2790351215${String(p).padStart(5, '0')}`;
const professional = (
  value: string,
  code: string,
  sector: ProfessionalActor['sector'] = 'primary-care',
): ProfessionalActor => ({
  kind: 'professional',
  identifier: { system: IDNPS, value },
  profession: { system: PROFESSION, code },
  sector,
});
const gps = [0, 1, 2, 3, 4].map((k) => professional(`81000000010${k}`, '10'));
const nurses = [0, 1, 2].map((k) => professional(`81000000020${k}`, '60'));
const pharmacist = professional('810000000300', '21');
const gpOf = (p: number) => gps[p % 5]!;
const nurseOf = (p: number) => nurses[p % 3]!;

interface Entry {
  resource: { id: string; for?: { identifier?: { value?: string } }; partOf?: { reference: string }[] };
  search?: { mode: string };
}
const entriesOf = (body: Record<string, unknown>) => (body.entry ?? []) as Entry[];
const patientsOf = (entries: readonly Entry[]) =>
  new Set(entries.map((e) => e.resource.for?.identifier?.value ?? '?'));

describe('the access decision on every read, search and history (1,000 Tasks of 100 patients)', () => {
  let database: TestDatabase;
  let db: SqlDatabase;
  let gateway: InProcessGateway;
  const tokens = new Map<Actor, string>();
  /** The first Task of each patient: the one the others of the next patient are part of. */
  const firstTask: string[] = [];
  const taskPatient = new Map<string, number>();

  const as = async (actor: Actor, path: string, scopes?: string) => {
    let token = tokens.get(actor);
    if (token === undefined) {
      token = await gateway.tokenFor(actor, scopes);
      tokens.set(actor, token);
    }
    return gateway.callWith(token, 'GET', path);
  };

  async function create(p: number, k: number): Promise<void> {
    const token = await gateway.tokenFor(gpOf(p));
    const answer = await gateway.callWith(token, 'POST', 'Task', {
      resourceType: 'Task',
      status: 'requested',
      intent: 'order',
      code: { text: 'Wound care' },
      for: { identifier: { system: INS, value: insOf(p) } },
      owner: { identifier: { system: IDNPS, value: nurseOf(p).identifier.value } },
      ...(k > 0 && p > 0 && { partOf: [{ reference: `Task/${firstTask[p - 1] ?? ''}` }] }),
    });
    expect(answer.status).toBe(201);
    const id = String(answer.body.id);
    taskPatient.set(id, p);
    if (k === 0) firstTask[p] = id;
  }

  beforeAll(async () => {
    database = await createTestDatabase('gateway-access-decision');
    db = postgresDatabase({ connectionString: database.url });
    gateway = await startInProcessGateway(db);
    for (let p = 0; p < PATIENTS; p++) await create(p, 0);
    const rest: [number, number][] = [];
    for (let p = 0; p < PATIENTS; p++) for (let k = 1; k < TASKS_PER_PATIENT; k++) rest.push([p, k]);
    for (let i = 0; i < rest.length; i += 8) {
      await Promise.all(rest.slice(i, i + 8).map(([p, k]) => create(p, k)));
    }
  }, 300_000);
  afterAll(async () => {
    await gateway.close();
    await db.close();
    await database.drop();
  });

  const gp0Patients = new Set(
    Array.from({ length: PATIENTS }, (_, p) => p)
      .filter((p) => p % 5 === 0)
      .map(insOf),
  );

  it('a professional in no care team finds nothing, counts nothing and reads nothing', async () => {
    const search = await as(pharmacist, 'Task?_total=accurate');
    expect([search.status, search.body.total, entriesOf(search.body)]).toEqual([200, 0, []]);
    expect((await as(pharmacist, 'Task?_summary=count')).body.total).toBe(0);
    const history = await as(pharmacist, 'Task/_history?_count=500');
    expect(entriesOf(history.body)).toEqual([]);
    const id = firstTask[3] ?? '';
    for (const path of [`Task/${id}`, `Task/${id}/_history/1`, `Task/${id}/_history`]) {
      const denied = await as(pharmacist, path);
      expect([path, denied.status, denied.body.resourceType]).toEqual([path, 403, 'OperationOutcome']);
      expect(JSON.stringify(denied.body)).toMatch(/not in the patient's care team/);
    }
  });

  it("a GP sees exactly their patients' Tasks: entries, _total and every page", async () => {
    const seen: Entry[] = [];
    let path: string | undefined = 'Task?_total=accurate&_count=70';
    let total: unknown;
    while (path !== undefined) {
      const page = await as(gps[0] as Actor, path);
      expect(page.status).toBe(200);
      total ??= page.body.total;
      seen.push(...entriesOf(page.body));
      const next = ((page.body.link ?? []) as { relation: string; url: string }[]).find(
        (l) => l.relation === 'next',
      );
      path = next === undefined ? undefined : next.url.slice(next.url.indexOf('/fhir/') + 6);
    }
    expect(total).toBe(gp0Patients.size * TASKS_PER_PATIENT);
    expect(seen).toHaveLength(gp0Patients.size * TASKS_PER_PATIENT);
    expect([...patientsOf(seen)].sort()).toEqual([...gp0Patients].sort());
  });

  it('_include leaves out the Tasks of patients the caller may not see', async () => {
    // Patient 5's Tasks are part of patient 4's first Task (GP 4's patient).
    const ids = [...taskPatient].filter(([, p]) => p === 5).map(([id]) => id);
    const found = await as(gps[0] as Actor, `Task?_id=${ids.join(',')}&_include=Task:part-of`);
    const entries = entriesOf(found.body);
    expect(entries.filter((e) => e.search?.mode === 'match')).toHaveLength(TASKS_PER_PATIENT);
    expect(entries.filter((e) => e.search?.mode === 'include')).toEqual([]);
    // The administrator sees the included one: the reference is there.
    const admin = await as(
      { kind: 'system', clientId: 'ops', administrator: true },
      `Task?_id=${ids.join(',')}&_include=Task:part-of`,
      'system/*.rs',
    );
    expect(
      entriesOf(admin.body)
        .filter((e) => e.search?.mode === 'include')
        .map((e) => e.resource.id),
    ).toEqual([firstTask[4]]);
  });

  it('_revinclude leaves them out too', async () => {
    // Patient 6's Tasks (GP 1's) are part of patient 5's first Task.
    const found = await as(gps[0] as Actor, `Task?_id=${firstTask[5] ?? ''}&_revinclude=Task:part-of`);
    expect(entriesOf(found.body).map((e) => e.search?.mode)).toEqual(['match']);
    const byGp1 = await as(gps[1] as Actor, `Task?_id=${firstTask[5] ?? ''}&_revinclude=Task:part-of`);
    expect(entriesOf(byGp1.body)).toEqual([]);
  });

  it("the type history shows only the versions of the caller's patients", async () => {
    const history = await as(gps[0] as Actor, 'Task/_history?_count=500');
    const entries = entriesOf(history.body);
    expect(entries).toHaveLength(gp0Patients.size * TASKS_PER_PATIENT);
    expect([...patientsOf(entries)].sort()).toEqual([...gp0Patients].sort());
  });

  it("a nurse's work queue and searches: the Tasks of the patients she cares for", async () => {
    const nurse = nurses[0] as Actor;
    const cared = Array.from({ length: PATIENTS }, (_, p) => p).filter((p) => p % 3 === 0);
    const queue = await as(
      nurse,
      `Task?owner:identifier=${IDNPS}|810000000200&status=requested&_sort=-priority&_count=100`,
    );
    expect(entriesOf(queue.body)).toHaveLength(100);
    const all = await as(nurse, 'Task?_total=accurate&_count=1');
    expect(all.body.total).toBe(cared.length * TASKS_PER_PATIENT);
    // GP 0 looking at that nurse's queue sees the Tasks of GP 0's patients in it, no more.
    const theirs = await as(
      gps[0] as Actor,
      `Task?owner:identifier=${IDNPS}|810000000200&status=requested&_sort=-priority&_count=100`,
    );
    const expected = cared.filter((p) => p % 5 === 0).length * TASKS_PER_PATIENT;
    expect(entriesOf(theirs.body)).toHaveLength(expected);
    expect([...patientsOf(entriesOf(theirs.body))].every((ins) => gp0Patients.has(ins))).toBe(true);
  });

  it('a patient token sees its own Tasks only', async () => {
    const patient: Actor = { kind: 'patient', identifier: { system: INS, value: insOf(7) } };
    const own = await as(patient, 'Task?_total=accurate', 'patient/Task.rs');
    expect(own.body.total).toBe(TASKS_PER_PATIENT);
    expect([...patientsOf(entriesOf(own.body))]).toEqual([insOf(7)]);
    expect((await as(patient, `Task/${firstTask[8] ?? ''}`, 'patient/Task.rs')).status).toBe(403);
    expect((await as(patient, `Task/${firstTask[7] ?? ''}`, 'patient/Task.rs')).status).toBe(200);
  });
});
