import { describe, expect, it } from '@jest/globals';
import type { Bundle, Resource } from 'fhir/r4.js';
import { ResourceText } from '../../src/server/resource-text.js';
import { searchBundleJson, type SearchBundleInput } from '../../src/server/search-bundle.js';
import type { SearchRequest } from '../../src/search/index.js';
import { BASE_URL, carePlan, task } from './search-fixtures.js';

const request = (more: Partial<SearchRequest> = {}): SearchRequest => ({
  resourceType: 'Task',
  clauses: [],
  count: 10,
  sort: [],
  include: [],
  revinclude: [],
  ...more,
});

const input = (
  result: SearchBundleInput['result'],
  more: Partial<SearchRequest> = {},
): SearchBundleInput => ({
  request: request(more),
  result,
  warnings: [],
  baseUrl: BASE_URL,
  query: new URLSearchParams('status=requested'),
});

/** The text a database gives for `task`: jsonb's key order and spacing, not JSON.stringify's. */
const storedText = (resource: object): string =>
  `{${Object.entries(resource)
    .reverse()
    .map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`)
    .join(', ')}}`;

describe('searchBundleJson', () => {
  it('puts a stored text into the Bundle as it is, and reads the same as the resource given as objects', () => {
    const text = storedText(task);
    const fromText = searchBundleJson(input({ resources: [new ResourceText('Task', task.id, text)] }));
    const fromObjects = searchBundleJson(input({ resources: [task] }));
    expect(fromText).toContain(`"resource":${text}`);
    expect(JSON.parse(fromText)).toEqual(JSON.parse(fromObjects));
    const bundle = JSON.parse(fromText) as Bundle;
    expect(bundle.entry?.[0]?.fullUrl).toBe(`${BASE_URL}/Task/task-1`);
    expect(bundle.entry?.[0]?.search).toEqual({ mode: 'match' });
  });

  it('is one JSON object: head, links and every entry (text, objects, includes, outcome)', () => {
    const bundle = JSON.parse(
      searchBundleJson({
        ...input({
          resources: [new ResourceText('Task', task.id, JSON.stringify(task)), task],
          included: [carePlan],
          nextCursor: 'abc',
          total: 7,
        }),
        warnings: [{ code: 'ignored-parameter', parameter: 'foo', message: 'foo is not known: ignored' }],
      }),
    ) as Bundle;
    expect(Object.keys(bundle)).toEqual(['resourceType', 'type', 'total', 'link', 'entry']);
    expect(bundle.total).toBe(7);
    expect(bundle.link?.map((l) => l.relation)).toEqual(['self', 'next']);
    expect(bundle.link?.[1]?.url).toBe(`${BASE_URL}/Task?status=requested&_cursor=abc`);
    expect(bundle.entry?.map((e) => e.search?.mode)).toEqual(['match', 'match', 'include', 'outcome']);
    expect(bundle.entry?.[2]?.resource?.resourceType).toBe('CarePlan');
    expect(bundle.entry?.[3]?.resource?.resourceType).toBe('OperationOutcome');
  });

  it('parses a stored text when _summary or _elements asks for a part of it', () => {
    const match = new ResourceText('Task', task.id, JSON.stringify(task));
    const summary = JSON.parse(
      searchBundleJson(input({ resources: [match] }, { summary: 'true' })),
    ) as Bundle;
    const shaped = summary.entry?.[0]?.resource as Resource & Record<string, unknown>;
    expect(shaped.meta?.tag?.map((t) => t.code)).toContain('SUBSETTED');
    expect(shaped.status).toBe('requested');
    expect(shaped.note).toBeUndefined();
    const elements = JSON.parse(
      searchBundleJson(input({ resources: [match] }, { elements: ['status'] })),
    ) as Bundle;
    // `intent` is mandatory in R4: kept even when not listed.
    expect(Object.keys(elements.entry?.[0]?.resource ?? {})).toEqual([
      'resourceType',
      'id',
      'meta',
      'status',
      'intent',
    ]);
  });

  it('_summary=count: no entry property (an empty array is not FHIR JSON), no paging links', () => {
    const bundle = JSON.parse(
      searchBundleJson(input({ resources: [], total: 3, nextCursor: 'abc' }, { summary: 'count' })),
    ) as Bundle;
    expect(Object.keys(bundle)).toEqual(['resourceType', 'type', 'total', 'link']);
    expect(bundle.total).toBe(3);
    expect(bundle.link?.map((l) => l.relation)).toEqual(['self']);
  });
});
