import { describe, expect, it } from '@jest/globals';
import {
  parseSearchRequest,
  searchErrorIssue,
  type ParseSearchOptions,
  type SearchCriterion,
  type SearchQuery,
  type SearchRequest,
  type SearchRequestError,
} from '../../src/search/index.js';
import { BASE_URL, IDNPS, INS, NOW, registry, RPPS } from './search-fixtures.js';

const options: ParseSearchOptions = { registry, now: NOW, localBaseUrls: [BASE_URL] };

function parse(type: string, query: string | SearchQuery, extra: Partial<ParseSearchOptions> = {}) {
  return parseSearchRequest(type, typeof query === 'string' ? new URLSearchParams(query) : query, {
    ...options,
    ...extra,
  });
}

function request(
  type: string,
  query: string | SearchQuery,
  extra: Partial<ParseSearchOptions> = {},
): SearchRequest {
  const result = parse(type, query, extra);
  if (!result.ok) throw new Error(`expected a valid search, got ${JSON.stringify(result.errors)}`);
  return result.request;
}

/** The criteria of a valid search, in order. */
function criteria(type: string, query: string): SearchCriterion[] {
  return request(type, query).clauses.map((c) => c.criterion);
}

function criterion(type: string, query: string): SearchCriterion | undefined {
  return criteria(type, query)[0];
}

function errors(
  type: string,
  query: string | SearchQuery,
  extra: Partial<ParseSearchOptions> = {},
): SearchRequestError[] {
  const result = parse(type, query, extra);
  return result.ok ? [] : [...result.errors];
}

describe('token', () => {
  it.each([
    ['status=requested', [{ kind: 'code', code: 'requested' }]],
    [
      `identifier=https://carenet.example.org/fhir/task-id|T-1`,
      [{ kind: 'system-and-code', system: 'https://carenet.example.org/fhir/task-id', code: 'T-1' }],
    ],
    ['code=|fulfill', [{ kind: 'no-system', code: 'fulfill' }]],
    [
      'code=http://hl7.org/fhir/CodeSystem/task-code|',
      [{ kind: 'system', system: 'http://hl7.org/fhir/CodeSystem/task-code' }],
    ],
    [
      'status=requested,accepted',
      [
        { kind: 'code', code: 'requested' },
        { kind: 'code', code: 'accepted' },
      ],
    ],
    ['identifier=s|a\\|b', [{ kind: 'system-and-code', system: 's', code: 'a|b' }]],
    ['identifier=a\\,b', [{ kind: 'code', code: 'a,b' }]],
    ['identifier=a\\\\b', [{ kind: 'code', code: 'a\\b' }]],
    ['identifier=a\\$b', [{ kind: 'code', code: 'a$b' }]],
    ['identifier=a\\xb', [{ kind: 'code', code: 'a\\xb' }]],
    [
      '_id=task-1,task-2',
      [
        { kind: 'code', code: 'task-1' },
        { kind: 'code', code: 'task-2' },
      ],
    ],
    [
      `performer=urn:oid:1.2.250.1.213.1.1.4.5|60`,
      [{ kind: 'system-and-code', system: 'urn:oid:1.2.250.1.213.1.1.4.5', code: '60' }],
    ],
  ])('%s', (query, values) => {
    expect(criterion('Task', query)).toEqual({ kind: 'token', not: false, values });
  });

  it(':not negates', () => {
    expect(criterion('Task', 'status:not=completed,cancelled')).toEqual({
      kind: 'token',
      not: true,
      values: [
        { kind: 'code', code: 'completed' },
        { kind: 'code', code: 'cancelled' },
      ],
    });
  });

  it(':text searches the text, normalised', () => {
    expect(criterion('Task', 'code:text=Réaliser LE')).toEqual({
      kind: 'token-text',
      values: [{ value: 'Réaliser LE', normalized: 'realiser le' }],
    });
  });

  it.each(['true', 'false'])(':missing=%s', (value) => {
    expect(criterion('Task', `priority:missing=${value}`)).toEqual({
      kind: 'missing',
      missing: value === 'true',
    });
  });

  it.each([
    ['status:of-type=a|b|c', 'unsupported-modifier'],
    ['status:in=http://vs', 'unsupported-modifier'],
    ['status:not-in=http://vs', 'unsupported-modifier'],
    ['code:below=x', 'unsupported-modifier'],
    ['code:above=x', 'unsupported-modifier'],
    ['status:exact=x', 'unknown-modifier'],
    ['status:contains=x', 'unknown-modifier'],
    ['status:identifier=x', 'unknown-modifier'],
    ['status:Patient=x', 'unknown-modifier'],
    ['status:foo=x', 'unknown-modifier'],
    ['status:=x', 'unknown-modifier'],
    ['status:not:text=x', 'unknown-modifier'],
    ['status=a|b|c', 'invalid-value'],
    ['status=|', 'invalid-value'],
    ['status=a,,b', 'invalid-value'],
    ['status=a,', 'invalid-value'],
    ['status:missing=yes', 'invalid-value'],
    ['status:missing=true,false', 'invalid-value'],
    ['status:missing=TRUE', 'invalid-value'],
    ['status:text=%20', 'invalid-value'],
  ])('%s → %s naming the parameter', (query, code) => {
    const name = query.slice(0, query.indexOf('='));
    expect(errors('Task', query)).toEqual([{ code, parameter: name, message: expect.any(String) }]);
  });
});

