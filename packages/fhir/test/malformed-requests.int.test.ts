// Fuzz: thousands of malformed requests against the router on PostgreSQL. Every one must get a
// 4xx OperationOutcome (never a 500, never a hang), and none may write anything. Searches with
// injection strings may also be valid (200): what they may never do is fail with a 5xx.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, seededRandom, type TestDatabase } from '@carenet/testing';
import { PostgresEventStore, postgresDatabase, START } from '@carenet/eventsourcing';
import {
  createResourceValidator,
  fhirRouter,
  IndexValueExtractor,
  SearchParameterRegistry,
} from '../src/index.js';
import { basicProvider } from './support/demo-provider.js';
import { serveFhir, type ServedFhir } from './support/serve-fhir.js';

const REQUESTS = 5_000;

const NASTY = [
  "' OR 1=1 --",
  '"; DROP TABLE eventstore.events; --',
  '../../etc/passwd',
  '%00',
  '\u0000',
  '<script>alert(1)</script>',
  '${jndi:ldap://x}',
  '{{7*7}}',
  '🙂'.repeat(50),
  'x'.repeat(5000),
  '-1',
  '1e309',
  'NaN',
  '2026-13-45T99:99:99Z',
  'W/"abc',
  '[]',
  '{}',
  'null',
];

/** What an HTTP client can put in a header at all (printable ASCII). */
const NASTY_HEADERS = NASTY.filter((value) => /^[\x20-\x7e]*$/.test(value));

interface Probe {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** A search: injection strings can be valid string values, so 200 is fine; 5xx never. */
  search?: boolean;
}

const SEARCH_NAMES = [
  'code',
  'code:text',
  'code:not',
  'created',
  'subject',
  'subject:identifier',
  'subject.identifier',
  'author:Patient',
  'identifier',
  '_id',
  '_lastUpdated',
  '_count',
  '_sort',
  '_include',
  '_revinclude',
  '_summary',
  '_elements',
  '_total',
  '_cursor',
  'colour',
  'code:nonsense',
];
const PREFIXES = ['', 'eq', 'ne', 'lt', 'gt', 'le', 'ge', 'sa', 'eb', 'ap', 'xx'];

function probe(next: () => number): Probe {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const nasty = () => encodeURIComponent(pick(NASTY));
  const badJson = pick([
    '{"resourceType": "Basic",',
    '{resourceType: Basic}',
    '[1,2,3]',
    '"Basic"',
    'null',
    '{"resourceType": "Patient"}',
    '{"resourceType": 42}',
    JSON.stringify({ resourceType: 'Basic', text: 'x'.repeat(1_100_000) }),
    '\u0000\u0001\u0002',
    '{"a":'.repeat(2000),
  ]);
  const json = { 'content-type': 'application/fhir+json' };
  switch (Math.floor(next() * 14)) {
    case 0:
      return { method: 'POST', path: '/Basic', headers: json, body: badJson };
    case 1:
      return {
        method: 'PUT',
        path: `/Basic/${pick(['x1', nasty()])}`,
        headers: json,
        body: pick([badJson, '{"resourceType": "Basic", "id": "mismatch", "code": {}}']),
      };
    case 2:
      return {
        method: 'POST',
        path: '/Basic',
        headers: { 'content-type': pick(['text/plain', 'application/xml', 'multipart/form-data', '']) },
        body: '{}',
      };
    case 3:
      return { method: 'GET', path: `/Basic/${nasty()}`, headers: {} };
    case 4:
      return { method: 'GET', path: `/Basic/x1/_history?_since=${nasty()}&_count=${nasty()}`, headers: {} };
    case 5:
      return { method: 'GET', path: `/${nasty()}/${nasty()}`, headers: {} };
    case 6:
      return {
        method: 'PATCH',
        path: '/Basic/x1',
        headers: { 'content-type': 'application/json-patch+json' },
        body: pick(['[{"op":"explode"}]', '{}', badJson, '[{"op":"remove","path":"/resourceType"}]']),
      };
    case 7:
      return {
        method: 'PUT',
        path: '/Basic/x1',
        headers: { ...json, 'if-match': pick(NASTY_HEADERS) },
        body: '{"resourceType":"Basic","id":"x1","code":{}}',
      };
    case 8:
      return {
        method: 'GET',
        path: `/Basic/x1?_format=${nasty()}`,
        headers: { accept: pick(['application/xml', 'text/html', 'image/png;q=1', 'application/json;q=0']) },
      };
    case 9:
      return { method: 'DELETE', path: `/Basic/${nasty()}`, headers: {} };
    case 10:
      return {
        method: pick(['PUT', 'DELETE', 'PATCH']),
        path: `/Basic/x1/$${nasty()}`,
        headers: json,
        body: '{}',
      };
    case 12:
    case 13: {
      const params = Array.from({ length: 1 + Math.floor(next() * 3) }, () => {
        const value = pick([
          pick(NASTY),
          `${pick(PREFIXES)}${pick(['2026', '2026-13', '2026-06-01T25:00', 'x', '1e999'])}`,
          'a,b|c\\,d',
        ]);
        return `${encodeURIComponent(pick(SEARCH_NAMES))}=${encodeURIComponent(value)}`;
      });
      return next() < 0.5
        ? { method: 'GET', path: `/Basic?${params.join('&')}`, headers: {}, search: true }
        : {
            method: 'POST',
            path: '/Basic/_search',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: params.join('&'),
            search: true,
          };
    }
    default:
      return { method: 'POST', path: `/Basic/x1/_history/${nasty()}`, headers: json, body: badJson };
  }
}

