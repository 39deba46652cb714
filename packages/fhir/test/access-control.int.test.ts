// The router's access port: every interaction but GET /metadata needs an authenticated caller
// (401), and the SMART permission of the interaction on the type (403); `_include` entries the
// caller may not read are left out with a warning. Tokens here are opaque names resolved by a
// small in-test authenticator; real JWT verification is @carenet/access's, tested there.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Basic, Bundle, OperationOutcome, Patient } from 'fhir/r4.js';
import { createTestDatabase, type TestDatabase } from '@carenet/testing';
import { PostgresEventStore, postgresDatabase } from '@carenet/eventsourcing';
import {
  createResourceValidator,
  fhirRouter,
  IndexValueExtractor,
  PostgresSearchStore,
  SearchParameterRegistry,
  unauthorized,
  type Authenticator,
  type Permission,
} from '../src/index.js';
import { demoProvider, demoSearchProjection } from './support/demo-provider.js';
import { serveFhir, type ServedFhir } from './support/serve-fhir.js';

/** The parts of the response bodies (OperationOutcome, Bundle, Basic) the tests read. */
interface ResponseBody {
  readonly resourceType: string;
  readonly id?: string;
  readonly meta?: Basic['meta'];
  readonly total?: number;
  readonly entry?: Bundle['entry'];
  readonly issue: OperationOutcome['issue'];
}

/** Token → the permissions it grants, per type (`*` for every type). */
const TOKENS: Record<string, Record<string, string>> = {
  everything: { '*': 'cruds' },
  'basic-only': { Basic: 'cruds' },
  'read-only': { '*': 'rs' },
  'no-search': { '*': 'cruda' },
};

const authenticator: Authenticator = {
  authenticate(authorization) {
    const token = /^Bearer (\S+)$/.exec(authorization ?? '')?.[1];
    const grants = token === undefined ? undefined : TOKENS[token];
    if (grants === undefined) return Promise.reject(unauthorized('unknown token'));
    return Promise.resolve({
      actor: { kind: 'system', clientId: token },
      allows: (type: string, permission: Permission) =>
        (grants[type] ?? grants['*'] ?? '').includes(permission),
    });
  },
};

