// Fuzz: thousands of malformed requests against the router on PostgreSQL. Every one must get a
// 4xx OperationOutcome (never a 500, never a hang), and none may write anything. Searches with
// injection strings may also be valid (200): what they may never do is fail with a 5xx. Then each
// malformed input of issue 15 on its own: the status, an OperationOutcome, the FHIR response
// headers, and nothing logged at error level.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, seededRandom, type TestDatabase } from '@carenet/testing';
import { PostgresEventStore, postgresDatabase, START } from '@carenet/eventsourcing';
import {
  createResourceValidator,
  encodeCursor,
  fhirRouter,
  IndexValueExtractor,
  PostgresSearchStore,
  SearchParameterRegistry,
} from '../src/index.js';
import { basicProvider, demoSearchProjection } from './support/demo-provider.js';
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

/** Operation names an object's prototype has: none is an operation. */
const PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype);

/** JSON string escapes PostgreSQL cannot store: NUL and lone surrogates. */
const UNSTORABLE = ['\\u0000', 'a\\u0000b', '\\ud800', 'x\\udfff', '\\udc00\\ud800', '\\ud83d'];

/** `[[[…1…]]]`, `depth` levels: made as text (JSON.stringify itself would overflow). */
const nested = (depth: number, open = '[', close = ']', inner = '1') =>
  `${open.repeat(depth)}${inner}${close.repeat(depth)}`;

/** Version ids no version can have. */
const HUGE_VERSIONS = ['99999999999999999999', '9223372036854775808', '1e30', '0', '1.5', 'abc', '-1'];

