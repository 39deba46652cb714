import { describe, expect, it } from '@jest/globals';
import type { OperationOutcomeIssue } from 'fhir/r4.js';
import fhirpath from 'fhirpath';
import r4Model from 'fhirpath/fhir-context/r4';
import type { IncomingResourceValidator } from '../../src/server/resource-provider.js';
import {
  createResourceValidator,
  MAX_NESTING_DEPTH,
  ResourceTypeNotConfiguredError,
  UnknownResourceTypeError,
  type ExpectedResource,
} from '../../src/validation/index.js';
import { OFFICIAL_EXAMPLES, officialExample } from './fixtures.js';

const validator = createResourceValidator({ types: ['Task', 'CarePlan', 'CareTeam', 'Goal'] });
validator.warmUp();

const TASK: ExpectedResource = { type: 'Task' };

/** A valid Task (the official example2) with some elements replaced or removed (`undefined`). */
function task(changes: Record<string, unknown> = {}): Record<string, unknown> {
  const body = { ...officialExample('task-example2.json'), ...changes };
  return Object.fromEntries(Object.entries(body).filter(([, value]) => value !== undefined));
}

function issuesOf(body: unknown, expected: ExpectedResource = TASK): OperationOutcomeIssue[] {
  const result = validator.validate(body, expected);
  if (result.ok) throw new Error('expected the body to be invalid');
  return result.issues;
}

/**
 * Code and expression of each issue: what a client acts on. Each expression is checked with a
 * FHIRPath engine (fhirpath.js, R4 model): it finds the offending value in the body, or nothing
 * for a missing element.
 */
function located(body: unknown, expected: ExpectedResource = TASK): { code: string; expression?: string }[] {
  return issuesOf(body, expected).map((issue) => {
    const expression = issue.expression?.[0];
    if (expression !== undefined) {
      const found = fhirpath.evaluate(body, expression, undefined, r4Model) as unknown[];
      if (issue.code === 'required') expect({ expression, found }).toEqual({ expression, found: [] });
      else expect({ expression, found: found.length > 0 }).toEqual({ expression, found: true });
    }
    return { code: issue.code, ...(expression !== undefined && { expression }) };
  });
}

function nested(depth: number): Record<string, unknown> {
  let extension: Record<string, unknown> = { url: 'http://example.org/leaf', valueString: 'leaf' };
  for (let level = 0; level < depth; level++)
    extension = { url: 'http://example.org/node', extension: [extension] };
  return extension;
}

describe('official FHIR R4 examples', () => {
  it.each(OFFICIAL_EXAMPLES)('%s is valid, on create and on update', (file) => {
    const example = officialExample(file);
    expect(validator.validate(example, { type: example.resourceType })).toEqual({
      ok: true,
      resource: example,
    });
    expect(validator.validate(example, { type: example.resourceType, id: example.id }).ok).toBe(true);
  });
});

describe('a body that is not a resource of the expected type', () => {
  it.each([
    ['null', null, 'null'],
    ['an array', [task()], 'an array'],
    ['a string', 'Task', 'a string ("Task")'],
    ['a number', 42, 'a number (42)'],
  ])('%s is one structure issue', (_name, body, described) => {
    expect(issuesOf(body)).toEqual([
      {
        severity: 'error',
        code: 'structure',
        diagnostics: `The body must be a JSON object holding a FHIR Task resource, not ${described}`,
      },
    ]);
  });

  it('another resourceType is refused as a whole, without schema noise', () => {
    const patient = { resourceType: 'Patient', gender: 'female', status: 3 };
    expect(issuesOf(patient)).toEqual([
      {
        severity: 'error',
        code: 'invalid',
        diagnostics: 'resourceType is "Patient", but this request takes a Task',
        expression: ['Task.resourceType'],
      },
    ]);
  });

  it('a missing resourceType is a required issue', () => {
    expect(located(task({ resourceType: undefined }))).toEqual([
      { code: 'required', expression: 'Task.resourceType' },
    ]);
  });

  it('nesting deeper than the limit is one structure issue, even far too deep for the stack', () => {
    for (const depth of [MAX_NESTING_DEPTH, 100_000]) {
      expect(issuesOf(task({ extension: [nested(depth)] }))).toEqual([
        {
          severity: 'error',
          code: 'structure',
          diagnostics: `The resource nests more than ${MAX_NESTING_DEPTH} levels of JSON objects and arrays`,
          expression: ['Task'],
        },
      ]);
    }
    expect(validator.validate(task({ extension: [nested(40)] }), TASK).ok).toBe(true);
  });
});

