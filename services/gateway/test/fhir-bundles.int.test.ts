// Batch and transaction Bundles (POST [base], issue 15) through the gateway's real services on
// PostgreSQL: batch entries independent, a transaction all or nothing in one database transaction
// of one service, urn:uuid references resolved, a transaction across two services refused.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Bundle, BundleEntry, CapabilityStatement, OperationOutcome, Task } from 'fhir/r4.js';
import { PGlite } from '@electric-sql/pglite';
import { pgliteDatabase, postgresDatabase, type SqlDatabase } from '@carenet/eventsourcing';
import { createTestDatabase, type TestDatabase } from '@carenet/testing';
import { startInProcessGateway, type InProcessGateway } from './support/in-process-gateway.js';

const INS = 'urn:oid:1.2.250.1.213.1.4.8';
const IDNPS = 'urn:oid:1.2.250.1.71.4.2.1';
const EHR = 'https://ehr.example.org/task-ids';

function task(identifier: string, extra: Partial<Task> = {}): Task {
  return {
    resourceType: 'Task',
    identifier: [{ system: EHR, value: identifier }],
    status: 'requested',
    intent: 'order',
    code: { text: 'Wound care' },
    for: { identifier: { system: INS, value: '279035121518989' } },
    owner: { identifier: { system: IDNPS, value: '810000000002' } },
    ...extra,
  };
}

const post = (resource: Task | Record<string, unknown>, fullUrl?: string): BundleEntry => ({
  ...(fullUrl !== undefined && { fullUrl }),
  resource: resource as Task,
  request: { method: 'POST', url: String(resource.resourceType) },
});

const bundle = (type: 'batch' | 'transaction', entry: BundleEntry[]): Bundle => ({
  resourceType: 'Bundle',
  type,
  entry,
});

