// FHIR R4 interactions through HTTP, with fhir-kit-client as the client, against PostgreSQL:
// a demo type (Basic) registered only here, event-sourced on the real event store.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Basic, Bundle, CapabilityStatement, OperationOutcome, Parameters, Resource } from 'fhir/r4.js';
import { Client, RESPONSE_KEY, type FhirResource } from 'fhir-kit-client';
import { createTestDatabase, type TestDatabase } from '@carenet/testing';
import { PostgresEventStore, postgresDatabase } from '@carenet/eventsourcing';
import { createResourceValidator, fhirRouter, type ResourceProvider } from '../src/index.js';
import { basicProvider } from './support/demo-provider.js';
import { serveFhir, type ServedFhir } from './support/serve-fhir.js';

interface HttpFailure {
  response: { status: number; data: OperationOutcome };
}

async function failure(promise: Promise<unknown>): Promise<HttpFailure['response']> {
  try {
    await promise;
  } catch (error) {
    return (error as HttpFailure).response;
  }
  throw new Error('expected the request to fail');
}

// fhir-kit-client's types are loose (any JSON, untyped Response): adapt them once, here.
const asFhir = (resource: Resource | Basic) => resource as unknown as FhirResource;
const responseOf = (result: unknown) => (result as { [RESPONSE_KEY]?: Response })[RESPONSE_KEY];
const headerOf = (result: unknown, name: string) => responseOf(result)?.headers.get(name) ?? null;
const statusOf = (result: unknown) => responseOf(result)?.status;
async function as<T>(call: Promise<FhirResource>): Promise<T> {
  return (await call) as unknown as T;
}