describe('reference', () => {
  it.each([
    ['subject=Patient/pat-1', [{ kind: 'local', type: 'Patient', id: 'pat-1' }]],
    ['subject=Patient/pat-1/_history/2', [{ kind: 'local', type: 'Patient', id: 'pat-1', version: '2' }]],
    ['patient=pat-1', [{ kind: 'local', type: 'Patient', id: 'pat-1' }]],
    ['part-of=parent-1', [{ kind: 'local', type: 'Task', id: 'parent-1' }]],
    [
      'owner=Practitioner/p1,Organization/o1',
      [
        { kind: 'local', type: 'Practitioner', id: 'p1' },
        { kind: 'local', type: 'Organization', id: 'o1' },
      ],
    ],
    [`subject=${BASE_URL}/Patient/pat-1`, [{ kind: 'local', type: 'Patient', id: 'pat-1' }]],
    [
      'subject=https://other.example/fhir/Patient/p9',
      [{ kind: 'url', url: 'https://other.example/fhir/Patient/p9' }],
    ],
    [
      'subject=urn:uuid:53fefa32-fcbb-4ff8-8a92-55ee120877b7',
      [{ kind: 'url', url: 'urn:uuid:53fefa32-fcbb-4ff8-8a92-55ee120877b7' }],
    ],
  ])('%s', (query, values) => {
    expect(criterion('Task', query)).toEqual({ kind: 'reference', values });
  });

  it('canonical references keep their version apart', () => {
    expect(criterion('CarePlan', 'instantiates-canonical=http://example.org/PlanDefinition/x|1.2')).toEqual({
      kind: 'reference',
      values: [{ kind: 'url', url: 'http://example.org/PlanDefinition/x', version: '1.2' }],
    });
  });

  it('typed modifier :Patient', () => {
    expect(criterion('Task', 'subject:Patient=pat-1')).toEqual({
      kind: 'reference',
      values: [{ kind: 'local', type: 'Patient', id: 'pat-1' }],
    });
    expect(criterion('CarePlan', 'subject:Group=Group/g1')).toEqual({
      kind: 'reference',
      values: [{ kind: 'local', type: 'Group', id: 'g1' }],
    });
  });

  it(':identifier searches the logical reference (INS)', () => {
    expect(criterion('Task', `subject:identifier=${INS}|1840572123456`)).toEqual({
      kind: 'reference-identifier',
      values: [{ kind: 'system-and-code', system: INS, code: '1840572123456' }],
    });
    expect(criterion('Task', `owner:identifier=${IDNPS}|820009876543,${RPPS}|10001234567`)).toEqual({
      kind: 'reference-identifier',
      values: [
        { kind: 'system-and-code', system: IDNPS, code: '820009876543' },
        { kind: 'system-and-code', system: RPPS, code: '10001234567' },
      ],
    });
  });

  it('chains to identifier, with or without a type', () => {
    expect(criterion('Task', `subject.identifier=${INS}|1840572123456`)).toEqual({
      kind: 'chained-identifier',
      values: [{ kind: 'system-and-code', system: INS, code: '1840572123456' }],
    });
    expect(criterion('Task', `subject:Patient.identifier=${INS}|1840572123456`)).toEqual({
      kind: 'chained-identifier',
      targetType: 'Patient',
      values: [{ kind: 'system-and-code', system: INS, code: '1840572123456' }],
    });
    expect(criterion('CarePlan', `performer.identifier=${RPPS}|`)).toEqual({
      kind: 'chained-identifier',
      values: [{ kind: 'system', system: RPPS }],
    });
  });

  it(':missing', () => {
    expect(criterion('Task', 'owner:missing=true')).toEqual({ kind: 'missing', missing: true });
  });

  it.each([
    ['subject=pat-1', 'invalid-value', /Type\/pat-1/],
    ['owner=p1', 'invalid-value', /owner may point to Practitioner, Organization/],
    ['part-of=Patient/p1', 'invalid-value', /Patient is not a target type of part-of/],
    ['subject=Foo/1', 'invalid-value', /not a reference/],
    ['subject=Patient/', 'invalid-value', /not a reference/],
    ['subject=Patient/a b', 'invalid-value', /not a reference/],
    ['subject=#contained', 'invalid-value', /contained/],
    ['subject=Patient/' + 'x'.repeat(65), 'invalid-value', /not a reference/],
    ['subject:Patient=Practitioner/p1', 'invalid-value', /subject:Patient takes an id/],
    ['part-of:Patient=p1', 'unknown-modifier', /not a target type/],
    ['subject:Foo=1', 'unknown-modifier', /not a target type/],
    ['subject:identifier=a|b|c', 'invalid-value', /more than one/],
    ['subject:text=x', 'unknown-modifier', /not a modifier/],
    ['subject:below=x', 'unsupported-modifier', /not supported/],
    ['subject:above=x', 'unsupported-modifier', /not supported/],
    ['subject.name=Dupré', 'unsupported-chain', /only chaining to identifier/],
    ['subject:Patient.name=Dupré', 'unsupported-chain', /only chaining to identifier/],
    ['subject.identifier.value=x', 'unsupported-chain', /only chaining to identifier/],
    ['subject:identifier.identifier=x', 'unsupported-chain', /only chaining to identifier/],
    ['subject:missing.identifier=true', 'unsupported-chain', /only chaining to identifier/],
    ['status.identifier=x', 'unsupported-chain', /only references can be chained/],
  ])('%s → %s', (query, code, message) => {
    const name = query.slice(0, query.indexOf('='));
    expect(errors('Task', query)).toEqual([
      { code, parameter: name, message: expect.stringMatching(message) },
    ]);
  });
});