describe('batch and transaction Bundles', () => {
  let database: TestDatabase;
  let db: SqlDatabase;
  let gateway: InProcessGateway;

  beforeAll(async () => {
    database = await createTestDatabase('gateway-fhir-bundles');
    db = postgresDatabase({ connectionString: database.url, max: 20 });
    gateway = await startInProcessGateway(db);
  });
  afterAll(async () => {
    await gateway.close();
    await db.close();
    await database.drop();
  });

  const send = async (body: Bundle) => {
    const answer = await gateway.call('POST', '', body);
    return {
      status: answer.status,
      bundle: answer.body as unknown as Bundle,
      outcome: answer.body as unknown as OperationOutcome,
    };
  };
  /** The Tasks with an EHR identifier. */
  const tasksWith = async (identifier: string): Promise<Task[]> => {
    const found = await gateway.call('GET', `Task?identifier=${encodeURIComponent(`${EHR}|${identifier}`)}`);
    expect(found.status).toBe(200);
    return ((found.body as unknown as Bundle).entry ?? [])
      .filter((e) => e.search?.mode === 'match')
      .map((e) => e.resource as Task);
  };

  it('batch: a good and a bad entry, one 201 and one 400, the good one stored, a search answered', async () => {
    const answer = await send(
      bundle('batch', [
        post(task('batch-good')),
        post({ ...task('batch-bad'), status: 'not-a-status' }),
        { request: { method: 'GET', url: `Task?identifier=${EHR}|batch-good` } },
        { request: { method: 'GET', url: 'Task/no-such-task' } },
      ]),
    );
    expect(answer.status).toBe(200);
    expect(answer.bundle.type).toBe('batch-response');
    const [good, bad, search, missing] = answer.bundle.entry ?? [];
    expect(good?.response?.status).toBe('201 Created');
    const id = (good?.resource as Task).id ?? '';
    expect(good?.response?.location).toBe(`Task/${id}/_history/1`);
    expect(good?.response?.etag).toBe('W/"1"');
    expect(good?.response?.lastModified).toBe((good?.resource as Task).meta?.lastUpdated);
    expect(good?.fullUrl).toBe(`http://127.0.0.1/fhir/Task/${id}`);
    expect(bad?.response?.status).toBe('400 Bad Request');
    expect((bad?.response?.outcome as OperationOutcome).issue[0]?.expression).toEqual(['Task.status']);
    expect(search?.response?.status).toBe('200 OK');
    expect((search?.resource as Bundle).entry?.map((e) => (e.resource as Task).id)).toEqual([id]);
    expect(missing?.response?.status).toBe('404 Not Found');

    expect((await tasksWith('batch-good')).map((t) => t.id)).toEqual([id]);
    expect(await tasksWith('batch-bad')).toEqual([]);
  });

  it('transaction: Tasks referring to each other by urn:uuid are stored with the references resolved', async () => {
    const parentUrl = 'urn:uuid:4f3c1a52-7d8e-4f61-9a43-0b2a1c9e7d01';
    const answer = await send(
      bundle('transaction', [
        // The child comes first: its reference is resolved all the same.
        post(
          task('tx-child', {
            partOf: [{ reference: parentUrl }],
            basedOn: [{ reference: parentUrl }],
          }),
          'urn:uuid:4f3c1a52-7d8e-4f61-9a43-0b2a1c9e7d02',
        ),
        post(task('tx-parent'), parentUrl),
      ]),
    );
    expect([answer.status, answer.outcome.issue]).toEqual([200, undefined]);
    expect(answer.bundle.type).toBe('transaction-response');
    const [childEntry, parentEntry] = answer.bundle.entry ?? [];
    expect([childEntry?.response?.status, parentEntry?.response?.status]).toEqual([
      '201 Created',
      '201 Created',
    ]);
    const parentId = (parentEntry?.resource as Task).id ?? '';
    const child = childEntry?.resource as Task;
    expect(child.partOf?.map((r) => r.reference)).toEqual([`Task/${parentId}`]);
    expect(child.basedOn?.map((r) => r.reference)).toEqual([`Task/${parentId}`]);

    const [stored] = await tasksWith('tx-child');
    expect(stored?.partOf?.map((r) => r.reference)).toEqual([`Task/${parentId}`]);
    expect((await tasksWith('tx-parent')).map((t) => t.id)).toEqual([parentId]);
    const byPartOf = await gateway.call('GET', `Task?part-of=Task/${parentId}`);
    expect(((byPartOf.body as unknown as Bundle).entry ?? []).map((e) => (e.resource as Task).id)).toEqual([
      stored?.id,
    ]);
  });

  it('transaction: an invalid entry stores nothing, and the answer names the entry', async () => {
    const answer = await send(
      bundle('transaction', [
        post(task('tx-rollback-1')),
        post({ ...task('tx-rollback-2'), intent: 'bogus' }),
      ]),
    );
    expect(answer.status).toBe(400);
    expect(answer.outcome.resourceType).toBe('OperationOutcome');
    expect(answer.outcome.issue[0]?.expression).toContain('Bundle.entry[1]');
    expect(answer.outcome.issue[0]?.diagnostics).toMatch(/^Bundle\.entry\[1\] \(POST Task\)/);
    expect(await tasksWith('tx-rollback-1')).toEqual([]);
    expect(await tasksWith('tx-rollback-2')).toEqual([]);
  });

  it('transaction: a failure after a write rolls the write back (one database transaction)', async () => {
    const existing = await gateway.call('POST', 'Task', task('tx-existing'));
    expect(existing.status).toBe(201);
    const existingId = String(existing.body.id);
    // POST runs before PUT (R4 order): the create is appended, then the stale If-Match fails.
    const answer = await send(
      bundle('transaction', [
        {
          resource: { ...existing.body, description: 'changed' } as Task,
          request: { method: 'PUT', url: `Task/${existingId}`, ifMatch: 'W/"7"' },
        },
        post(task('tx-appended-then-rolled-back')),
      ]),
    );
    expect(answer.status).toBe(412);
    expect(answer.outcome.issue[0]?.expression).toContain('Bundle.entry[0]');
    expect(await tasksWith('tx-appended-then-rolled-back')).toEqual([]);
    const after = await gateway.call('GET', `Task/${existingId}`);
    expect(after.body.meta).toMatchObject({ versionId: '1' });
  });

  it('transaction: a GET search runs last, in the transaction, and sees its writes', async () => {
    const answer = await send(
      bundle('transaction', [
        { request: { method: 'GET', url: `Task?identifier=${EHR}|tx-visible` } },
        post(task('tx-visible')),
      ]),
    );
    expect([answer.status, answer.outcome.issue]).toEqual([200, undefined]);
    const [search, created] = answer.bundle.entry ?? [];
    expect((search?.resource as Bundle).entry?.map((e) => (e.resource as Task).id)).toEqual([
      (created?.resource as Task).id,
    ]);
  });

  it('transaction: ifNoneExist finds the existing Task, and references to its fullUrl resolve to it', async () => {
    const existing = await gateway.call('POST', 'Task', task('tx-conditional'));
    const existingId = String(existing.body.id);
    const answer = await send(
      bundle('transaction', [
        {
          fullUrl: 'urn:uuid:11111111-2222-4333-8444-555555555555',
          resource: task('tx-conditional'),
          request: { method: 'POST', url: 'Task', ifNoneExist: `identifier=${EHR}|tx-conditional` },
        },
        post(
          task('tx-conditional-child', {
            partOf: [{ reference: 'urn:uuid:11111111-2222-4333-8444-555555555555' }],
          }),
        ),
      ]),
    );
    expect([answer.status, answer.outcome.issue]).toEqual([200, undefined]);
    expect(answer.bundle.entry?.[0]?.response?.status).toBe('200 OK');
    expect((answer.bundle.entry?.[0]?.resource as Task).id).toBe(existingId);
    expect((answer.bundle.entry?.[1]?.resource as Task).partOf?.map((r) => r.reference)).toEqual([
      `Task/${existingId}`,
    ]);
    expect(await tasksWith('tx-conditional')).toHaveLength(1);
  });

  it('transaction of the care-plans service: a CarePlan referring to its new Goal by urn:uuid', async () => {
    const goalUrl = 'urn:uuid:6a1f0d3e-2b4c-4d5e-8f60-718293a4b5c6';
    const subject = { identifier: { system: INS, value: '279035121518989' } };
    const answer = await send(
      bundle('transaction', [
        post({
          resourceType: 'CarePlan',
          status: 'draft',
          intent: 'plan',
          title: 'tx-plan',
          subject,
          goal: [{ reference: goalUrl }],
        }),
        post(
          {
            resourceType: 'Goal',
            lifecycleStatus: 'proposed',
            description: { text: 'walk 30 minutes a day' },
            subject,
          },
          goalUrl,
        ),
      ]),
    );
    expect([answer.status, answer.outcome.issue]).toEqual([200, undefined]);
    const [plan, goal] = (answer.bundle.entry ?? []).map(
      (e) => e.resource as { id?: string; goal?: { reference?: string }[] },
    );
    expect(plan?.goal?.map((g) => g.reference)).toEqual([`Goal/${goal?.id ?? ''}`]);
    const read = await gateway.call('GET', `CarePlan/${plan?.id ?? ''}`);
    expect((read.body.goal as { reference?: string }[]).map((g) => g.reference)).toEqual([
      `Goal/${goal?.id ?? ''}`,
    ]);
  });

  it('transaction across two services (Task and CarePlan) is refused as a whole: 422 not-supported', async () => {
    const answer = await send(
      bundle('transaction', [
        post(task('tx-cross-service')),
        post({
          resourceType: 'CarePlan',
          status: 'draft',
          intent: 'plan',
          subject: { identifier: { system: INS, value: '279035121518989' } },
        }),
      ]),
    );
    expect(answer.status).toBe(422);
    expect(answer.outcome.issue[0]?.code).toBe('not-supported');
    expect(answer.outcome.issue[0]?.diagnostics).toMatch(/atomic within one service only/);
    expect(answer.outcome.issue[0]?.diagnostics).toMatch(/tasks \(Task\) and care-plans \(CarePlan\)/);
    expect(await tasksWith('tx-cross-service')).toEqual([]);
  });

  it('refuses a Bundle that is not a batch or transaction (400 naming Bundle.type) and one too big (413)', async () => {
    const collection = await send({ resourceType: 'Bundle', type: 'collection' });
    expect(collection.status).toBe(400);
    expect(collection.outcome.issue[0]?.expression).toEqual(['Bundle.type']);
    const notBundle = await gateway.call('POST', '', task('not-a-bundle'));
    expect(notBundle.status).toBe(400);
    const big = await send(
      bundle(
        'batch',
        Array.from({ length: 101 }, () => ({ request: { method: 'GET' as const, url: 'Task/x' } })),
      ),
    );
    expect(big.status).toBe(413);
    expect(big.outcome.issue[0]?.diagnostics).toMatch(/at most 100/);
  });

  it('each entry gets the status of its own interaction (405 for an interaction the type lacks, 404 for a type not served)', async () => {
    const answer = await send(
      bundle('batch', [
        { request: { method: 'DELETE', url: 'Task/whatever' } },
        { request: { method: 'GET', url: 'Device/1' } },
      ]),
    );
    const statuses = (answer.bundle.entry ?? []).map((e) => e.response?.status);
    // Tasks are never deleted (405); Device is not served (404).
    expect(statuses).toEqual(['405 Method Not Allowed', '404 Not Found']);
  });

  it('malformed entries are 4xx OperationOutcomes, never a 500, in a batch and in a transaction', async () => {
    const malformed: unknown[] = [
      null,
      'entry',
      { request: null },
      { request: { method: 'GET', url: 42 } },
      { request: { method: 'GET', url: 'Task?_count=abc' } },
      { request: { method: 'GET', url: 'task/1' } },
      { request: { method: 'POST', url: 'Task' }, resource: 'not a resource' },
      { request: { method: 'POST', url: 'Task', ifNoneExist: 7 }, resource: task('m') },
      { request: { method: 'POST', url: 'Task', ifNoneExist: 'bogus-param=1' }, resource: task('m') },
      { request: { method: 'PUT', url: 'CarePlan/abc' }, resource: task('m') },
      { request: { method: 'PUT', url: 'Task?' }, resource: task('m') },
      { request: { method: 'PATCH', url: 'Task/abc' }, resource: { resourceType: 'Binary', data: '!!' } },
      {
        request: { method: 'PATCH', url: 'Task/abc' },
        resource: {
          resourceType: 'Binary',
          contentType: 'application/json-patch+json',
          data: 'bm90IGpzb24=',
        },
      },
      {
        request: { method: 'PATCH', url: 'Task/abc' },
        resource: { resourceType: 'Parameters', parameter: [{}] },
      },
      { request: { method: 'GET', url: 'Task/abc/_history/0' } },
      { request: { method: 'DELETE', url: 'Task/a b' } },
    ];
    const batch = await send({ resourceType: 'Bundle', type: 'batch', entry: malformed as BundleEntry[] });
    expect(batch.status).toBe(200);
    const statuses = (batch.bundle.entry ?? []).map((e) => e.response?.status ?? '');
    expect(statuses).toHaveLength(malformed.length);
    for (const entry of batch.bundle.entry ?? []) {
      expect(Number(entry.response?.status.slice(0, 3))).toBeGreaterThanOrEqual(400);
      expect(Number(entry.response?.status.slice(0, 3))).toBeLessThan(500);
      expect(entry.response?.outcome?.resourceType).toBe('OperationOutcome');
    }
    for (const entry of malformed) {
      const transaction = await send({
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [entry as BundleEntry],
      });
      expect([
        transaction.status >= 400 && transaction.status < 500,
        transaction.outcome.resourceType,
      ]).toEqual([true, 'OperationOutcome']);
    }
    const deep = await gateway.call(
      'POST',
      '',
      `{"resourceType":"Bundle","type":"batch","entry":[{"resource":${'['.repeat(200)}${']'.repeat(200)}}]}`,
    );
    expect(deep.status).toBe(400);
  });

  it('the CapabilityStatement lists batch and transaction, both patch formats and conditional update', async () => {
    const statement = (await gateway.call('GET', 'metadata')).body as unknown as CapabilityStatement;
    const rest = statement.rest?.[0];
    expect(rest?.interaction?.map((i) => i.code)).toEqual(['batch', 'transaction']);
    expect(rest?.interaction?.[1]?.documentation).toMatch(/atomic within one service only/);
    expect(statement.patchFormat).toEqual(['application/json-patch+json', 'application/fhir+json']);
    expect(rest?.resource?.find((r) => r.type === 'Task')?.conditionalUpdate).toBe(true);
  });
});