/** Cursors the server never made, forged ones included (valid shape, values PostgreSQL refuses). */
const BAD_CURSORS = [
  'x',
  '%00',
  Buffer.from('{"s":"","k":[],"i":"a\u0000"}').toString('base64url'),
  Buffer.from('{"t":"1","i":"x","v":1}').toString('base64url'),
  Buffer.from('{"t":"2026-01-01T00:00:00Z","i":"x","v":99999999999999999999}').toString('base64url'),
  Buffer.from('{"t":"2026-02-30 00:00:00+00","i":"x","v":1}').toString('base64url'),
  encodeCursor({ sort: '_lastUpdated', keys: ['yesterday'], id: 'x', direction: 'after' }),
  encodeCursor({ sort: '-_lastUpdated', keys: ['2026-13-45 99:00:00+00'], id: 'x', direction: 'before' }),
];

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
  switch (Math.floor(next() * 21)) {
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
      return {
        method: 'GET',
        path: pick([`/${nasty()}/${nasty()}`, `/Basic/${pick(['%ZZ', '%E0%A4%A', '%C0%AF', '%'])}`]),
        headers: {},
      };
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
    case 14: {
      const name = encodeURIComponent(pick(PROTOTYPE_NAMES));
      const path = pick([`/Basic/$${name}`, `/Basic/x1/$${name}`]);
      return next() < 0.5
        ? { method: 'GET', path, headers: {} }
        : { method: 'POST', path, headers: json, body: '{"resourceType":"Parameters"}' };
    }
    case 15: {
      const bad = pick(UNSTORABLE);
      const div = (inner: string) =>
        `"text":{"status":"generated","div":"<div xmlns=\\"http://www.w3.org/1999/xhtml\\">${inner}</div>"}`;
      const resource = pick([
        `{"resourceType":"Basic","code":{"text":"${bad}"}}`,
        `{"resourceType":"Basic","code":{"coding":[{"system":"https://x","code":"a","display":"${bad}"}]}}`,
        `{"resourceType":"Basic","id":"x1","code":{"text":"ok"},"${bad}":1}`,
        `{"resourceType":"Basic","id":"x1","code":{"text":"ok"},${div(bad)}}`,
        // A narrative against txt-1/txt-2 (422), or not XHTML (400).
        `{"resourceType":"Basic","id":"x1","code":{"text":"ok"},${div('<script>alert(1)</script>x')}}`,
        `{"resourceType":"Basic","id":"x1","code":{"text":"ok"},${div('<p onclick=\\"x()\\">x</p>')}}`,
        `{"resourceType":"Basic","id":"x1","code":{"text":"ok"},${div('<img src=\\"https://t.example/p.gif\\"/>')}}`,
        `{"resourceType":"Basic","id":"x1","code":{"text":"ok"},${div(' ')}}`,
        `{"resourceType":"Basic","id":"x1","code":{"text":"ok"},${div('<p>')}}`,
      ]);
      return pick([
        { method: 'POST', path: '/Basic', headers: json, body: resource },
        { method: 'PUT', path: '/Basic/x1', headers: json, body: resource },
        {
          method: 'POST',
          path: '/Basic/x1/$echo',
          headers: json,
          body: `{"resourceType":"Parameters","parameter":[{"name":"x","valueString":"${bad}"}]}`,
        },
        {
          method: 'PATCH',
          path: '/Basic/x1',
          headers: { 'content-type': 'application/json-patch+json' },
          body: `[{"op":"add","path":"/code","value":{"text":"${bad}"}}]`,
        },
      ]);
    }
    case 16: {
      const depth = pick([103, 1_000, 10_000, 100_000]);
      return {
        method: 'PATCH',
        path: '/Basic/x1',
        headers: { 'content-type': 'application/json-patch+json' },
        body: pick([
          `[{"op":"add","path":"/code","value":${nested(depth)}}]`,
          `[{"op":"add","path":"/code","value":${nested(depth, '{"a":', '}')}}]`,
          nested(depth, '[', ']', '{"op":"remove","path":"/code"}'),
        ]),
      };
    }
    case 17: {
      const version = pick(HUGE_VERSIONS);
      return pick([
        { method: 'GET', path: `/Basic/x1/_history/${version}`, headers: {} },
        {
          method: 'PUT',
          path: '/Basic/x1',
          headers: { ...json, 'if-match': `W/"${version}"` },
          body: '{"resourceType":"Basic","id":"x1","code":{"text":"ok"}}',
        },
        { method: 'DELETE', path: '/Basic/x1', headers: { 'if-match': `W/"${version}"` } },
      ]);
    }
    case 18: {
      const cursor = encodeURIComponent(pick(BAD_CURSORS));
      return pick([
        { method: 'GET', path: `/Basic?_cursor=${cursor}`, headers: {} },
        { method: 'GET', path: `/Basic?_sort=-_lastUpdated&_cursor=${cursor}`, headers: {} },
        { method: 'GET', path: `/Basic/_history?_cursor=${cursor}`, headers: {} },
        {
          method: 'GET',
          path: `/Basic/_history?_since=${pick(['1', 'June%202026', '2026-02-30'])}`,
          headers: {},
        },
      ]);
    }
    case 19:
      return {
        method: pick(['POST', 'PUT']),
        path: pick(['/Basic', '/Basic/x1']),
        headers: { ...json, 'content-encoding': pick(['gzip', 'deflate', 'br', 'compress', 'x-nonsense']) },
        body: '{"resourceType":"Basic","code":{"text":"not compressed"}}',
      };
    case 20:
      return {
        method: 'GET',
        path: '/Basic/x1',
        headers: { 'x-padding': 'a'.repeat(pick([17_000, 32_000, 100_000])) },
      };
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
    // Search and type history in SQL (real cursors), as the services have them.
    const db = postgresDatabase({ connectionString: database.url });
    const search = await PostgresSearchStore.open(db);
    store = await PostgresEventStore.open(db, {
      projections: [demoSearchProjection(['Basic'], search, new IndexValueExtractor(registry))],
    });
    served = await serveFhir((url) =>
      fhirRouter({
        providers: [basicProvider(store, search)],
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

  /** One request: its status, headers and body text. */
  async function send(method: string, path: string, headers: Record<string, string> = {}, body?: string) {
    const response = await fetch(`${base}${path}`, { method, headers, ...(body !== undefined && { body }) });
    return { status: response.status, headers: response.headers, text: await response.text() };
  }

  /** A 4xx (one of `statuses`) with an OperationOutcome, the FHIR headers, nothing logged. */
  async function expectRefused(
    answer: Promise<{ status: number; headers: Headers; text: string }>,
    statuses: readonly number[],
    diagnostics?: RegExp,
  ) {
    const { status, headers, text } = await answer;
    expect(`${status} ${text.slice(0, 300)}`).toMatch(new RegExp(`^(${statuses.join('|')}) `));
    expect(headers.get('content-type')).toMatch(/^application\/fhir\+json/);
    expect(headers.get('x-content-type-options')).toBe('nosniff');
    expect(headers.get('cache-control')).toBe('no-store');
    const outcome = JSON.parse(text) as { resourceType: string; issue: { diagnostics?: string }[] };
    expect(outcome.resourceType).toBe('OperationOutcome');
    if (diagnostics) expect(outcome.issue[0]?.diagnostics).toMatch(diagnostics);
    expect(errors).toEqual([]);
    return outcome;
  }

  const json = { 'content-type': 'application/fhir+json' };
  const patchType = { 'content-type': 'application/json-patch+json' };

  it('a paging cursor the server did not make: 400 naming _cursor', async () => {
    for (const cursor of BAD_CURSORS) {
      const query = encodeURIComponent(cursor);
      await expectRefused(send('GET', `/Basic?_cursor=${query}`), [400], /cursor/);
      await expectRefused(send('GET', `/Basic?_sort=-_lastUpdated&_cursor=${query}`), [400], /cursor/);
      await expectRefused(send('GET', `/Basic/_history?_cursor=${query}`), [400], /cursor/);
    }
    await expectRefused(send('GET', '/Basic/_history?_since=1'), [400], /_since/);
  });

  it('an operation named like a property of Object.prototype: 404 unknown operation', async () => {
    for (const name of PROTOTYPE_NAMES) {
      await expectRefused(send('GET', `/Basic/$${name}`), [404], /is not supported/);
      await expectRefused(send('POST', `/Basic/x1/$${name}`, json, '{"resourceType":"Parameters"}'), [404]);
    }
  });

  it('NUL or a lone surrogate in a string or a property name: 400 naming the element, nothing stored', async () => {
    const outcome = await expectRefused(
      send('POST', '/Basic', json, '{"resourceType":"Basic","code":{"text":"a\\u0000b"}}'),
      [400],
      /NUL/,
    );
    expect(outcome.issue[0]).toMatchObject({ expression: ['Basic.code.text'] });
    await expectRefused(
      send(
        'PUT',
        '/Basic/x1',
        json,
        '{"resourceType":"Basic","id":"x1","code":{"coding":[{"display":"\\ud800"}]}}',
      ),
      [400],
      /Basic\.code\.coding\[0\]\.display contains a lone UTF-16 surrogate/,
    );
    await expectRefused(
      send('POST', '/Basic', json, '{"resourceType":"Basic","code":{},"\\udfff":1}'),
      [400],
    );
    await expectRefused(
      send('PATCH', '/Basic/x1', patchType, '[{"op":"add","path":"/code","value":{"text":"\\u0000"}}]'),
      [400],
      /Patch\[0\]\.value\.text contains a NUL/,
    );
    await expectRefused(
      send(
        'POST',
        '/Basic/$echo',
        json,
        '{"resourceType":"Parameters","parameter":[{"name":"x","valueString":"\\ud83d"}]}',
      ),
      [400],
      /Parameters\.parameter\[0\]\.valueString/,
    );
    // A well-formed pair (an emoji) is a character like any other.
    await expectRefused(
      send(
        'PUT',
        '/Basic/x1',
        json,
        '{"resourceType":"Basic","id":"x1","code":{"text":"\\ud83d\\ude42"}, "x":1}',
      ),
      [400],
      /x/,
    );
    expect((await store.readAll(START, { limit: 10 })).events).toEqual([]);
  });

  it('a JSON Patch document nested 10,000 deep: 400, no stack overflow', async () => {
    await expectRefused(
      send('PATCH', '/Basic/x1', patchType, `[{"op":"add","path":"/code","value":${nested(10_000)}}]`),
      [400],
      /nests more than 102 levels/,
    );
    await expectRefused(send('PATCH', '/Basic/x1', patchType, nested(10_000)), [400], /nests more than/);
    await expectRefused(
      send('POST', '/Basic/$echo', json, nested(10_000, '{"a":', '}')),
      [400],
      /nests more than/,
    );
  });

  it('a version id no version can have: vread 404, If-Match 412', async () => {
    for (const version of HUGE_VERSIONS) {
      await expectRefused(send('GET', `/Basic/x1/_history/${version}`), [404], /has no version/);
      await expectRefused(
        send(
          'PUT',
          '/Basic/x1',
          { ...json, 'if-match': `W/"${version}"` },
          '{"resourceType":"Basic","id":"x1","code":{"text":"ok"}}',
        ),
        [412],
      );
    }
  });

  it('a body that is not what its Content-Encoding says: 400; an unknown encoding: 415', async () => {
    for (const encoding of ['gzip', 'deflate', 'br']) {
      await expectRefused(
        send('POST', '/Basic', { ...json, 'content-encoding': encoding }, '{"resourceType":"Basic"}'),
        [400],
        /does not decompress as its Content-Encoding says/,
      );
    }
    await expectRefused(
      send(
        'POST',
        '/Basic/_search',
        { 'content-type': 'application/x-www-form-urlencoded', 'content-encoding': 'gzip' },
        'code=x',
      ),
      [400],
      /Content-Encoding/,
    );
    await expectRefused(send('POST', '/Basic', { ...json, 'content-encoding': 'compress' }, '{}'), [415]);
  });

  it('headers over 16 KB: 431 with an OperationOutcome (answered by the HTTP server itself)', async () => {
    for (const size of [17_000, 100_000]) {
      await expectRefused(send('GET', '/Basic/x1', { 'x-padding': 'a'.repeat(size) }), [431], /headers/);
    }
    // 12 KB is within the limit: an ordinary answer.
    expect((await send('GET', '/Basic/x1', { 'x-padding': 'a'.repeat(12_000) })).status).toBe(404);
  });

  it('a path that does not percent-decode: 400', async () => {
    for (const path of ['/Basic/%ZZ', '/Basic/x1/_history/%E0%A4%A', '/%C0', '/Basic/x1/$%FF']) {
      await expectRefused(send('GET', path), [400], /percent-encoded/);
    }
  });

  it('X-Content-Type-Options: nosniff and Cache-Control: no-store on successes too', async () => {
    for (const answer of [
      await send('GET', '/Basic?code=nothing'),
      await send('POST', '/Basic/$echo', json, '{"resourceType":"Parameters"}'),
    ]) {
      expect(answer.status).toBe(200);
      expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
      expect(answer.headers.get('cache-control')).toBe('no-store');
    }
  });
});