describe('FHIR interactions over HTTP (fhir-kit-client, PostgreSQL)', () => {
  let database: TestDatabase;
  let store: PostgresEventStore;
  let served: ServedFhir;
  let client: Client;
  let base: string;

  // Every incoming resource is checked against the R4 schema and required elements first.
  const validator = createResourceValidator({ types: ['Basic', 'Device'] });

  beforeAll(async () => {
    database = await createTestDatabase('fhir-interactions');
    store = await PostgresEventStore.open(postgresDatabase({ connectionString: database.url }));
    // A second type that only supports read: everything else must be refused with 405.
    const readOnly: ResourceProvider = {
      type: 'Device',
      read: () => Promise.reject(new Error('never called in these tests')),
    };
    served = await serveFhir((url) =>
      fhirRouter({
        providers: [basicProvider(store), readOnly],
        validator,
        publicBaseUrl: url,
        logger: { error: () => undefined },
        capability: { softwareVersion: 'test', startedAt: '2026-11-25T10:00:00.000Z' },
      }),
    );
    base = served.base;
    client = new Client({ baseUrl: base });
  });
  afterAll(async () => {
    served.close();
    await store.close();
    await database.drop();
  });

  const demo: Basic = { resourceType: 'Basic', code: { text: 'demo' } };

  it('create: 201 with Location, ETag, Last-Modified and the stored resource', async () => {
    const created = await as<Basic>(client.create({ resourceType: 'Basic', body: asFhir(demo) }));
    expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.meta?.versionId).toBe('1');
    expect(created.code).toEqual({ text: 'demo' });
    expect(statusOf(created)).toBe(201);
    expect(headerOf(created, 'location')).toBe(`${base}/Basic/${created.id}/_history/1`);
    expect(headerOf(created, 'etag')).toBe('W/"1"');
    expect(headerOf(created, 'last-modified')).toBe(new Date(created.meta?.lastUpdated ?? '').toUTCString());
  });

  it('read and vread: every version stays readable', async () => {
    const created = await as<Basic>(client.create({ resourceType: 'Basic', body: asFhir(demo) }));
    const id = created.id ?? '';
    await client.update({ resourceType: 'Basic', id, body: asFhir({ ...demo, id, code: { text: 'v2' } }) });
    const current = await as<Basic>(client.read({ resourceType: 'Basic', id }));
    expect(current.meta?.versionId).toBe('2');
    expect(current.code.text).toBe('v2');
    expect(headerOf(current, 'etag')).toBe('W/"2"');
    const first = await as<Basic>(client.vread({ resourceType: 'Basic', id, version: '1' }));
    expect(first.code.text).toBe('demo');
    expect((await failure(client.vread({ resourceType: 'Basic', id, version: '3' }))).status).toBe(404);
  });

  it('read of an unknown id: 404 OperationOutcome; malformed id: 400', async () => {
    const missing = await failure(client.read({ resourceType: 'Basic', id: 'does-not-exist' }));
    expect(missing.status).toBe(404);
    expect(missing.data.resourceType).toBe('OperationOutcome');
    expect((await failure(client.read({ resourceType: 'Basic', id: 'bad_id!' }))).status).toBe(400);
  });

  it('update with If-Match: 200 when it matches, 412 when the version moved on', async () => {
    const created = await as<Basic>(client.create({ resourceType: 'Basic', body: asFhir(demo) }));
    const id = created.id ?? '';
    const body = asFhir({ ...demo, id, code: { text: 'matched' } });
    const ok = await as<Basic>(
      client.update({
        resourceType: 'Basic',
        id,
        body,
        options: { headers: { 'If-Match': 'W/"1"' } },
      }),
    );
    expect(statusOf(ok)).toBe(200);
    expect(ok.meta?.versionId).toBe('2');
    const stale = await failure(
      client.update({ resourceType: 'Basic', id, body, options: { headers: { 'If-Match': 'W/"1"' } } }),
    );
    expect(stale.status).toBe(412);
    expect(stale.data.issue[0]?.code).toBe('conflict');
  });

  it('update of a new id creates it (201), and the id in the body must match the URL', async () => {
    const id = 'client-chosen-1';
    const created = await as<Basic>(
      client.update({
        resourceType: 'Basic',
        id,
        body: asFhir({ ...demo, id }),
      }),
    );
    expect(statusOf(created)).toBe(201);
    expect(headerOf(created, 'location')).toBe(`${base}/Basic/${id}/_history/1`);
    const mismatch = await failure(
      client.update({ resourceType: 'Basic', id, body: asFhir({ ...demo, id: 'other' }) }),
    );
    expect(mismatch.status).toBe(400);
    expect(mismatch.data.issue[0]?.expression).toEqual(['Basic.id']);
  });

  it('JSON Patch: applied to the current version, checked by If-Match', async () => {
    const created = await as<Basic>(client.create({ resourceType: 'Basic', body: asFhir(demo) }));
    const id = created.id ?? '';
    const patched = await as<Basic>(
      client.patch({
        resourceType: 'Basic',
        id,
        jsonPatch: [{ op: 'replace', path: '/code/text', value: 'patched' }],
      }),
    );
    expect(patched.code.text).toBe('patched');
    expect(patched.meta?.versionId).toBe('2');
    const stale = await failure(
      client.patch({
        resourceType: 'Basic',
        id,
        jsonPatch: [{ op: 'replace', path: '/code/text', value: 'again' }],
        options: { headers: { 'If-Match': 'W/"1"' } },
      }),
    );
    expect(stale.status).toBe(412);
    const broken = await failure(
      client.patch({ resourceType: 'Basic', id, jsonPatch: [{ op: 'remove', path: '/nothing/here' }] }),
    );
    expect(broken.status).toBe(400);
  });

  it('history: a Bundle of every version, newest first, with _count and _since', async () => {
    const created = await as<Basic>(client.create({ resourceType: 'Basic', body: asFhir(demo) }));
    const id = created.id ?? '';
    for (const text of ['two', 'three']) {
      await client.update({ resourceType: 'Basic', id, body: asFhir({ ...demo, id, code: { text } }) });
    }
    const history = await as<Bundle>(client.history({ resourceType: 'Basic', id }));
    expect(history.type).toBe('history');
    expect(history.entry?.map((e) => [e.request?.method, e.response?.etag])).toEqual([
      ['PUT', 'W/"3"'],
      ['PUT', 'W/"2"'],
      ['POST', 'W/"1"'],
    ]);
    const latest = await as<Bundle>(client.history({ resourceType: 'Basic', id, options: { headers: {} } }));
    expect(latest.entry).toHaveLength(3);
    const limited = await as<Bundle>(client.request(`Basic/${id}/_history?_count=1`));
    expect(limited.entry?.map((e) => e.response?.etag)).toEqual(['W/"3"']);
    const future = await as<Bundle>(client.request(`Basic/${id}/_history?_since=2999-01-01T00:00:00Z`));
    expect(future).not.toHaveProperty('entry'); // an empty array is not FHIR JSON
    expect((await failure(client.request(`Basic/${id}/_history?_since=yesterday`))).status).toBe(400);
  });

  it('delete: then read is 410 Gone, the history shows the deletion', async () => {
    const created = await as<Basic>(client.create({ resourceType: 'Basic', body: asFhir(demo) }));
    const id = created.id ?? '';
    await client.delete({ resourceType: 'Basic', id });
    const gone = await failure(client.read({ resourceType: 'Basic', id }));
    expect(gone.status).toBe(410);
    const history = await as<Bundle>(client.history({ resourceType: 'Basic', id }));
    expect(history.entry?.[0]?.request?.method).toBe('DELETE');
    expect(await as<Basic>(client.vread({ resourceType: 'Basic', id, version: '1' }))).toMatchObject({ id });
  });

  it('Prefer: return=minimal sends no body, return=OperationOutcome an outcome', async () => {
    const minimal = await fetch(`${base}/Basic`, {
      method: 'POST',
      body: JSON.stringify(demo),
      headers: { 'content-type': 'application/fhir+json', prefer: 'return=minimal' },
    });
    expect(minimal.status).toBe(201);
    expect(minimal.headers.get('location')).toMatch(/\/Basic\/.+\/_history\/1$/);
    expect(await minimal.text()).toBe('');
    const outcome = await fetch(`${base}/Basic`, {
      method: 'POST',
      body: JSON.stringify(demo),
      headers: { 'content-type': 'application/fhir+json', prefer: 'return=OperationOutcome' },
    });
    expect(((await outcome.json()) as OperationOutcome).resourceType).toBe('OperationOutcome');
  });

  it('typed operations at type and instance level', async () => {
    const typeLevel = await as<Parameters>(
      client.operation({
        resourceType: 'Basic',
        name: '$echo',
        method: 'GET',
      }),
    );
    expect(typeLevel.parameter?.[0]?.valueString).toBe('(type level)');
    const instance = await as<Parameters>(
      client.operation({
        resourceType: 'Basic',
        id: 'x1',
        name: '$echo',
        input: asFhir({ resourceType: 'Parameters' }),
      }),
    );
    expect(instance.parameter?.map((p) => p.valueString)).toEqual(['x1', '', 'Parameters']);
    expect(
      (await failure(client.operation({ resourceType: 'Basic', name: '$nope', method: 'GET' }))).status,
    ).toBe(404);
  });

  it('refuses what is not registered: unknown type 404, unsupported interaction 405', async () => {
    expect((await failure(client.read({ resourceType: 'Patient', id: '1' }))).status).toBe(404);
    const create = client.create({ resourceType: 'Device', body: asFhir({ resourceType: 'Device' }) });
    expect((await failure(create)).status).toBe(405);
    expect((await failure(client.history({ resourceType: 'Device', id: '1' }))).status).toBe(405);
  });

  it('refuses a body of another type, and a conditional create it cannot evaluate yet', async () => {
    const wrong = await failure(
      client.create({ resourceType: 'Basic', body: asFhir({ resourceType: 'Device' }) }),
    );
    expect(wrong.status).toBe(400);
    const conditional = await failure(
      client.create({
        resourceType: 'Basic',
        body: asFhir(demo),
        options: { headers: { 'If-None-Exist': 'code=x' } },
      }),
    );
    expect(conditional.status).toBe(400);
  });

  it('serves a CapabilityStatement that claims exactly what the providers implement', async () => {
    const statement = await as<CapabilityStatement>(client.capabilityStatement());
    const resources = statement.rest?.[0]?.resource ?? [];
    expect(resources.map((r) => r.type)).toEqual(['Basic', 'Device']);
    expect(resources[0]?.interaction?.map((i) => i.code)).toEqual([
      'read',
      'vread',
      'update',
      'patch',
      'delete',
      'history-instance',
      'create',
    ]);
    expect(resources[0]?.operation).toEqual([
      { name: 'echo', definition: 'https://carenet.example.org/fhir/OperationDefinition/Basic-echo' },
      { name: 'validate', definition: 'http://hl7.org/fhir/OperationDefinition/Resource-validate' },
    ]);
    expect(resources[1]?.interaction).toEqual([{ code: 'read' }]);
    expect(resources[1]?.readHistory).toBe(false);
  });
});