// The embedded mode: PGlite has one session, so everything a transaction does must run in it (a
// search on another session would wait for the transaction forever).
describe('transaction Bundles on PGlite (embedded mode)', () => {
  let pglite: PGlite;
  let db: SqlDatabase;
  let gateway: InProcessGateway;

  beforeAll(async () => {
    pglite = await PGlite.create();
    db = pgliteDatabase(pglite);
    gateway = await startInProcessGateway(db);
  });
  afterAll(async () => {
    await gateway.close();
    await db.close();
  });

  it('runs conditional create, conditional update and search in one transaction, and rolls back a failed one', async () => {
    const answer = await gateway.call(
      'POST',
      '',
      bundle('transaction', [
        {
          resource: task('pglite-1'),
          request: { method: 'POST', url: 'Task', ifNoneExist: `identifier=${EHR}|pglite-1` },
        },
        { resource: task('pglite-2'), request: { method: 'PUT', url: `Task?identifier=${EHR}|pglite-2` } },
        { request: { method: 'GET', url: `Task?identifier=${EHR}|pglite-2` } },
      ]),
    );
    expect([answer.status, answer.body.issue]).toEqual([200, undefined]);
    const entries = (answer.body as unknown as Bundle).entry ?? [];
    expect(entries.map((e) => e.response?.status)).toEqual(['201 Created', '201 Created', '200 OK']);
    expect(((entries[2]?.resource as Bundle).entry ?? []).map((e) => (e.resource as Task).id)).toEqual([
      (entries[1]?.resource as Task).id,
    ]);

    const failed = await gateway.call(
      'POST',
      '',
      bundle('transaction', [post(task('pglite-3')), post({ ...task('pglite-4'), status: 'bogus' })]),
    );
    expect(failed.status).toBe(400);
    const search = await gateway.call('GET', `Task?identifier=${EHR}|pglite-3`);
    expect(
      (search.body as unknown as Bundle).entry?.filter((e) => e.search?.mode === 'match'),
    ).toBeUndefined();
  });
});