describe('date', () => {
  it.each([
    ['2026', 'eq', 'year', '2026-01-01T00:00:00.000Z', '2026-12-31T23:59:59.999Z'],
    ['2026-06', 'eq', 'month', '2026-06-01T00:00:00.000Z', '2026-06-30T23:59:59.999Z'],
    ['eq2026-06-01', 'eq', 'day', '2026-06-01T00:00:00.000Z', '2026-06-01T23:59:59.999Z'],
    ['ne2026-06-01', 'ne', 'day', '2026-06-01T00:00:00.000Z', '2026-06-01T23:59:59.999Z'],
    ['gt2026-06-01T10:00', 'gt', 'minute', '2026-06-01T10:00:00.000Z', '2026-06-01T10:00:59.999Z'],
    ['lt2026-06-01T10:00:00', 'lt', 'second', '2026-06-01T10:00:00.000Z', '2026-06-01T10:00:00.999Z'],
    ['ge2026-06-01T10:00:00.5Z', 'ge', 'millisecond', '2026-06-01T10:00:00.500Z', '2026-06-01T10:00:00.599Z'],
    ['le2026-06-01T10:00+02:00', 'le', 'minute', '2026-06-01T08:00:00.000Z', '2026-06-01T08:00:59.999Z'],
    ['sa2026-06', 'sa', 'month', '2026-06-01T00:00:00.000Z', '2026-06-30T23:59:59.999Z'],
    ['eb2026-06', 'eb', 'month', '2026-06-01T00:00:00.000Z', '2026-06-30T23:59:59.999Z'],
  ])('%s: %s on [%s..%s]', (value, prefix, precision, start, end) => {
    expect(criterion('Task', `authored-on=${encodeURIComponent(value)}`)).toEqual({
      kind: 'date',
      values: [{ prefix, raw: value.replace(/^[a-z]{2}/, ''), precision, range: { start, end } }],
    });
  });

  it('ap widens by 10% of the gap between now and the value', () => {
    // now = 2026-06-15T12:00Z; 2026-05-16 starts 30.5 days earlier → ±3.05 days
    expect(criterion('Task', 'authored-on=ap2026-05-16')).toEqual({
      kind: 'date',
      values: [
        {
          prefix: 'ap',
          raw: '2026-05-16',
          precision: 'day',
          range: { start: '2026-05-16T00:00:00.000Z', end: '2026-05-16T23:59:59.999Z' },
          approximate: { start: '2026-05-12T22:48:00.000Z', end: '2026-05-20T01:11:59.999Z' },
        },
      ],
    });
  });

  it('ap on today widens by (almost) nothing', () => {
    const c = criterion('Task', 'authored-on=ap2026-06-15T12:00Z');
    expect(c).toMatchObject({
      values: [{ approximate: { start: '2026-06-15T12:00:00.000Z', end: '2026-06-15T12:00:59.999Z' } }],
    });
  });

  it('ap with an invalid clock does not throw (no widening)', () => {
    const result = parse('Task', 'authored-on=ap2026-05-16', { now: new Date(Number.NaN) });
    expect(result.ok && result.request.clauses[0]?.criterion).toMatchObject({
      values: [{ approximate: { start: '2026-05-16T00:00:00.000Z', end: '2026-05-16T23:59:59.999Z' } }],
    });
  });

  it('OR and AND', () => {
    expect(criteria('Task', 'period=ge2026-06-01&period=lt2026-07-01,eq2026-08')).toEqual([
      {
        kind: 'date',
        values: [expect.objectContaining({ prefix: 'ge', raw: '2026-06-01' })],
      },
      {
        kind: 'date',
        values: [
          expect.objectContaining({ prefix: 'lt' }),
          expect.objectContaining({ prefix: 'eq', raw: '2026-08' }),
        ],
      },
    ]);
  });

  it('_lastUpdated, CarePlan date and activity-date are dates', () => {
    expect(criterion('Task', '_lastUpdated=gt2026-06-01T08:00:00Z')).toMatchObject({ kind: 'date' });
    expect(criterion('CarePlan', 'date=2026-06')).toMatchObject({ kind: 'date' });
    expect(criterion('CarePlan', 'activity-date=ge2026-06-03')).toMatchObject({ kind: 'date' });
    expect(criterion('Task', 'modified:missing=false')).toEqual({ kind: 'missing', missing: false });
  });

  it.each([
    'authored-on=2026-13',
    'authored-on=xx2026',
    'authored-on=GE2026',
    'authored-on=ge',
    'authored-on=2026-06-01T10',
    'authored-on=2026-06-31',
    'authored-on=today',
    'authored-on=2026-06-01T10:00:00+25:00',
    'authored-on=ge2026,le',
    'authored-on:exact=2026',
    'authored-on:missing=1',
  ])('%s is refused, naming the parameter', (query) => {
    const name = query.slice(0, query.indexOf('='));
    const found = errors('Task', query);
    expect(found).toHaveLength(1);
    expect(found[0]?.parameter).toBe(name);
  });
});

