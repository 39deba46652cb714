// _elements and _summary keep the mandatory elements of each type (R4 search §3.1.1.5.7, .9), and
// the searchset Bundles they go into are valid R4 (no empty array, every entry with a fullUrl).
import { describe, expect, it } from '@jest/globals';
import type { Bundle, Resource } from 'fhir/r4.js';
import {
  elementsToKeep,
  parseReadSubset,
  SUBSETTED,
  subsetResource,
  type SubsetRequest,
} from '../../src/search/resource-subset.js';
import type { SearchRequest } from '../../src/search/index.js';
import { summaryElements } from '../../src/search/summary-elements.js';
import { searchBundleJson } from '../../src/server/search-bundle.js';
import { searchsetProblems } from '../support/searchset-problems.js';
import { BASE_URL, carePlan, INS, RPPS, task } from './search-fixtures.js';

const narrative = { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">x</div>' };

const careTeam = {
  resourceType: 'CareTeam',
  id: 'ct-1',
  status: 'active',
  name: 'Équipe de soins de Mme Dupré',
  subject: { identifier: { system: INS, value: '1840572123456' }, type: 'Patient' },
  participant: [{ member: { identifier: { system: RPPS, value: '10001234567' }, type: 'Practitioner' } }],
  text: narrative,
};

const goal = {
  resourceType: 'Goal',
  id: 'hba1c',
  lifecycleStatus: 'active',
  _lifecycleStatus: { extension: [{ url: 'https://carenet.example.org/fhir/x', valueString: 'x' }] },
  priority: { text: 'haute' },
  description: { text: 'HbA1c < 7 %' },
  subject: { identifier: { system: INS, value: '1840572123456' }, type: 'Patient' },
  target: [{ dueDate: '2026-12-31' }],
  note: [{ text: 'revoir en décembre' }],
};

const resources = { Task: task, CarePlan: carePlan, CareTeam: careTeam, Goal: goal } as const;

/** The top-level elements kept, without `_x` siblings. */
const kept = (resource: Resource | undefined): string[] =>
  Object.keys(resource ?? {})
    .filter((k) => !k.startsWith('_'))
    .sort();

const subset = (resource: object, request: SubsetRequest) => subsetResource(resource as Resource, request);

const isSubsetted = (resource: Resource | undefined) =>
  resource?.meta?.tag?.some((t) => t.system === SUBSETTED.system && t.code === SUBSETTED.code) === true;

describe('mandatory elements from the R4 StructureDefinitions (min >= 1)', () => {
  it.each([
    ['Task', ['intent', 'status']],
    ['CarePlan', ['intent', 'status', 'subject']],
    ['CareTeam', []],
    ['Goal', ['description', 'lifecycleStatus', 'subject']],
  ])('%s: %j, with resourceType, id, meta', (type, mandatory) => {
    const names = [...(summaryElements(type)?.mandatory ?? [])].filter((n) => !n.startsWith('_'));
    expect(names.sort()).toEqual([...mandatory, 'id', 'meta', 'resourceType'].sort());
  });
});

describe('_elements', () => {
  it.each([
    ['Task', 'status', ['id', 'intent', 'meta', 'resourceType', 'status']],
    ['Task', 'priority', ['id', 'intent', 'meta', 'priority', 'resourceType', 'status']],
    ['CarePlan', 'title', ['id', 'intent', 'meta', 'resourceType', 'status', 'subject']],
    [
      'CarePlan',
      'period,goal',
      ['goal', 'id', 'intent', 'meta', 'period', 'resourceType', 'status', 'subject'],
    ],
    ['CareTeam', 'name', ['id', 'meta', 'name', 'resourceType']],
    ['Goal', 'target', ['description', 'id', 'lifecycleStatus', 'meta', 'resourceType', 'subject', 'target']],
  ] as const)('%s?_elements=%s keeps %j', (type, elements, expected) => {
    const result = subset(resources[type], { elements: elements.split(',') });
    expect(kept(result)).toEqual(expected);
    expect(isSubsetted(result)).toBe(true);
  });

  it('keeps the `_name` sibling of a primitive, listed or mandatory', () => {
    const result = subset(goal, { elements: ['note'] }) as unknown as Record<string, unknown>;
    expect(result._lifecycleStatus).toEqual(goal._lifecycleStatus);
    expect(elementsToKeep('Task', ['priority'])).toEqual(
      new Set([
        'resourceType',
        'id',
        '_id',
        'meta',
        'status',
        '_status',
        'intent',
        '_intent',
        'priority',
        '_priority',
      ]),
    );
  });

  it('a choice element keeps each of its JSON variants', () => {
    const observation = {
      resourceType: 'Observation',
      status: 'final',
      code: { text: 'poids' },
      valueQuantity: { value: 72, unit: 'kg' },
      effectiveDateTime: '2026-06-01',
    };
    expect(kept(subset(observation, { elements: ['value'] }))).toEqual([
      'code',
      'meta',
      'resourceType',
      'status',
      'valueQuantity',
    ]);
  });

  it('keeps the existing tags, and tags SUBSETTED once', () => {
    const once = subset(task, { elements: ['status'] });
    expect(once.meta?.tag).toEqual([...task.meta.tag, SUBSETTED]);
    expect(once.meta?.lastUpdated).toBe(task.meta.lastUpdated);
    expect(subset(once, { elements: ['status'] }).meta?.tag).toEqual(once.meta?.tag);
  });
});

describe('_summary keeps the mandatory elements', () => {
  it.each(['true', 'text', 'data'] as const)('_summary=%s on each type', (summary) => {
    for (const [type, resource] of Object.entries(resources)) {
      const result = subset(resource, { summary });
      const mandatory = [...(summaryElements(type)?.mandatory ?? [])].filter((n) => n in resource);
      for (const name of mandatory) expect(result).toHaveProperty([name]);
      expect(isSubsetted(result)).toBe(true);
    }
  });

  it('_summary=false and count give the resource itself', () => {
    expect(subset(task, { summary: 'false' })).toBe(task);
    expect(subset(task, {})).toBe(task);
  });
});

describe('parseReadSubset (a read: GET /T/id?_elements=…)', () => {
  const parse = (query: string) => parseReadSubset('Task', new URLSearchParams(query));

  it('reads _elements and _summary, ignores the rest', () => {
    expect(parse('_elements=status,priority&_pretty=true')).toEqual({
      ok: true,
      request: { elements: ['status', 'priority'] },
    });
    expect(parse('_summary=text')).toEqual({ ok: true, request: { summary: 'text' } });
    expect(parse('foo=bar')).toEqual({ ok: true, request: {} });
  });

  it('refuses what cannot be applied, naming the parameter', () => {
    expect(parse('_summary=count')).toMatchObject({ ok: false, parameter: '_summary' });
    expect(parse('_summary=maybe')).toMatchObject({ ok: false, parameter: '_summary' });
    expect(parse('_elements=colour')).toMatchObject({ ok: false, parameter: '_elements' });
    expect(parse('_elements=status&_elements=intent')).toMatchObject({ ok: false, parameter: '_elements' });
  });
});

describe('searchset Bundles are valid R4', () => {
  const request = (more: Partial<SearchRequest> = {}): SearchRequest => ({
    resourceType: 'Task',
    clauses: [],
    count: 10,
    sort: [],
    include: [],
    revinclude: [],
    ...more,
  });
  const bundleOf = (
    more: Partial<SearchRequest>,
    resources: readonly object[],
    included: readonly object[] = [],
    total?: number,
  ) =>
    JSON.parse(
      searchBundleJson({
        request: request(more),
        result: {
          resources: resources as Resource[],
          included: included as Resource[],
          ...(total !== undefined && { total }),
        },
        warnings: [],
        baseUrl: BASE_URL,
        query: new URLSearchParams(),
      }),
    ) as Bundle;

  it('the check refuses an empty entry array, an entry without fullUrl, a Task without intent', () => {
    const empty = { resourceType: 'Bundle', type: 'searchset', total: 0, entry: [] };
    expect(searchsetProblems(empty).join()).toMatch(/Bundle\.entry.*empty array/);
    const noFullUrl = {
      resourceType: 'Bundle',
      type: 'searchset',
      entry: [{ resource: task, search: { mode: 'match' } }],
    };
    expect(searchsetProblems(noFullUrl)).toEqual(['Bundle.entry[0]: no fullUrl']);
    const { intent: _intent, ...withoutIntent } = task;
    const bundle = {
      resourceType: 'Bundle',
      type: 'searchset',
      entry: [{ fullUrl: `${BASE_URL}/Task/task-1`, resource: withoutIntent, search: { mode: 'match' } }],
    };
    expect(searchsetProblems(bundle).join()).toMatch(/intent/);
  });

  it('_summary=count: total, no entry', () => {
    const bundle = bundleOf({ summary: 'count' }, [], [], 3);
    expect(bundle.total).toBe(3);
    expect(bundle).not.toHaveProperty('entry');
    expect(searchsetProblems(bundle)).toEqual([]);
  });

  it('nothing found: no entry', () => {
    const bundle = bundleOf({}, [], [], 0);
    expect(bundle).not.toHaveProperty('entry');
    expect(searchsetProblems(bundle)).toEqual([]);
  });

  it('_elements applies to the matches only; the includes stay whole', () => {
    const bundle = bundleOf({ elements: ['status'] }, [task], [carePlan]);
    expect(searchsetProblems(bundle)).toEqual([]);
    const [match, include] = bundle.entry ?? [];
    expect(kept(match?.resource)).toEqual(['id', 'intent', 'meta', 'resourceType', 'status']);
    expect(include?.resource).toEqual(carePlan);
  });

  it.each(['true', 'text', 'data'] as const)('_summary=%s: valid, includes shaped too', (summary) => {
    const bundle = bundleOf({ summary }, [task], [carePlan]);
    expect(searchsetProblems(bundle)).toEqual([]);
    expect(bundle.entry?.every((e) => isSubsetted(e.resource))).toBe(true);
  });

  it('the outcome entry of ignored parameters has a urn:uuid fullUrl', () => {
    const bundle = JSON.parse(
      searchBundleJson({
        request: request(),
        result: { resources: [task] },
        warnings: [{ code: 'ignored-parameter', parameter: 'colour', message: 'colour: ignored' }],
        baseUrl: BASE_URL,
        query: new URLSearchParams(),
      }),
    ) as Bundle;
    const outcome = bundle.entry?.find((e) => e.search?.mode === 'outcome');
    expect(outcome?.fullUrl).toMatch(/^urn:uuid:[0-9a-f-]{36}$/);
    expect(searchsetProblems(bundle)).toEqual([]);
  });
});