describe('malformed requests (fuzz)', () => {
  const registry = SearchParameterRegistry.r4({ supported: { Basic: 'all' } });
  let database: TestDatabase;
  let store: PostgresEventStore;
  let served: ServedFhir;
  let base: string;
  const errors: object[] = [];

  beforeAll(async () => {
    database = await createTestDatabase('fhir-fuzz');
    store = await PostgresEventStore.open(postgresDatabase({ connectionString: database.url }));
    served = await serveFhir((url) =>
      fhirRouter({
        providers: [basicProvider(store, new IndexValueExtractor(registry))],
        search: { registry },
        validator: createResourceValidator({ types: ['Basic'] }),
        publicBaseUrl: url,
        bodyLimit: '1mb',
        logger: { error: (details) => errors.push(details) },
      }),
    );
    base = served.base;
  });
  afterAll(async () => {
    served.close();
    await store.close();
    await database.drop();
  });

  it(`${REQUESTS} malformed requests: only 4xx OperationOutcomes, nothing written`, async () => {
    const seed = Date.now() % 100_000;
    process.stdout.write(`fuzz seed ${seed}\n`);
    const next = seededRandom(seed);
    const statuses = new Map<number, number>();
    const unexpected: string[] = [];
    for (let i = 0; i < REQUESTS; i += 25) {
      const batch = Array.from({ length: 25 }, () => probe(next));
      await Promise.all(
        batch.map(async (p) => {
          const response = await fetch(`${base}${p.path}`, {
            method: p.method,
            headers: p.headers,
            ...(p.body !== undefined && { body: p.body }),
          });
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
          const text = await response.text();
          const isOutcome = text.includes('"resourceType":"OperationOutcome"');
          const searchOk = p.search === true && response.status === 200;
          if (!searchOk && (response.status < 400 || response.status >= 500 || !isOutcome)) {
            unexpected.push(`${p.method} ${p.path.slice(0, 120)} → ${response.status} ${text.slice(0, 200)}`);
          }
        }),
      );
    }
    process.stdout.write(`fuzz statuses: ${JSON.stringify(Object.fromEntries(statuses))}\n`);
    expect(unexpected.slice(0, 10)).toEqual([]);
    expect(errors).toEqual([]);
    expect((await store.readAll(START, { limit: 10 })).events).toEqual([]);
  });
});