describe('string', () => {
  it('starts-with by default, case- and accent-insensitive', () => {
    expect(criterion('Patient', 'name=DUPRÉ')).toEqual({
      kind: 'string',
      mode: 'starts-with',
      values: [{ value: 'DUPRÉ', normalized: 'dupre' }],
    });
  });

  it(':exact and :contains', () => {
    expect(criterion('Patient', 'family:exact=Dupré')).toEqual({
      kind: 'string',
      mode: 'exact',
      values: [{ value: 'Dupré', normalized: 'dupre' }],
    });
    expect(criterion('Patient', 'address:contains=étienne,Lyon')).toEqual({
      kind: 'string',
      mode: 'contains',
      values: [
        { value: 'étienne', normalized: 'etienne' },
        { value: 'Lyon', normalized: 'lyon' },
      ],
    });
    expect(criterion('Patient', 'name:missing=true')).toEqual({ kind: 'missing', missing: true });
  });

  it('strings are data: quotes, SQL, wildcards, escaped commas', () => {
    expect(criterion('Patient', `name=${encodeURIComponent("O'Brien'); DROP TABLE resources;--")}`)).toEqual({
      kind: 'string',
      mode: 'starts-with',
      values: [
        { value: "O'Brien'); DROP TABLE resources;--", normalized: "o'brien'); drop table resources;--" },
      ],
    });
    expect(criterion('Patient', 'name=50%25_x')).toMatchObject({ values: [{ value: '50%_x' }] });
    expect(criterion('Patient', 'name=Dupré\\, Hélène')).toMatchObject({
      values: [{ value: 'Dupré, Hélène' }],
    });
  });

  it.each(['name:text=x', 'name:not=x', 'name:below=x', 'name=%20%20'])('%s is refused', (query) => {
    expect(errors('Patient', query)).toHaveLength(1);
  });
});

