// The search interaction over HTTP (GET and POST _search): searchset Bundles, paging links,
// result parameters and parameter errors, over the SQL read model.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Basic, Bundle, CapabilityStatement, OperationOutcome } from 'fhir/r4.js';
import { createTestDatabase, type TestDatabase } from '@carenet/testing';
import { PostgresEventStore, postgresDatabase } from '@carenet/eventsourcing';
import {
  createResourceValidator,
  fhirRouter,
  IndexValueExtractor,
  PostgresSearchStore,
  SearchParameterRegistry,
} from '../src/index.js';
import { basicProvider, demoSearchProjection } from './support/demo-provider.js';
import { serveFhir, type ServedFhir } from './support/serve-fhir.js';

const CODES = ['wound-care', 'wound-care', 'medication-review', 'daily-help', 'wound-care'];

describe('search over HTTP', () => {
  let database: TestDatabase;
  let store: PostgresEventStore;
  let served: ServedFhir;
  const registry = SearchParameterRegistry.r4({ supported: { Basic: 'all' } });

  /** The response as each kind of body the tests read. */
  async function get(path: string, headers: Record<string, string> = {}) {
    const response = await fetch(`${served.base}/${path}`, { headers });
    const body: unknown = await response.json();
    return {
      status: response.status,
      bundle: body as Bundle,
      outcome: body as OperationOutcome,
      capability: body as CapabilityStatement,
    };
  }

  beforeAll(async () => {
    database = await createTestDatabase('fhir-search');
    // Search runs in SQL on the read model, kept by an inline projection of the event store.
    const db = postgresDatabase({ connectionString: database.url });
    const search = await PostgresSearchStore.open(db);
    const extractor = new IndexValueExtractor(registry);
    store = await PostgresEventStore.open(db, {
      projections: [demoSearchProjection(['Basic'], search, extractor)],
    });
    served = await serveFhir((base) =>
      fhirRouter({
        providers: [basicProvider(store, search)],
        validator: createResourceValidator({ types: ['Basic'] }),
        publicBaseUrl: base,
        logger: { error: () => undefined },
        search: { registry, defaultCount: 20, maxCount: 50 },
        capability: { softwareVersion: 'test', startedAt: '2026-11-25T10:00:00.000Z' },
      }),
    );
    for (const code of CODES) {
      const body: Basic = {
        resourceType: 'Basic',
        code: { coding: [{ system: 'https://carenet.example.org/demo', code }] },
      };
      const response = await fetch(`${served.base}/Basic`, {
        method: 'POST',
        body: JSON.stringify(body),
        headers: { 'content-type': 'application/fhir+json' },
      });
      if (response.status !== 201) throw new Error(`could not create the demo data: ${response.status}`);
    }
  });
  afterAll(async () => {
    served.close();
    await store.close();
    await database.drop();
  });

  it('GET /Basic?code=…: a searchset Bundle of the matches with a self link', async () => {
    const { status, bundle: body } = await get('Basic?code=https://carenet.example.org/demo|wound-care');
    expect(status).toBe(200);
    expect(body.type).toBe('searchset');
    expect(body.entry).toHaveLength(3);
    for (const entry of body.entry ?? []) {
      expect(entry.search?.mode).toBe('match');
      expect(entry.fullUrl).toBe(`${served.base}/Basic/${entry.resource?.id ?? ''}`);
    }
    expect(body.link?.[0]).toEqual({
      relation: 'self',
      url: `${served.base}/Basic?code=https%3A%2F%2Fcarenet.example.org%2Fdemo%7Cwound-care`,
    });
  });

  it('pages with next links until every match was returned once', async () => {
    const seen: string[] = [];
    let url: string | undefined = `${served.base}/Basic?_count=2`;
    let pages = 0;
    while (url) {
      const bundle = (await (await fetch(url)).json()) as Bundle;
      seen.push(...(bundle.entry ?? []).map((e) => e.resource?.id ?? ''));
      url = bundle.link?.find((l) => l.relation === 'next')?.url;
      pages += 1;
    }
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(CODES.length);
    expect(seen).toHaveLength(CODES.length);
  });

  it('pages back with previous links to the first page, which has none', async () => {
    const linkOf = (bundle: Bundle, relation: string) =>
      bundle.link?.find((l) => l.relation === relation)?.url;
    const idsOf = (bundle: Bundle) => (bundle.entry ?? []).map((e) => e.resource?.id ?? '');
    const first = (await get('Basic?_count=2&_sort=-_id')).bundle;
    expect(linkOf(first, 'previous')).toBeUndefined();
    const second = (await (await fetch(linkOf(first, 'next') ?? '')).json()) as Bundle;
    const third = (await (await fetch(linkOf(second, 'next') ?? '')).json()) as Bundle;
    expect(linkOf(third, 'next')).toBeUndefined();
    const backToSecond = (await (await fetch(linkOf(third, 'previous') ?? '')).json()) as Bundle;
    expect(idsOf(backToSecond)).toEqual(idsOf(second));
    const backToFirst = (await (await fetch(linkOf(backToSecond, 'previous') ?? '')).json()) as Bundle;
    expect(idsOf(backToFirst)).toEqual(idsOf(first));
    expect(linkOf(backToFirst, 'previous')).toBeUndefined();
    expect(linkOf(backToFirst, 'next')).toBeDefined();
  });

  it('GET /Basic/_history: every version of every Basic, newest first, paged with next links', async () => {
    const created = await fetch(`${served.base}/Basic`, {
      method: 'POST',
      headers: { 'content-type': 'application/fhir+json' },
      body: JSON.stringify({ resourceType: 'Basic', code: { text: 'history' } }),
    });
    const basic = (await created.json()) as Basic;
    const id = basic.id ?? '';
    await fetch(`${served.base}/Basic/${id}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/fhir+json' },
      body: JSON.stringify({ ...basic, code: { text: 'history, v2' } }),
    });
    await fetch(`${served.base}/Basic/${id}`, { method: 'DELETE' });

    const recent = (await get('Basic/_history?_count=3')).bundle;
    expect(recent.type).toBe('history');
    expect(recent.entry?.map((e) => [e.request?.method, e.request?.url, e.response?.etag])).toEqual([
      ['DELETE', `Basic/${id}`, 'W/"3"'],
      ['PUT', `Basic/${id}`, 'W/"2"'],
      ['POST', 'Basic', 'W/"1"'],
    ]);
    // Following next links visits every version once: the 5 searchable Basics and these 3.
    const seen: string[] = [];
    let url: string | undefined = `${served.base}/Basic/_history?_count=3`;
    while (url !== undefined) {
      const page = (await (await fetch(url)).json()) as Bundle;
      seen.push(...(page.entry ?? []).map((e) => `${e.fullUrl ?? ''}@${e.response?.etag ?? ''}`));
      url = page.link?.find((l) => l.relation === 'next')?.url;
    }
    expect(seen.length).toBeGreaterThanOrEqual(CODES.length + 3);
    expect(new Set(seen).size).toBe(seen.length);
    const since = (
      await get(`Basic/_history?_since=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)
    ).bundle;
    expect(since).not.toHaveProperty('entry'); // an empty array is not FHIR JSON
    expect((await get('Basic/_history?_since=yesterday')).status).toBe(400);
  });

  it('_total=estimate gives the number of matches of a small search', async () => {
    expect((await get('Basic?code=wound-care&_total=estimate')).bundle.total).toBe(3);
  });

  it('_total=accurate and _summary=count give the number of matches', async () => {
    expect((await get('Basic?code=wound-care&_total=accurate')).bundle.total).toBe(3);
    const count = (await get('Basic?code=wound-care&_summary=count')).bundle;
    expect(count.total).toBe(3);
    expect(count).not.toHaveProperty('entry');
  });

  it('_elements keeps the listed elements and marks the resources SUBSETTED', async () => {
    const { bundle: body } = await get('Basic?_elements=code&_count=1');
    const resource = body.entry?.[0]?.resource as Basic;
    expect(Object.keys(resource).sort()).toEqual(['code', 'id', 'meta', 'resourceType']);
    expect(resource.meta?.tag).toContainEqual(expect.objectContaining({ code: 'SUBSETTED' }));
  });

  it('an unknown parameter is ignored and said so; a 400 naming it with handling=strict', async () => {
    const strict = await get('Basic?colour=blue', { prefer: 'handling=strict' });
    expect(strict.status).toBe(400);
    expect(strict.outcome.issue[0]?.expression).toEqual(['colour']);
    const lenient = await get('Basic?colour=blue&code=daily-help', { prefer: 'handling=lenient' });
    expect(lenient.status).toBe(200);
    const outcome = lenient.bundle.entry?.find((e) => e.search?.mode === 'outcome')
      ?.resource as OperationOutcome;
    expect(outcome.issue[0]?.expression).toEqual(['colour']);
    expect(lenient.bundle.entry?.filter((e) => e.search?.mode === 'match')).toHaveLength(1);
    // Without Prefer: as lenient (R4's default), and the self link shows only what was applied.
    const byDefault = await get('Basic?colour=blue&code=daily-help');
    expect(byDefault.status).toBe(200);
    expect(byDefault.bundle.entry?.filter((e) => e.search?.mode === 'match')).toHaveLength(1);
    expect(byDefault.bundle.link?.[0]?.url).toBe(`${served.base}/Basic?code=daily-help`);
  });

  it('a malformed value is a 400 naming the parameter', async () => {
    const { status, outcome: body } = await get('Basic?created=not-a-date');
    expect(status).toBe(400);
    expect(body.issue[0]?.expression).toEqual(['created']);
  });

  it('POST _search with a form gives the same result as GET; other bodies are 415', async () => {
    const response = await fetch(`${served.base}/Basic/_search`, {
      method: 'POST',
      body: new URLSearchParams({ code: 'medication-review' }),
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as Bundle).entry).toHaveLength(1);
    const json = await fetch(`${served.base}/Basic/_search`, {
      method: 'POST',
      body: '{"code":"x"}',
      headers: { 'content-type': 'application/json' },
    });
    expect(json.status).toBe(415);
  });

  it('the CapabilityStatement lists search-type and the supported parameters with their types', async () => {
    const { capability: body } = await get('metadata');
    const basic = body.rest?.[0]?.resource?.[0];
    expect(basic?.interaction?.map((i) => i.code)).toEqual(
      expect.arrayContaining(['search-type', 'history-type']),
    );
    expect(basic?.searchParam).toContainEqual(expect.objectContaining({ name: 'code', type: 'token' }));
    expect(basic?.searchParam).toContainEqual(expect.objectContaining({ name: 'created', type: 'date' }));
  });

  it('conditional create (If-None-Exist): none → 201, one → 200 with it, several → 412', async () => {
    const post = (condition: string, code: string) =>
      fetch(`${served.base}/Basic`, {
        method: 'POST',
        body: JSON.stringify({ resourceType: 'Basic', code: { coding: [{ code }] } }),
        headers: { 'content-type': 'application/fhir+json', 'if-none-exist': condition },
      });
    const one = await post('code=medication-review', 'medication-review');
    expect(one.status).toBe(200);
    const existing = (await get('Basic?code=medication-review')).bundle.entry?.[0]?.resource?.id;
    expect(((await one.json()) as Basic).id).toBe(existing);
    expect((await post('code=wound-care', 'wound-care')).status).toBe(412);
    expect((await post('code=brand-new', 'brand-new')).status).toBe(201);
    expect((await post('code=brand-new', 'brand-new')).status).toBe(200);
    expect((await post('colour=blue', 'x')).status).toBe(400);
  });

  it('_summary=true keeps the summary elements, _summary=text the narrative and the mandatory ones', async () => {
    const body: Basic = {
      resourceType: 'Basic',
      text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">Summary demo</div>' },
      extension: [{ url: 'https://carenet.example.org/fhir/StructureDefinition/demo', valueString: 'x' }],
      identifier: [{ system: 'https://carenet.example.org/demo-id', value: 'S-1' }],
      code: { coding: [{ system: 'https://carenet.example.org/demo', code: 'summary-demo' }] },
      subject: { reference: 'Patient/pat-1' },
      created: '2026-11-25',
      author: { reference: 'Practitioner/pra-1' },
    };
    const created = await fetch(`${served.base}/Basic`, {
      method: 'POST',
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/fhir+json' },
    });
    expect(created.status).toBe(201);
    const summary = (await get('Basic?code=summary-demo&_summary=true')).bundle.entry?.[0]?.resource as Basic;
    expect(Object.keys(summary).sort()).toEqual([
      'author',
      'code',
      'created',
      'id',
      'identifier',
      'meta',
      'resourceType',
      'subject',
    ]);
    expect(summary.meta?.tag).toContainEqual(expect.objectContaining({ code: 'SUBSETTED' }));
    const text = (await get('Basic?code=summary-demo&_summary=text')).bundle.entry?.[0]?.resource as Basic;
    expect(Object.keys(text).sort()).toEqual(['code', 'id', 'meta', 'resourceType', 'text']);
    expect(text.text?.div).toContain('Summary demo');
    expect(text.meta?.tag).toContainEqual(expect.objectContaining({ code: 'SUBSETTED' }));
    const full = (await get('Basic?code=summary-demo&_summary=false')).bundle.entry?.[0]?.resource as Basic;
    expect(full.extension).toHaveLength(1);
    expect(full.meta?.tag).toBeUndefined();
  });
});
