import { describe, expect, it } from '@jest/globals';
import type { OperationOutcomeIssue } from 'fhir/r4.js';
import { focusNames } from '../../src/validation/invariant-checker.js';
import { sharedR4SchemaCompiler } from '../../src/validation/r4-schema-compiler.js';
import { createResourceValidator, type ExpectedResource } from '../../src/validation/index.js';
import { OFFICIAL_EXAMPLES, officialExample } from './fixtures.js';

const validator = createResourceValidator({ types: ['Task', 'CarePlan', 'CareTeam', 'Goal'] });
validator.warmUp();

function issuesOf(body: unknown, expected: ExpectedResource): OperationOutcomeIssue[] {
  const result = validator.validate(body, expected);
  return result.ok ? [] : result.issues;
}

const NARRATIVE = { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">x</div>' };

function task(changes: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    resourceType: 'Task',
    id: 't-1',
    status: 'requested',
    intent: 'order',
    authoredOn: '2026-05-28T14:05:00+02:00',
    lastModified: '2026-05-29T09:00:00Z',
    ...changes,
  };
}

function carePlan(activity: unknown[]): Record<string, unknown> {
  return {
    resourceType: 'CarePlan',
    status: 'active',
    intent: 'plan',
    subject: { reference: 'Patient/pat-1' },
    activity,
  };
}

describe('FHIRPath invariants', () => {
  it('a valid Task passes, and so does every official example', () => {
    expect(issuesOf(task(), { type: 'Task' })).toEqual([]);
    for (const file of OFFICIAL_EXAMPLES) {
      const body = officialExample(file);
      expect({ file, issues: issuesOf(body, { type: body.resourceType }) }).toEqual({ file, issues: [] });
    }
  });

  it('Task inv-1: lastModified before authoredOn', () => {
    expect(issuesOf(task({ lastModified: '2026-05-27T09:00:00Z' }), { type: 'Task' })).toEqual([
      {
        severity: 'error',
        code: 'invariant',
        diagnostics:
          'Constraint inv-1 failed: Last modified date must be greater than or equal to authored-on date.',
        expression: ['Task'],
      },
    ]);
    // equal instants, and either one missing, are fine
    expect(issuesOf(task({ lastModified: '2026-05-28T12:05:00Z' }), { type: 'Task' })).toEqual([]);
    expect(issuesOf(task({ lastModified: undefined }), { type: 'Task' })).toEqual([]);
    // dates of different precisions: FHIRPath cannot compare them (empty), not a failure
    expect(
      issuesOf(task({ authoredOn: '2026-05-29', lastModified: '2026-05-29T09:00:00Z' }), { type: 'Task' }),
    ).toEqual([]);
  });

  it('CarePlan cpl-3: an activity with both a reference and a detail, at its index', () => {
    const issues = issuesOf(
      carePlan([
        { reference: { reference: 'ServiceRequest/sr-1' } },
        { reference: { reference: 'ServiceRequest/sr-2' }, detail: { status: 'scheduled' } },
        { detail: { status: 'scheduled' } },
      ]),
      { type: 'CarePlan' },
    );
    expect(issues).toEqual([
      {
        severity: 'error',
        code: 'invariant',
        diagnostics: 'Constraint cpl-3 failed: Provide a reference or detail, not both',
        expression: ['CarePlan.activity[1]'],
      },
    ]);
  });

  it('Goal gol-1: a target detail needs a measure', () => {
    const goal = officialExample('goal-example.json');
    const target = [{ detailQuantity: { value: 160, unit: 'lbs' } }];
    expect(issuesOf({ ...goal, target }, { type: 'Goal' })).toMatchObject([
      { code: 'invariant', expression: ['Goal.target[0]'], diagnostics: expect.stringContaining('gol-1') },
    ]);
  });

  it('ext-1 on an extension with both a value and extensions', () => {
    const extension = [
      { url: 'https://carenet.example.org/x', valueString: 'a', extension: [{ url: 'y', valueString: 'b' }] },
    ];
    expect(issuesOf(task({ extension }), { type: 'Task' })).toMatchObject([
      { code: 'invariant', expression: ['Task.extension[0]'], diagnostics: expect.stringContaining('ext-1') },
    ]);
  });

  describe('dom-2 … dom-5 on contained resources', () => {
    const contained = (resource: Record<string, unknown>) =>
      task({
        contained: [{ resourceType: 'Provenance', id: 'p1', ...resource }],
        relevantHistory: [{ reference: '#p1' }],
      });
    const provenance = {
      target: [{ reference: 'Task/t-1' }],
      recorded: '2026-05-28T14:05:00Z',
      agent: [{ who: { reference: 'Practitioner/x' } }],
    };
    const keys = (body: unknown) => issuesOf(body, { type: 'Task' }).map((i) => i.diagnostics?.slice(11, 16));

    it('a referenced contained resource is fine', () => {
      expect(keys(contained(provenance))).toEqual([]);
    });

    it('dom-3: a contained resource nobody refers to', () => {
      expect(keys({ ...contained(provenance), relevantHistory: undefined })).toEqual(['dom-3']);
    });

    it('dom-4: meta.versionId in a contained resource; dom-5: a security label', () => {
      expect(keys(contained({ ...provenance, meta: { versionId: '1' } }))).toEqual(['dom-4']);
      expect(keys(contained({ ...provenance, meta: { security: [{ code: 'R' }] } }))).toEqual(['dom-5']);
    });

    it('dom-6 (narrative, a warning) is not checked', () => {
      expect(keys(task())).toEqual([]);
      expect(keys(task({ text: NARRATIVE }))).toEqual([]);
    });
  });

  it('invariants run only when the schema accepts the resource', () => {
    const issues = issuesOf(task({ status: 'nope', lastModified: '2026-05-27T09:00:00Z' }), { type: 'Task' });
    expect(issues.map((i) => i.code)).toEqual(['value']);
  });

  it('ctm-1 (resolve()) is skipped and listed', () => {
    expect(sharedR4SchemaCompiler().skippedInvariants).toContainEqual({
      key: 'ctm-1',
      path: 'CareTeam.participant',
      reason: 'uses resolve()',
    });
  });
});

describe('focusNames: what an expression reads of its focus', () => {
  it.each([
    [
      'lastModified.exists().not() or authoredOn.exists().not() or lastModified >= authoredOn',
      ['lastModified', 'authoredOn'],
    ],
    ['detail.empty() or reference.empty()', ['detail', 'reference']],
    ['contained.contained.empty()', ['contained']],
    ["code.where(system = 'http://x').exists() or `div`.exists()", ['code', 'system', 'div']],
    ['iif(a.exists(), b, c)', ['a', 'b', 'c']],
    ['value is Quantity', ['value', 'Quantity']],
    ['start <= @2020-01-01T10:00:00Z', ['start']],
  ])('%s', (expression, names) => {
    expect(focusNames(expression)).toEqual(names);
  });

  it.each([
    'exists()',
    '%resource.descendants().empty()',
    'children().count() > 1',
    '$this.value.exists()',
    'date <= today()',
  ])('%s reaches further: always evaluated', (expression) => {
    expect(focusNames(expression)).toBeUndefined();
  });
});