describe('number and quantity', () => {
  it.each([
    ['100', 'eq', '99.5', '100.5'],
    ['gt100', 'gt', '99.5', '100.5'],
    ['le-0.5', 'le', '-0.55', '-0.45'],
    ['ne1e2', 'ne', '50', '150'],
  ])('value-quantity=%s', (value, prefix, low, high) => {
    expect(criterion('Observation', `value-quantity=${value}`)).toEqual({
      kind: 'quantity',
      values: [expect.objectContaining({ prefix, number: expect.objectContaining({ low, high }) })],
    });
  });

  it('number|system|code and number||code', () => {
    expect(criterion('Observation', 'value-quantity=5.4|http://unitsofmeasure.org|mg,ge5||mg')).toEqual({
      kind: 'quantity',
      values: [
        expect.objectContaining({ prefix: 'eq', system: 'http://unitsofmeasure.org', code: 'mg' }),
        expect.not.objectContaining({ system: expect.anything() }),
      ],
    });
    const c = criterion('Observation', 'value-quantity=ge5||mg');
    expect(c).toMatchObject({ values: [{ prefix: 'ge', code: 'mg', number: { value: 5 } }] });
  });

  it('ap on a number: ±10%', () => {
    expect(criterion('Observation', 'value-quantity=ap100')).toMatchObject({
      values: [{ prefix: 'ap', approximate: { low: 90, high: 110 } }],
    });
  });

  it.each([
    'value-quantity=abc',
    'value-quantity=5|mg',
    'value-quantity=5|http://unitsofmeasure.org|',
    'value-quantity=5|a|b|c',
    'value-quantity=zz5',
    'value-quantity=1e1000',
    'value-quantity:exact=5',
  ])('%s is refused', (query) => {
    const found = errors('Observation', query);
    expect(found).toHaveLength(1);
    expect(found[0]?.parameter).toBe(query.slice(0, query.indexOf('=')));
  });
});

