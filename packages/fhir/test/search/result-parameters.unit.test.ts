import { describe, expect, it } from '@jest/globals';
import { parseSearchRequest, type ParseSearchOptions } from '../../src/search/index.js';
import { NOW, registry } from './search-fixtures.js';

const options: ParseSearchOptions = { registry, now: NOW, defaultCount: 20, maxCount: 100 };

function parse(type: string, query: string, extra: Partial<ParseSearchOptions> = {}) {
  return parseSearchRequest(type, new URLSearchParams(query), { ...options, ...extra });
}

function ok(type: string, query: string, extra: Partial<ParseSearchOptions> = {}) {
  const result = parse(type, query, extra);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result;
}

function errorsOf(type: string, query: string) {
  const result = parse(type, query);
  return result.ok ? [] : result.errors.map((e) => ({ code: e.code, parameter: e.parameter }));
}

describe('_count', () => {
  it('defaults, and is taken when valid', () => {
    expect(ok('Task', '').request.count).toBe(20);
    expect(ok('Task', '', { defaultCount: 500 }).request.count).toBe(100);
    expect(ok('Task', '_count=0').request.count).toBe(0);
    expect(ok('Task', '_count=50').request.count).toBe(50);
  });

  it('over the maximum is clamped, with a warning', () => {
    const result = ok('Task', '_count=1000');
    expect(result.request.count).toBe(100);
    expect(result.warnings).toEqual([
      { code: 'count-clamped', parameter: '_count', message: expect.stringContaining('100') },
    ]);
  });

  it.each(['-1', '1.5', 'ten', '1e3', '9999999999', ' 5'])('_count=%s is refused', (value) => {
    expect(errorsOf('Task', `_count=${encodeURIComponent(value)}`)).toEqual([
      { code: 'invalid-value', parameter: '_count' },
    ]);
  });

  it('given twice is refused', () => {
    expect(errorsOf('Task', '_count=1&_count=2')).toEqual([
      { code: 'repeated-parameter', parameter: '_count' },
    ]);
  });
});

describe('_sort', () => {
  it('a comma list of supported parameters, - for descending', () => {
    const sort = ok('Task', '_sort=-authored-on,status,_id').request.sort;
    expect(sort.map((s) => [s.parameter.code, s.descending])).toEqual([
      ['authored-on', true],
      ['status', false],
      ['_id', false],
    ]);
  });

  it.each([
    ['_sort=foo', 'invalid-value'],
    ['_sort=status,,intent', 'invalid-value'],
    ['_sort=-', 'invalid-value'],
    ['_sort=status,-status', 'invalid-value'],
    ['_sort:desc=status', 'unknown-modifier'],
    ['_sort=status&_sort=intent', 'repeated-parameter'],
  ])('%s → %s', (query, code) => {
    expect(errorsOf('Task', query)).toEqual([{ code, parameter: query.slice(0, query.indexOf('=')) }]);
  });

  it('only on parameters this server supports', () => {
    const result = parseSearchRequest('Observation', new URLSearchParams('_sort=category'), options);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors[0]?.message).toMatch(/not supported for Observation/);
  });
});