describe('access control at the router', () => {
  let database: TestDatabase;
  let store: PostgresEventStore;
  let served: ServedFhir;
  const registry = SearchParameterRegistry.r4({ supported: { Basic: 'all', Patient: 'all' } });

  async function call(
    method: string,
    path: string,
    token: string | undefined,
    body?: unknown,
    headers: Record<string, string> = {},
  ) {
    const response = await fetch(`${served.base}/${path}`, {
      method,
      headers: {
        ...(token !== undefined && { authorization: `Bearer ${token}` }),
        ...(body !== undefined && { 'content-type': 'application/fhir+json' }),
        ...headers,
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      body: (text ? JSON.parse(text) : undefined) as ResponseBody | undefined,
    };
  }

  const basicCount = async () => (await call('GET', 'Basic?_summary=count', 'everything')).body?.total;

  let patientId = '';
  let basicId = '';

  beforeAll(async () => {
    database = await createTestDatabase('fhir-access-control');
    const db = postgresDatabase({ connectionString: database.url });
    const search = await PostgresSearchStore.open(db);
    store = await PostgresEventStore.open(db, {
      projections: [demoSearchProjection(['Basic', 'Patient'], search, new IndexValueExtractor(registry))],
    });
    served = await serveFhir((base) =>
      fhirRouter({
        providers: [demoProvider('Basic', store, search), demoProvider('Patient', store, search)],
        validator: createResourceValidator({ types: ['Basic', 'Patient'] }),
        publicBaseUrl: base,
        logger: { error: () => undefined },
        search: { registry },
        authenticator,
        capability: { softwareVersion: 'test', startedAt: '2026-11-25T10:00:00.000Z' },
      }),
    );
    const patient: Patient = { resourceType: 'Patient', name: [{ family: 'Martin' }] };
    patientId = (await call('POST', 'Patient', 'everything', patient)).body?.id ?? '';
    const basic: Basic = {
      resourceType: 'Basic',
      code: { text: 'demo' },
      subject: { reference: `Patient/${patientId}` },
    };
    basicId = (await call('POST', 'Basic', 'everything', basic)).body?.id ?? '';
  });
  afterAll(async () => {
    served.close();
    await store.close();
    await database.drop();
  });

  it('serves the CapabilityStatement without a token', async () => {
    const response = await call('GET', 'metadata', undefined);
    expect(response.status).toBe(200);
  });

  it.each([
    ['no header', undefined],
    ['an unknown token', 'forged'],
  ])(
    'answers 401 with WWW-Authenticate and an OperationOutcome for %s, and writes nothing',
    async (_, token) => {
      const before = await basicCount();
      for (const [method, path, body] of [
        ['GET', `Basic/${basicId}`, undefined],
        ['GET', 'Basic', undefined],
        ['POST', 'Basic', { resourceType: 'Basic', code: { text: 'x' } }],
        ['PUT', `Basic/${basicId}`, { resourceType: 'Basic', id: basicId, code: { text: 'x' } }],
        ['DELETE', `Basic/${basicId}`, undefined],
        ['GET', `Basic/${basicId}/_history`, undefined],
      ] as const) {
        const response = await call(method, path, token, body);
        expect(response.status).toBe(401);
        expect(response.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
        expect(response.body?.resourceType).toBe('OperationOutcome');
        expect(response.body?.issue[0]?.code).toBe('login');
      }
      // A 401 comes before the body is even parsed.
      const garbage = await fetch(`${served.base}/Basic`, {
        method: 'POST',
        headers: { 'content-type': 'application/fhir+json' },
        body: '{not json',
      });
      expect(garbage.status).toBe(401);
      expect(await basicCount()).toBe(before);
    },
  );

  it.each([
    ['create', 'POST', 'Basic', { resourceType: 'Basic', code: { text: 'x' } }, 'c'],
    ['update', 'PUT', 'Basic/{id}', { resourceType: 'Basic', id: '{id}', code: { text: 'x' } }, 'u'],
    ['patch', 'PATCH', 'Basic/{id}', [{ op: 'replace', path: '/code/text', value: 'y' }], 'u'],
    ['delete', 'DELETE', 'Basic/{id}', undefined, 'd'],
  ] as const)(
    'answers 403 naming the scope for %s without its permission, and writes nothing',
    async (_, method, path, body, letter) => {
      const before = await basicCount();
      const withId = (value: unknown) =>
        JSON.parse(JSON.stringify(value).replaceAll('{id}', basicId)) as unknown;
      const response = await call(
        method,
        path.replace('{id}', basicId),
        'read-only',
        body === undefined ? undefined : withId(body),
        method === 'PATCH' ? { 'content-type': 'application/json-patch+json' } : {},
      );
      expect(response.status).toBe(403);
      expect(response.body?.issue[0]?.code).toBe('forbidden');
      expect(response.body?.issue[0]?.diagnostics).toContain(`(${letter}) on Basic`);
      expect(await basicCount()).toBe(before);
      const stored = await call('GET', `Basic/${basicId}`, 'everything');
      expect(stored.body?.meta?.versionId).toBe('1');
    },
  );

  it('needs s to search, r to read, vread and read history', async () => {
    expect((await call('GET', 'Basic', 'no-search')).status).toBe(403);
    expect((await call('GET', 'Basic', 'read-only')).status).toBe(200);
    expect((await call('GET', `Basic/${basicId}`, 'read-only')).status).toBe(200);
    expect((await call('GET', `Basic/${basicId}/_history/1`, 'read-only')).status).toBe(200);
    expect((await call('GET', `Basic/${basicId}/_history`, 'read-only')).status).toBe(200);
    // Scopes of one type grant nothing on another.
    const other = await call('GET', `Patient/${patientId}`, 'basic-only');
    expect(other.status).toBe(403);
    expect(other.body?.issue[0]?.diagnostics).toContain('on Patient');
  });

  it('leaves out _include entries of a type the token cannot read, with a warning', async () => {
    const full = await call('GET', `Basic?_id=${basicId}&_include=Basic:subject`, 'everything');
    expect(full.body?.entry?.map((e) => e.resource?.resourceType)).toEqual(['Basic', 'Patient']);

    const partial = await call('GET', `Basic?_id=${basicId}&_include=Basic:subject`, 'basic-only');
    expect(partial.status).toBe(200);
    const entries = partial.body?.entry ?? [];
    expect(entries.map((e) => e.resource?.resourceType)).toEqual(['Basic', 'OperationOutcome']);
    const warning = (entries[1]?.resource as OperationOutcome).issue[0];
    expect(warning?.severity).toBe('warning');
    expect(warning?.code).toBe('suppressed');
    expect(warning?.diagnostics).toContain('Patient');
  });
});