describe('uri', () => {
  it.each([
    ['instantiates-uri=https://has-sante.fr/ppcs/diabete', 'exact'],
    ['instantiates-uri:below=https://has-sante.fr/ppcs', 'below'],
    ['instantiates-uri:above=https://has-sante.fr/ppcs/diabete/v2', 'above'],
  ])('%s', (query, mode) => {
    expect(criterion('CarePlan', query)).toEqual({
      kind: 'uri',
      mode,
      values: [query.slice(query.indexOf('=') + 1)],
    });
  });

  it('_profile is a uri on every type', () => {
    expect(
      criterion('Task', '_profile=https://carenet.example.org/fhir/StructureDefinition/delegated-task'),
    ).toMatchObject({
      kind: 'uri',
      mode: 'exact',
    });
  });

  it.each(['instantiates-uri:contains=x', 'instantiates-uri:not=x'])('%s is refused', (query) => {
    expect(errors('CarePlan', query)).toEqual([expect.objectContaining({ code: 'unknown-modifier' })]);
  });
});

describe('parameters', () => {
  it('repeated = AND, comma = OR; clauses keep their names and definitions', () => {
    const r = request('Task', 'status=requested,accepted&status:not=cancelled&owner:identifier=s|v');
    expect(r.clauses.map((c) => [c.name, c.parameter.code, c.criterion.kind])).toEqual([
      ['status', 'status', 'token'],
      ['status:not', 'status', 'token'],
      ['owner:identifier', 'owner', 'reference-identifier'],
    ]);
    expect(r.clauses[0]?.parameter.expression).toBe('Task.status');
  });

  it('takes a Record as express gives it, with arrays for repeated parameters', () => {
    const r = request(
      'Task',
      { status: ['requested', 'accepted'], intent: 'order', ignored: undefined },
      {
        handling: 'lenient',
      },
    );
    expect(r.clauses.map((c) => c.name)).toEqual(['status', 'status', 'intent']);
  });

  it('a non-string value (a nested object from a query parser) is an error', () => {
    const query = { status: { $ne: 'x' } } as unknown as SearchQuery;
    expect(errors('Task', query)).toEqual([
      expect.objectContaining({ code: 'invalid-value', parameter: 'status' }),
    ]);
  });

  it('unknown and unsupported parameters are errors naming them', () => {
    expect(
      errors('Task', 'statut=x&_has:Observation:patient:code=1&_text=x&_list=l&_filter=x&_type=Task'),
    ).toEqual([
      { code: 'unknown-parameter', parameter: 'statut', message: expect.stringContaining('statut') },
      {
        code: 'unsupported-parameter',
        parameter: '_has:Observation:patient:code',
        message: expect.any(String),
      },
      { code: 'unsupported-parameter', parameter: '_text', message: expect.any(String) },
      { code: 'unsupported-parameter', parameter: '_list', message: expect.any(String) },
      { code: 'unsupported-parameter', parameter: '_filter', message: expect.any(String) },
      { code: 'unsupported-parameter', parameter: '_type', message: expect.any(String) },
    ]);
    expect(errors('Observation', 'component-code=x')).toEqual([
      expect.objectContaining({ code: 'unsupported-parameter', parameter: 'component-code' }),
    ]);
  });

  it('handling=lenient ignores them, listing them in warnings', () => {
    const result = parse('Task', 'statut=x&status=requested&component-code=1&_has:X:y:z=1', {
      handling: 'lenient',
    });
    expect(result.ok).toBe(true);
    expect(result.warnings.map((w) => [w.code, w.parameter])).toEqual([
      ['ignored-parameter', 'statut'],
      ['ignored-parameter', 'component-code'],
      ['ignored-parameter', '_has:X:y:z'],
    ]);
    expect(result.ok && result.request.clauses).toHaveLength(1);
    // The self link's query: what was applied only.
    expect(result.ok && result.applied.toString()).toBe('status=requested');
  });

  it('applied: the pairs that took effect, in order, _count as used', () => {
    const result = parse(
      'Task',
      '_format=json&colour=blue&status=&_count=500&status=requested&_sort=-_lastUpdated',
      {
        handling: 'lenient',
      },
    );
    expect(result.ok && result.applied.toString()).toBe(
      '_format=json&_count=100&status=requested&_sort=-_lastUpdated',
    );
  });

  it('handling=lenient does not hide bad values, modifiers or chains', () => {
    expect(
      errors('Task', 'status:of-type=a|b|c&authored-on=x&subject.name=y', { handling: 'lenient' }).map(
        (e) => e.code,
      ),
    ).toEqual(['unsupported-modifier', 'invalid-value', 'unsupported-chain']);
  });

  it('an empty value is ignored with a warning', () => {
    const result = parse('Task', 'status=&intent=order');
    expect(result.ok && result.request.clauses.map((c) => c.name)).toEqual(['intent']);
    expect(result.warnings).toEqual([
      { code: 'empty-value', parameter: 'status', message: expect.any(String) },
    ]);
  });

  it('reports every error at once', () => {
    expect(errors('Task', 'status=a|b|c&authored-on=x&foo=1').map((e) => e.parameter)).toEqual([
      'status',
      'authored-on',
      'foo',
    ]);
  });
});