describe('ids', () => {
  it('a create takes a body with no id, or any id (the server ignores it)', () => {
    for (const id of [undefined, 'client-chosen', 'not a valid id!']) {
      expect(validator.validate(task({ id }), TASK).ok).toBe(true);
    }
  });

  it('an update needs the id of the URL', () => {
    expect(validator.validate(task({ id: 'abc' }), { type: 'Task', id: 'abc' }).ok).toBe(true);
    expect(issuesOf(task({ id: 'other' }), { type: 'Task', id: 'abc' })).toEqual([
      {
        severity: 'error',
        code: 'invalid',
        diagnostics: 'Task.id "other" does not match the id of the URL ("abc")',
        expression: ['Task.id'],
      },
    ]);
    expect(located(task({ id: undefined }), { type: 'Task', id: 'abc' })).toEqual([
      { code: 'required', expression: 'Task.id' },
    ]);
  });

  it('an id mismatch is reported with the other issues, once', () => {
    expect(located(task({ id: 'no good!', status: undefined }), { type: 'Task', id: 'abc' })).toEqual([
      { code: 'invalid', expression: 'Task.id' },
      { code: 'required', expression: 'Task.status' },
    ]);
  });
});

describe('required elements (minimum cardinality 1)', () => {
  it('Task.status and Task.intent', () => {
    expect(issuesOf(task({ status: undefined, intent: undefined }))).toEqual([
      {
        severity: 'error',
        code: 'required',
        diagnostics: 'Task.status is required (minimum cardinality 1) but missing',
        expression: ['Task.status'],
      },
      {
        severity: 'error',
        code: 'required',
        diagnostics: 'Task.intent is required (minimum cardinality 1) but missing',
        expression: ['Task.intent'],
      },
    ]);
  });

  it('a primitive present through its extensions only (_status) is present', () => {
    const absent = {
      extension: [
        { url: 'http://hl7.org/fhir/StructureDefinition/data-absent-reason', valueCode: 'unknown' },
      ],
    };
    expect(validator.validate(task({ status: undefined, _status: absent }), TASK).ok).toBe(true);
  });

  it('CarePlan.status, intent and subject', () => {
    expect(located({ resourceType: 'CarePlan' }, { type: 'CarePlan' })).toEqual([
      { code: 'required', expression: 'CarePlan.subject' },
      { code: 'required', expression: 'CarePlan.status' },
      { code: 'required', expression: 'CarePlan.intent' },
    ]);
  });

  it('Goal.lifecycleStatus, description and subject', () => {
    const goal = {
      ...officialExample('goal-example.json'),
      lifecycleStatus: undefined,
      description: undefined,
      subject: undefined,
    };
    expect(located(JSON.parse(JSON.stringify(goal)), { type: 'Goal' })).toEqual([
      { code: 'required', expression: 'Goal.subject' },
      { code: 'required', expression: 'Goal.description' },
      { code: 'required', expression: 'Goal.lifecycleStatus' },
    ]);
  });

  it('nested: CarePlan.activity.detail.status, once detail is present', () => {
    const carePlan = officialExample('careplan-f001.json');
    carePlan.activity = [
      { detail: { kind: 'ServiceRequest', doNotPerform: true } },
      { progress: [{ text: 'no detail' }] },
    ];
    expect(located(carePlan, { type: 'CarePlan' })).toEqual([
      { code: 'required', expression: 'CarePlan.activity[0].detail.status' },
    ]);
  });

  it('nested in data types and choice types: Annotation.text, Extension.url, Task.input.value[x]', () => {
    const body = task({
      note: [{ authorString: 'nurse' }],
      extension: [{ valueString: 'no url' }],
      input: [{ type: { text: 'dressing' } }, { type: { text: 'ok' }, valueBoolean: true }],
    });
    expect(located(body)).toEqual([
      { code: 'required', expression: 'Task.extension[0].url' },
      { code: 'required', expression: 'Task.note[0].text' },
      { code: 'required', expression: 'Task.input[0].value' },
    ]);
    expect(issuesOf(body)[2]?.diagnostics).toBe(
      'Task.input[0].value[x] is required (minimum cardinality 1) but missing',
    );
  });
});

