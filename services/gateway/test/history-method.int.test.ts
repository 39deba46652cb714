// The history shows each write's method as sent (issue 15) for the care-plans aggregates too: a
// CarePlan created, updated and patched through the gateway's real services shows POST, PUT, PATCH.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { postgresDatabase, type SqlDatabase } from '@carenet/eventsourcing';
import { createTestDatabase, type TestDatabase } from '@carenet/testing';
import { startInProcessGateway, type InProcessGateway } from './support/in-process-gateway.js';

describe('CarePlan history request.method', () => {
  let database: TestDatabase;
  let db: SqlDatabase;
  let gateway: InProcessGateway;

  beforeAll(async () => {
    database = await createTestDatabase('gateway-history-method');
    db = postgresDatabase({ connectionString: database.url });
    gateway = await startInProcessGateway(db);
  });
  afterAll(async () => {
    await gateway.close();
    await db.close();
    await database.drop();
  });

  it('shows POST, PUT and PATCH for a create, an update and a patch', async () => {
    const created = await gateway.call('POST', 'CarePlan', {
      resourceType: 'CarePlan',
      status: 'draft',
      intent: 'plan',
      title: 'one',
      subject: { identifier: { system: 'urn:oid:1.2.250.1.213.1.4.8', value: '279035121518989' } },
    });
    expect([created.status, created.body.issue]).toEqual([201, undefined]);
    const id = String(created.body.id);
    const updated = await gateway.call('PUT', `CarePlan/${id}`, { ...created.body, title: 'two' });
    expect([updated.status, updated.body.issue]).toEqual([200, undefined]);
    const patched = await gateway.call(
      'PATCH',
      `CarePlan/${id}`,
      JSON.stringify([{ op: 'replace', path: '/title', value: 'three' }]),
      { 'content-type': 'application/json-patch+json' },
    );
    expect([patched.status, patched.body.issue]).toEqual([200, undefined]);

    const history = await gateway.call('GET', `CarePlan/${id}/_history`);
    const entries = history.body.entry as { request: { method: string; url: string } }[];
    expect(entries.map((e) => [e.request.method, e.request.url])).toEqual([
      ['PATCH', `CarePlan/${id}`],
      ['PUT', `CarePlan/${id}`],
      ['POST', 'CarePlan'],
    ]);
    const typeHistory = await gateway.call('GET', 'CarePlan/_history');
    const versions = typeHistory.body.entry as { resource: { id: string }; request: { method: string } }[];
    expect(versions.filter((e) => e.resource.id === id).map((e) => e.request.method)).toEqual([
      'PATCH',
      'PUT',
      'POST',
    ]);
  });
});