describe('limits and hostile input', () => {
  it('caps value length (default 2,000)', () => {
    expect(errors('Task', `status=${'a'.repeat(2001)}`)).toEqual([
      { code: 'too-long', parameter: 'status', message: expect.stringContaining('2001') },
    ]);
    expect(errors('Task', `status=${'a'.repeat(2000)}`)).toEqual([]);
    expect(errors('Task', `status=${'a'.repeat(50)}`, { maxValueLength: 10 })).toHaveLength(1);
  });

  it('caps the number of parameters and of OR values', () => {
    const many = Array.from({ length: 101 }, (_, i) => `status=s${i}`).join('&');
    expect(errors('Task', many)).toEqual([expect.objectContaining({ code: 'too-long' })]);
    // No parameter to name: no `expression` (an empty string is not valid FHIR).
    const [tooMany] = errors('Task', many);
    expect(tooMany && searchErrorIssue(tooMany)).not.toHaveProperty('expression');
    const ors = Array.from({ length: 101 }, (_, i) => `s${i}`).join(',');
    expect(errors('Task', `status=${ors}`)).toEqual([
      expect.objectContaining({ code: 'too-long', parameter: 'status' }),
    ]);
  });

  it.each([
    ['status=a%00b', 'status'],
    ['status=a%0Ab', 'status'],
    ['status=%7F', 'status'],
    ['status=%C2%85', 'status'],
  ])('control characters in values are refused: %s', (query, parameter) => {
    expect(errors('Task', query)).toEqual([expect.objectContaining({ code: 'invalid-value', parameter })]);
  });

  it('lone surrogates are refused', () => {
    expect(errors('Patient', { name: 'a\uD800b' })).toEqual([
      expect.objectContaining({ code: 'invalid-value' }),
    ]);
  });

  it('malformed names are refused, echoed without control characters', () => {
    const found = errors('Task', { 'sta\u0000tus': 'x', 'a b': 'x', '': 'x', [`s${'t'.repeat(300)}`]: 'x' });
    expect(found.map((e) => e.code)).toEqual([
      'unknown-parameter',
      'unknown-parameter',
      'unknown-parameter',
      'unknown-parameter',
    ]);
    expect(found[0]?.parameter).toBe('sta\uFFFDtus');
    expect(found[3]?.parameter.length).toBeLessThanOrEqual(101);
  });

  it('messages quote values safely', () => {
    const found = errors('Task', { 'authored-on': 'x"\u2028<script>' });
    expect(found[0]?.message).toContain('\\u2028');
  });
});