describe('codes of required bindings', () => {
  it('Task.status "done" is not a task-status code', () => {
    expect(issuesOf(task({ status: 'done' }))).toEqual([
      {
        severity: 'error',
        code: 'value',
        diagnostics:
          'Task.status: "done" is not in the required value set http://hl7.org/fhir/ValueSet/task-status (draft, requested, received, accepted, rejected, ready, cancelled, in-progress, on-hold, failed, completed, entered-in-error)',
        expression: ['Task.status'],
      },
    ]);
  });

  it('Task.priority, which the schema leaves a bare code, is checked against request-priority', () => {
    expect(issuesOf(task({ priority: 'high' }))).toEqual([
      {
        severity: 'error',
        code: 'value',
        diagnostics:
          'Task.priority: "high" is not in the required value set http://hl7.org/fhir/ValueSet/request-priority (routine, urgent, asap, stat)',
        expression: ['Task.priority'],
      },
    ]);
  });

  it('CareTeam.status and CarePlan.intent', () => {
    expect(
      located({ ...officialExample('careteam-example.json'), status: 'bogus' }, { type: 'CareTeam' }),
    ).toEqual([{ code: 'value', expression: 'CareTeam.status' }]);
    expect(
      located({ ...officialExample('careplan-f001.json'), intent: 'wish' }, { type: 'CarePlan' }),
    ).toEqual([{ code: 'value', expression: 'CarePlan.intent' }]);
  });

  it('in repeating codes of nested data types: Timing.repeat.dayOfWeek, null placeholders allowed', () => {
    const carePlan = (repeat: Record<string, unknown>) => ({
      ...officialExample('careplan-f001.json'),
      activity: [{ detail: { status: 'scheduled', scheduledTiming: { repeat } } }],
    });
    const at = 'CarePlan.activity[0].detail.scheduledTiming.repeat.dayOfWeek';
    expect(validator.validate(carePlan({ dayOfWeek: ['mon', 'thu'] }), { type: 'CarePlan' }).ok).toBe(true);
    expect(
      validator.validate(carePlan({ dayOfWeek: [null, 'thu'], _dayOfWeek: [{ id: 'a' }, null] }), {
        type: 'CarePlan',
      }).ok,
    ).toBe(true);
    expect(issuesOf(carePlan({ dayOfWeek: ['mon', 'lundi'] }), { type: 'CarePlan' })).toEqual([
      {
        severity: 'error',
        code: 'value',
        diagnostics: `${at}[1]: "lundi" is not in the required value set http://hl7.org/fhir/ValueSet/days-of-week (mon, tue, wed, thu, fri, sat, sun)`,
        expression: [`${at}[1]`],
      },
    ]);
  });

  it('in data types: Identifier.use, Narrative.status', () => {
    const body = task({
      identifier: [{ use: 'usual' }, { use: 'primary', value: 'x' }],
      text: { status: 'written', div: '<div xmlns="http://www.w3.org/1999/xhtml">x</div>' },
    });
    expect(located(body)).toEqual([
      { code: 'value', expression: 'Task.text.status' },
      { code: 'value', expression: 'Task.identifier[1].use' },
    ]);
  });
});

