// Conditional update (PUT [type]?criteria, R4, issue 15) through the gateway's Tasks service on
// PostgreSQL: no match creates, one match updates it, several are a 412; the create is atomic
// (an id derived from the criteria): 20 concurrent requests on an absent resource create one.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Bundle, OperationOutcome, Task } from 'fhir/r4.js';
import { postgresDatabase, type SqlDatabase } from '@carenet/eventsourcing';
import { createTestDatabase, type TestDatabase } from '@carenet/testing';
import { startInProcessGateway, type InProcessGateway } from './support/in-process-gateway.js';

const INS = 'urn:oid:1.2.250.1.213.1.4.8';
const IDNPS = 'urn:oid:1.2.250.1.71.4.2.1';
const EHR = 'https://ehr.example.org/task-ids';

function task(identifier: string, description: string, id?: string): Task {
  return {
    resourceType: 'Task',
    ...(id !== undefined && { id }),
    identifier: [{ system: EHR, value: identifier }],
    status: 'requested',
    intent: 'order',
    code: { text: 'Wound care' },
    description,
    for: { identifier: { system: INS, value: '279035121518989' } },
    owner: { identifier: { system: IDNPS, value: '810000000002' } },
  };
}

describe('conditional update', () => {
  let database: TestDatabase;
  let db: SqlDatabase;
  let gateway: InProcessGateway;

  beforeAll(async () => {
    database = await createTestDatabase('gateway-conditional-update');
    db = postgresDatabase({ connectionString: database.url, max: 20 });
    gateway = await startInProcessGateway(db);
  });
  afterAll(async () => {
    await gateway.close();
    await db.close();
    await database.drop();
  });

  const put = (identifier: string, body: Task) =>
    gateway.call('PUT', `Task?identifier=${encodeURIComponent(`${EHR}|${identifier}`)}`, body);
  const found = async (identifier: string): Promise<Task[]> => {
    const answer = await gateway.call('GET', `Task?identifier=${encodeURIComponent(`${EHR}|${identifier}`)}`);
    return ((answer.body as unknown as Bundle).entry ?? [])
      .filter((e) => e.search?.mode === 'match')
      .map((e) => e.resource as Task);
  };

  it('no match: creates (201, Location); one match: updates that one (200, next version)', async () => {
    const created = await put('cu-1', task('cu-1', 'first'));
    expect([created.status, created.body.issue]).toEqual([201, undefined]);
    const id = String(created.body.id);
    expect(created.headers.get('location')).toBe(`http://127.0.0.1/fhir/Task/${id}/_history/1`);

    const updated = await put('cu-1', task('cu-1', 'second'));
    expect([updated.status, updated.body.issue]).toEqual([200, undefined]);
    expect(updated.body.id).toBe(id);
    expect((updated.body as unknown as Task).description).toBe('second');
    expect((updated.body as unknown as Task).meta?.versionId).toBe('2');
    expect((await found('cu-1')).map((t) => [t.id, t.description])).toEqual([[id, 'second']]);
  });

  it('no match with an id in the body: creates the resource with that id', async () => {
    const created = await put('cu-2', task('cu-2', 'mine', 'client-chosen-id-1'));
    expect([created.status, created.body.id]).toEqual([201, 'client-chosen-id-1']);
  });

  it('one match and a body id that is not its id: 400 naming Task.id, nothing changed', async () => {
    const created = await put('cu-3', task('cu-3', 'first'));
    const answer = await put('cu-3', task('cu-3', 'other', 'not-the-same-id'));
    expect(answer.status).toBe(400);
    expect((answer.body as unknown as OperationOutcome).issue[0]?.expression).toEqual(['Task.id']);
    expect((await found('cu-3')).map((t) => [t.id, t.description])).toEqual([[created.body.id, 'first']]);
  });

  it('several matches: 412, nothing changed', async () => {
    for (const description of ['one', 'two']) {
      const posted = await gateway.call('POST', 'Task', task('cu-dup', description));
      expect(posted.status).toBe(201);
    }
    const answer = await put('cu-dup', task('cu-dup', 'three'));
    expect(answer.status).toBe(412);
    expect((await found('cu-dup')).map((t) => t.description).sort()).toEqual(['one', 'two']);
  });

  it('no criteria: 400', async () => {
    const answer = await gateway.call('PUT', 'Task', task('cu-none', 'x'));
    expect(answer.status).toBe(400);
  });

  it('20 concurrent conditional updates on an absent resource create exactly one', async () => {
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => put('cu-race', task('cu-race', `writer ${i}`))),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    // The others update the one created (or, racing with another update, are told 409/412).
    expect(statuses.every((s) => s === 201 || s === 200 || s === 409 || s === 412)).toBe(true);
    expect(new Set(answers.filter((a) => a.status < 300).map((a) => a.body.id)).size).toBe(1);
    expect(await found('cu-race')).toHaveLength(1);
  });
});