describe('_total, _summary, _elements, _cursor, _format', () => {
  it.each(['none', 'estimate', 'accurate'])('_total=%s', (value) => {
    expect(ok('Task', `_total=${value}`).request.total).toBe(value);
  });

  it.each(['true', 'false', 'count', 'data', 'text'])('_summary=%s', (value) => {
    expect(ok('Task', `_summary=${value}`).request.summary).toBe(value);
  });

  it('_elements: top-level elements of the type, choice types by their base name', () => {
    expect(ok('Task', '_elements=status,for, owner,id,meta,status').request.elements).toEqual([
      'status',
      'for',
      'owner',
      'id',
      'meta',
    ]);
    expect(ok('Observation', '_elements=effective,value').request.elements).toEqual(['effective', 'value']);
  });

  it('_cursor passes through, _format and _pretty are ignored', () => {
    const r = ok('Task', '_cursor=eyJhIjoxfQ%3D%3D&_format=json&_pretty=true').request;
    expect(r.cursor).toBe('eyJhIjoxfQ==');
    expect(r.clauses).toEqual([]);
  });

  it('nothing given: nothing set', () => {
    const r = ok('Task', '').request;
    expect(r).toEqual({
      resourceType: 'Task',
      clauses: [],
      count: 20,
      sort: [],
      include: [],
      revinclude: [],
    });
  });

  it.each([
    ['_total=all', 'invalid-value'],
    ['_summary=yes', 'invalid-value'],
    ['_elements=foo', 'invalid-value'],
    ['_elements=Task.status', 'invalid-value'],
    ['_elements=status,', 'invalid-value'],
    ['_total=none&_total=none', 'repeated-parameter'],
    ['_cursor=a&_cursor=b', 'repeated-parameter'],
    ['_summary:x=true', 'unknown-modifier'],
  ])('%s → %s', (query, code) => {
    expect(errorsOf('Task', query)).toEqual([{ code, parameter: query.slice(0, query.indexOf('=')) }]);
  });
});

describe('_include and _revinclude', () => {
  it('Type:param and Type:param:Target', () => {
    const r = ok('Task', '_include=Task:owner&_include=Task:subject:Patient&_include=Task:based-on').request;
    expect(r.include.map((i) => [i.sourceType, i.parameter.code, i.targetType, i.iterate])).toEqual([
      ['Task', 'owner', undefined, false],
      ['Task', 'subject', 'Patient', false],
      ['Task', 'based-on', undefined, false],
    ]);
  });

  it(':iterate allows another source type', () => {
    const r = ok('Task', '_include=Task:based-on&_include:iterate=CarePlan:care-team').request;
    expect(r.include[1]).toMatchObject({
      sourceType: 'CarePlan',
      iterate: true,
      parameter: { code: 'care-team' },
    });
  });

  it('_revinclude: parameters of other types that point here', () => {
    const r = ok('Task', '_revinclude=CarePlan:activity-reference&_revinclude=Provenance:target').request;
    expect(r.revinclude.map((i) => `${i.sourceType}:${i.parameter.code}`)).toEqual([
      'CarePlan:activity-reference',
      'Provenance:target',
    ]);
    expect(
      ok('Patient', '_revinclude=Task:patient&_revinclude:iterate=CarePlan:subject').request.revinclude,
    ).toHaveLength(2);
  });

  it.each([
    ['Task', '_include=Task', /expected Type:parameter/],
    ['Task', '_include=Task:owner:Practitioner:x', /expected Type:parameter/],
    ['Task', '_include=Task:*', /wildcard/],
    ['Task', '_include=Foo:bar', /not a resource type/],
    ['Task', '_include=CarePlan:subject', /must start with Task/],
    ['Task', '_include=Task:status', /not a reference search parameter/],
    ['Task', '_include=Task:nope', /not a reference search parameter/],
    ['Task', '_include=Task:owner:Observation', /not a target type/],
    ['Task', '_include=Task:owner:Foo', /not a target type/],
    ['Task', '_revinclude=CarePlan:goal', /does not point to Task/],
    ['Task', '_revinclude=Observation:based-on', /not supported by this server/],
    ['Task', '_revinclude=Task:part-of:CarePlan', /not a target type/],
  ])('%s %s is refused', (type, query, message) => {
    const result = parse(type, query);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors).toEqual([
      {
        code: 'invalid-value',
        parameter: query.slice(0, query.indexOf('=')),
        message: expect.stringMatching(message),
      },
    ]);
  });

  it(':recurse (STU3) is unsupported, other modifiers unknown', () => {
    expect(errorsOf('Task', '_include:recurse=Task:part-of')).toEqual([
      { code: 'unsupported-modifier', parameter: '_include:recurse' },
    ]);
    expect(errorsOf('Task', '_revinclude:deep=Task:part-of')).toEqual([
      { code: 'unknown-modifier', parameter: '_revinclude:deep' },
    ]);
  });
});