describe('structure', () => {
  it('a number where a code is expected is one issue (no enum noise)', () => {
    expect(issuesOf(task({ priority: 3 }))).toEqual([
      {
        severity: 'error',
        code: 'structure',
        diagnostics: 'Task.priority must be a string (FHIR code), not a number (3)',
        expression: ['Task.priority'],
      },
    ]);
  });

  it('an array where a single value is expected, and the other way round', () => {
    const body = task({
      status: ['draft'],
      for: [{ reference: 'Patient/example' }],
      identifier: { value: 'x' },
    });
    expect(issuesOf(body).map((issue) => [issue.code, issue.expression?.[0], issue.diagnostics])).toEqual([
      ['structure', 'Task.identifier', 'Task.identifier must be an array, not an object'],
      ['structure', 'Task.status', 'Task.status must be a string, not an array'],
      ['structure', 'Task.for', 'Task.for must be an object, not an array'],
    ]);
  });

  it('unknown elements, including the properties Medplum adds to R4 types', () => {
    const body = task({
      foo: 1,
      'foo-bar': 2,
      meta: { project: 'p' },
      for: { reference: 'Patient/1', resource: {} },
    });
    expect(located(body)).toEqual([
      { code: 'structure', expression: 'Task.foo' },
      { code: 'structure', expression: 'Task.`foo-bar`' },
      { code: 'structure', expression: 'Task.meta.project' },
      { code: 'structure', expression: 'Task.for.resource' },
    ]);
    expect(issuesOf(task({ foo: 1 }))[0]?.diagnostics).toBe(
      '"foo" is not an element FHIR R4 defines in Task',
    );
  });

  it('empty arrays and empty elements', () => {
    expect(issuesOf(task({ identifier: [], _status: {} }))).toEqual([
      {
        severity: 'error',
        code: 'structure',
        diagnostics: 'Task.identifier is an empty array: leave the element out instead',
        expression: ['Task.identifier'],
      },
      {
        severity: 'error',
        code: 'invariant',
        diagnostics: 'Task.status is empty: a FHIR element must have a value or children (ele-1)',
        expression: ['Task.status'],
      },
    ]);
  });

  it('integers are 32-bit integers, positiveInt starts at 1', () => {
    expect(located(task({ restriction: { repetitions: 1.5 } }))).toEqual([
      { code: 'structure', expression: 'Task.restriction.repetitions' },
    ]);
    expect(issuesOf(task({ restriction: { repetitions: 0 } }))[0]?.diagnostics).toBe(
      'Task.restriction.repetitions: 0 must be >= 1 (FHIR positiveInt)',
    );
    expect(located(task({ input: [{ type: { text: 'n' }, valueInteger: 2 ** 31 }] }))).toEqual([
      { code: 'value', expression: 'Task.input[0].valueInteger' },
    ]);
  });

  it('repeating primitives may hold the nulls that align values and their extensions', () => {
    const carePlan = officialExample('careplan-f001.json');
    carePlan.instantiatesUri = ['http://example.org/protocol', null];
    carePlan._instantiatesUri = [
      null,
      { extension: [{ url: 'http://example.org/x', valueString: 'no uri' }] },
    ];
    expect(validator.validate(carePlan, { type: 'CarePlan' }).ok).toBe(true);
    carePlan.instantiatesUri = ['http://example.org/protocol', 5];
    expect(located(carePlan, { type: 'CarePlan' })).toEqual([
      { code: 'structure', expression: 'CarePlan.instantiatesUri[1]' },
    ]);
  });

  it('a property named like a JavaScript object internal is an unknown element like any other', () => {
    const body: unknown = JSON.parse(
      '{"resourceType":"Task","status":"draft","intent":"order","__proto__":{},"constructor":1}',
    );
    expect(issuesOf(body).map((issue) => issue.expression?.[0])).toEqual([
      'Task.__proto__',
      'Task.constructor',
    ]);
  });

  it('what the official schema refuses wrongly is accepted: _canonical extensions, no-break spaces', () => {
    const body = task({
      instantiatesCanonical: 'http://example.org/PlanDefinition/dressing',
      _instantiatesCanonical: { extension: [{ url: 'http://example.org/note', valueString: 'version 2' }] },
      description: 'Pansement à refaire\u00a0: demain matin',
      input: [{ type: { text: 'consigne' }, valueString: '\u00a0à jeun' }],
    });
    expect(validator.validate(body, TASK).ok).toBe(true);
  });
});

describe('primitive formats', () => {
  it.each([
    ['authoredOn', '2016-13-01'],
    ['authoredOn', '2016-10-31T08:25:05'],
    ['lastModified', '31/10/2016'],
  ])('Task.%s %j is not a dateTime', (element, value) => {
    expect(issuesOf(task({ [element]: value }))).toEqual([
      {
        severity: 'error',
        code: 'value',
        diagnostics: `Task.${element}: ${JSON.stringify(value)} is not a valid FHIR dateTime (YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDThh:mm:ss with a time zone (Z or +hh:mm))`,
        expression: [`Task.${element}`],
      },
    ]);
  });

  it('nested elements are named in FHIRPath', () => {
    const body = task({
      input: [{ type: { coding: [{ code: 'ok' }, { code: ' bad' }] }, valueDate: '2020-02-30x' }],
      executionPeriod: { start: 'yesterday' },
    });
    expect(located(body)).toEqual([
      { code: 'value', expression: 'Task.executionPeriod.start' },
      { code: 'value', expression: 'Task.input[0].type.coding[1].code' },
      { code: 'value', expression: 'Task.input[0].valueDate' },
    ]);
  });

  it('the extensions of a primitive are named after the element', () => {
    expect(
      located(task({ _status: { extension: [{ url: 'http://example.org/x', valueCode: ' x' }] } })),
    ).toEqual([{ code: 'value', expression: 'Task.status.extension[0].valueCode' }]);
  });
});

