import { describe, expect, it } from '@jest/globals';
import fhirpath from 'fhirpath';
import r4Model from 'fhirpath/fhir-context/r4';
import {
  r4SearchParameters,
  R4_RESOURCE_TYPES,
  SearchParameterRegistry,
  SearchRegistryError,
} from '../../src/search/index.js';
import { registry } from './search-fixtures.js';

const TASK_PARAMETERS: Record<string, string> = {
  'authored-on': 'date',
  'based-on': 'reference',
  'business-status': 'token',
  code: 'token',
  encounter: 'reference',
  focus: 'reference',
  'group-identifier': 'token',
  identifier: 'token',
  intent: 'token',
  modified: 'date',
  owner: 'reference',
  'part-of': 'reference',
  patient: 'reference',
  performer: 'token',
  period: 'date',
  priority: 'token',
  requester: 'reference',
  status: 'token',
  subject: 'reference',
};

const CAREPLAN_PARAMETERS: Record<string, string> = {
  'activity-code': 'token',
  'activity-date': 'date',
  'activity-reference': 'reference',
  'based-on': 'reference',
  'care-team': 'reference',
  category: 'token',
  condition: 'reference',
  date: 'date',
  encounter: 'reference',
  goal: 'reference',
  identifier: 'token',
  'instantiates-canonical': 'reference',
  'instantiates-uri': 'uri',
  intent: 'token',
  'part-of': 'reference',
  patient: 'reference',
  performer: 'reference',
  replaces: 'reference',
  status: 'token',
  subject: 'reference',
};

const RESOURCE_PARAMETERS: Record<string, string> = {
  _id: 'token',
  _lastUpdated: 'date',
  _profile: 'uri',
  _security: 'token',
  _source: 'uri',
  _tag: 'token',
};

function typesOf(type: string): Record<string, string> {
  return Object.fromEntries(registry.standardParameters(type).map((p) => [p.code, p.type]));
}

describe('the R4 definitions', () => {
  it('are the 1,378 official SearchParameters', () => {
    expect(r4SearchParameters()).toHaveLength(1378);
  });

  it('know the 146 concrete R4 resource types', () => {
    expect(R4_RESOURCE_TYPES).toHaveLength(146);
    expect(R4_RESOURCE_TYPES).toEqual(
      expect.arrayContaining(['Task', 'CarePlan', 'Patient', 'Binary', 'Bundle']),
    );
    expect(R4_RESOURCE_TYPES).not.toContain('DomainResource');
  });

  it('use resolve() in 28 parameters, all rewritten so that none needs a server', () => {
    const withResolve = r4SearchParameters().filter((p) => p.expression?.includes('resolve()'));
    expect(withResolve).toHaveLength(28);
    for (const type of R4_RESOURCE_TYPES) {
      for (const p of registry.standardParameters(type)) {
        expect(p.expression ?? '').not.toContain('resolve(');
      }
    }
  });

  it('compile, narrowed, for every parameter of every type', () => {
    let compiled = 0;
    for (const type of R4_RESOURCE_TYPES) {
      for (const p of registry.standardParameters(type)) {
        if (p.expression === undefined) continue;
        expect(() => fhirpath.compile(p.expression ?? '', r4Model)).not.toThrow();
        compiled++;
      }
    }
    expect(compiled).toBeGreaterThan(2500);
  });
});