describe('contained resources', () => {
  it('are validated as what their resourceType says, with only their own issues', () => {
    const body = task({
      contained: [
        { resourceType: 'Patient', id: 'p', gender: 'x' },
        { resourceType: 'Goal', id: 'g' },
        { resourceType: 'Practitioner', id: 'ok', name: [{ family: 'Martin' }] },
      ],
    });
    expect(located(body)).toEqual([
      { code: 'value', expression: 'Task.contained[0].gender' },
      { code: 'required', expression: 'Task.contained[1].subject' },
      { code: 'required', expression: 'Task.contained[1].description' },
      { code: 'required', expression: 'Task.contained[1].lifecycleStatus' },
    ]);
  });

  it('need the resourceType of a FHIR R4 resource (not a Medplum one)', () => {
    const body = task({
      contained: [
        { id: 'a' },
        { resourceType: 'Foo' },
        { resourceType: 'Project', name: 'x' },
        { resourceType: 7 },
      ],
    });
    expect(issuesOf(body).map((issue) => [issue.code, issue.expression?.[0], issue.diagnostics])).toEqual([
      [
        'required',
        'Task.contained[0].resourceType',
        'Task.contained[0].resourceType is required (minimum cardinality 1) but missing',
      ],
      [
        'value',
        'Task.contained[1].resourceType',
        'Task.contained[1].resourceType: "Foo" is not a FHIR R4 resource type',
      ],
      [
        'value',
        'Task.contained[2].resourceType',
        'Task.contained[2].resourceType: "Project" is not a FHIR R4 resource type',
      ],
      [
        'structure',
        'Task.contained[3].resourceType',
        'Task.contained[3].resourceType must be a string naming a FHIR R4 resource type, not a number (7)',
      ],
    ]);
  });
});

describe('the answer', () => {
  it('is capped: the last issue says how many were left out', () => {
    const body = task(Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`unknown${i}`, i])));
    const capped = createResourceValidator({ types: ['Task'], maxIssues: 5 });
    const result = capped.validate(body, TASK);
    expect(result.ok).toBe(false);
    const issues = result.ok ? [] : result.issues;
    expect(issues).toHaveLength(5);
    expect(issues[4]).toEqual({
      severity: 'error',
      code: 'invalid',
      diagnostics: '6 more issues were found and not reported (at most 5 per answer)',
    });
    expect(issuesOf(body)).toHaveLength(10);
  });

  it('is every issue of the resource at once, each an error with a FHIRPath expression', () => {
    const issues = issuesOf(
      task({ status: 'done', intent: undefined, priority: 3, foo: 1, authoredOn: 'now' }),
    );
    expect(issues.map((issue) => issue.expression?.[0])).toEqual([
      'Task.foo',
      'Task.status',
      'Task.priority',
      'Task.authoredOn',
      'Task.intent',
    ]);
    expect(issues.every((issue) => issue.severity === 'error')).toBe(true);
  });
});

describe('configuration', () => {
  it('refuses a type FHIR R4 does not define, or one of Medplum', () => {
    expect(() => createResourceValidator({ types: ['Task', 'Tsak'] })).toThrow(UnknownResourceTypeError);
    expect(() => createResourceValidator({ types: ['Project'] })).toThrow(UnknownResourceTypeError);
  });

  it('validates only the types it was given', () => {
    const tasks = createResourceValidator({ types: ['Task'] });
    expect(tasks.types).toEqual(['Task']);
    expect(() => tasks.validate(officialExample('goal-example.json'), { type: 'Goal' })).toThrow(
      ResourceTypeNotConfiguredError,
    );
    expect(() => tasks.validate({}, { type: 'Nope' })).toThrow(UnknownResourceTypeError);
  });

  it('is the validator the FHIR router takes', () => {
    const routerValidator: IncomingResourceValidator = validator;
    expect(
      routerValidator.validate(officialExample('task-example3.json'), { type: 'Task', id: 'example3' }).ok,
    ).toBe(true);
  });

  it('takes every R4 resource type by default', () => {
    const all = createResourceValidator();
    expect(all.types).toContain('Patient');
    expect(all.types).toContain('Task');
    expect(all.types).not.toContain('Project');
    expect(all.types).toHaveLength(146);
  });
});