describe('Task parameters', () => {
  it('are the 19 standard R4 ones, with their types, plus the Resource ones', () => {
    const types = typesOf('Task');
    const own = Object.fromEntries(Object.entries(types).filter(([code]) => !code.startsWith('_')));
    expect(own).toEqual(TASK_PARAMETERS);
    expect(Object.keys(own)).toHaveLength(19);
    expect(types).toMatchObject(RESOURCE_PARAMETERS);
    expect(types._text).toBe('string');
  });

  it.each([
    ['performer', 'token', 'Task.performerType'],
    ['modified', 'date', 'Task.lastModified'],
    ['period', 'date', 'Task.executionPeriod'],
    ['subject', 'reference', 'Task.for'],
    ['authored-on', 'date', 'Task.authoredOn'],
    ['_lastUpdated', 'date', 'Task.meta.lastUpdated'],
    ['_id', 'token', 'Task.id'],
    ['_tag', 'token', 'Task.meta.tag'],
  ])('%s is a %s on %s (R4 quirks kept)', (code, type, expression) => {
    expect(registry.standardParameter('Task', code)).toMatchObject({ code, type, expression });
  });

  it('patient is Task.for narrowed to Patient references without resolve()', () => {
    const patient = registry.standardParameter('Task', 'patient');
    expect(patient?.targets).toEqual(['Patient']);
    expect(patient?.definitionExpression).toBe('Task.for.where(resolve() is Patient)');
    expect(patient?.expression).toMatch(
      /^Task\.for\.where\(reference\.matches\('.*Patient\/.*'\) or type = 'Patient'/,
    );
  });

  it('reference targets come from the definition', () => {
    expect(registry.standardParameter('Task', 'owner')?.targets).toEqual([
      'Practitioner',
      'Organization',
      'CareTeam',
      'Device',
      'Patient',
      'HealthcareService',
      'PractitionerRole',
      'RelatedPerson',
    ]);
    expect(registry.standardParameter('Task', 'part-of')?.targets).toEqual(['Task']);
    expect(registry.standardParameter('Task', 'subject')?.targets.length).toBeGreaterThan(100);
  });
});

describe('CarePlan parameters', () => {
  it('are the 20 standard R4 ones, with their types (no "period": date is CarePlan.period)', () => {
    const own = Object.fromEntries(
      Object.entries(typesOf('CarePlan')).filter(([code]) => !code.startsWith('_')),
    );
    expect(own).toEqual(CAREPLAN_PARAMETERS);
    expect(Object.keys(own)).toHaveLength(20);
    expect(registry.standardParameter('CarePlan', 'period')).toBeUndefined();
  });

  it.each([
    ['date', 'CarePlan.period'],
    ['activity-date', 'CarePlan.activity.detail.scheduled'],
    ['identifier', 'CarePlan.identifier'],
    ['subject', 'CarePlan.subject'],
    ['performer', 'CarePlan.activity.detail.performer'],
    ['instantiates-canonical', 'CarePlan.instantiatesCanonical'],
  ])('%s is narrowed to %s', (code, expression) => {
    expect(registry.standardParameter('CarePlan', code)?.expression).toBe(expression);
  });

  it('shared definitions are narrowed: patient (32 types) keeps only the CarePlan member', () => {
    const p = registry.standardParameter('CarePlan', 'patient');
    expect(p?.id).toBe('clinical-patient');
    expect(p?.base).toHaveLength(32);
    expect(p?.expression).toMatch(/^CarePlan\.subject\.where\(/);
    expect(p?.expression).not.toContain('|');
    expect(registry.standardParameter('AllergyIntolerance', 'patient')?.expression).toBe(
      'AllergyIntolerance.patient',
    );
  });
});

describe('modifiers and comparators per type', () => {
  it.each([
    ['Task', 'status', ['missing', 'text', 'not', 'above', 'below', 'in', 'not-in', 'of-type'], []],
    ['Task', 'owner', ['missing', 'type', 'identifier', 'above', 'below'], []],
    ['Task', 'authored-on', ['missing'], ['eq', 'ne', 'gt', 'lt', 'ge', 'le', 'sa', 'eb', 'ap']],
    ['Patient', 'name', ['missing', 'exact', 'contains'], []],
    ['CarePlan', 'instantiates-uri', ['missing', 'below', 'above'], []],
    ['Observation', 'value-quantity', ['missing'], ['eq', 'ne', 'gt', 'lt', 'ge', 'le', 'sa', 'eb', 'ap']],
  ])('%s.%s', (type, code, modifiers, comparators) => {
    const p = registry.standardParameter(type, code);
    expect(p?.modifiers).toEqual(modifiers);
    expect(p?.comparators).toEqual(comparators);
  });
});

describe('supported parameters', () => {
  it('are what the server declares, plus _id and _lastUpdated', () => {
    const r = SearchParameterRegistry.r4({ supported: { Task: ['status', 'patient'] } });
    expect(r.supportedParameters('Task').map((p) => p.code)).toEqual([
      '_id',
      '_lastUpdated',
      'patient',
      'status',
    ]);
    expect(r.supportedParameter('Task', 'owner')).toBeUndefined();
    expect(r.standardParameter('Task', 'owner')).toBeDefined();
    expect(r.resourceTypes()).toEqual(['Task']);
    expect(r.isSearchable('CarePlan')).toBe(false);
  });

  it("'all' takes every indexable one (not _text, _content, _query)", () => {
    const codes = registry.supportedParameters('Task').map((p) => p.code);
    expect(codes).toEqual(
      expect.arrayContaining([...Object.keys(TASK_PARAMETERS), ...Object.keys(RESOURCE_PARAMETERS)]),
    );
    expect(codes).toHaveLength(19 + 6);
  });

  it.each([
    [{ Tsak: ['status'] }, 'unknown-resource-type', undefined],
    [{ Task: ['statut'] }, 'unknown-parameter', 'statut'],
    [{ CarePlan: ['period'] }, 'unknown-parameter', 'period'],
    [{ Task: ['_text'] }, 'not-indexable', '_text'],
    [{ Observation: ['code-value-quantity'] }, 'not-indexable', 'code-value-quantity'],
    [{ Location: ['near'] }, 'not-indexable', 'near'],
  ])('%j is refused (%s)', (supported, reason, code) => {
    let error: unknown;
    try {
      SearchParameterRegistry.r4({ supported });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SearchRegistryError);
    expect(error).toMatchObject({ reason, code });
  });

  it('describe themselves for the CapabilityStatement', () => {
    const r = SearchParameterRegistry.r4({
      supported: { Task: ['owner'], CarePlan: ['activity-reference'] },
    });
    expect(r.capabilitySearchParams('Task')).toEqual([
      expect.objectContaining({
        name: '_id',
        type: 'token',
        definition: 'http://hl7.org/fhir/SearchParameter/Resource-id',
      }),
      expect.objectContaining({ name: '_lastUpdated', type: 'date' }),
      expect.objectContaining({
        name: 'owner',
        type: 'reference',
        definition: 'http://hl7.org/fhir/SearchParameter/Task-owner',
      }),
    ]);
    expect(r.searchIncludes('Task')).toEqual(['Task:owner']);
    expect(r.searchRevIncludes('Task')).toEqual(['CarePlan:activity-reference']);
  });
});
