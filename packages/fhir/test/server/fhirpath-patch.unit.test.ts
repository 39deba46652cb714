// FHIRPath Patch (R4 fhirpatch.html): parsing of the Parameters body and application of each
// operation type, with the errors of a malformed patch (400) and of one that does not apply (422).
import { describe, expect, it } from '@jest/globals';
import type { ParametersParameter, Resource } from 'fhir/r4.js';
import { FhirError } from '../../src/outcomes.js';
import { applyFhirPathPatch, isListElement, parseFhirPathPatch } from '../../src/server/fhirpath-patch.js';

const op = (type: string, path: string, ...rest: ParametersParameter[]): ParametersParameter => ({
  name: 'operation',
  part: [{ name: 'type', valueCode: type }, { name: 'path', valueString: path }, ...rest],
});
const apply = (resource: object, ...operations: ParametersParameter[]): Record<string, unknown> =>
  applyFhirPathPatch(
    resource as Resource,
    parseFhirPathPatch({ resourceType: 'Parameters', parameter: operations }),
  ) as unknown as Record<string, unknown>;

function failure(run: () => unknown): FhirError {
  try {
    run();
  } catch (error) {
    if (error instanceof FhirError) return error;
    throw error;
  }
  throw new Error('expected a FhirError');
}

const task = {
  resourceType: 'Task',
  status: 'requested',
  intent: 'order',
  description: 'd',
  note: [{ text: 'a' }, { text: 'b' }, { text: 'c' }],
  input: [{ type: { text: 'x' }, valueString: 'v' }],
};

describe('FHIRPath Patch', () => {
  it('replace: a primitive, an item of a list, a choice element with another type', () => {
    const patched = apply(
      task,
      op('replace', 'Task.status', { name: 'value', valueCode: 'accepted' }),
      op('replace', 'Task.note[1]', { name: 'value', valueAnnotation: { text: 'B' } }),
      op('replace', 'Task.input[0].value', { name: 'value', valueInteger: 3 }),
    );
    expect(patched.status).toBe('accepted');
    expect(patched.note).toEqual([{ text: 'a' }, { text: 'B' }, { text: 'c' }]);
    expect(patched.input).toEqual([{ type: { text: 'x' }, valueInteger: 3 }]);
    // The input is not changed.
    expect(task.status).toBe('requested');
  });

  it('add: appends to a list, creates a list or sets a single element, by the R4 cardinality', () => {
    const patched = apply(
      { resourceType: 'Task', status: 'requested', intent: 'order', note: [{ text: 'a' }] },
      op(
        'add',
        'Task',
        { name: 'name', valueString: 'note' },
        { name: 'value', valueAnnotation: { text: 'b' } },
      ),
      op(
        'add',
        'Task',
        { name: 'name', valueString: 'identifier' },
        { name: 'value', valueIdentifier: { value: 'i' } },
      ),
      op('add', 'Task', { name: 'name', valueString: 'priority' }, { name: 'value', valueCode: 'urgent' }),
      // A BackboneElement value given as parts.
      op(
        'add',
        'Task',
        { name: 'name', valueString: 'restriction' },
        { name: 'value', part: [{ name: 'repetitions', valuePositiveInt: 2 }] },
      ),
    );
    expect(patched.note).toEqual([{ text: 'a' }, { text: 'b' }]);
    expect(patched.identifier).toEqual([{ value: 'i' }]);
    expect(patched.priority).toBe('urgent');
    expect(patched.restriction).toEqual({ repetitions: 2 });
  });

  it('insert and move within a list; insert into an absent list at 0', () => {
    const patched = apply(
      task,
      op(
        'insert',
        'Task.note',
        { name: 'index', valueInteger: 1 },
        { name: 'value', valueAnnotation: { text: 'x' } },
      ),
      op('move', 'Task.note', { name: 'source', valueInteger: 0 }, { name: 'destination', valueInteger: 3 }),
      op(
        'insert',
        'Task.identifier',
        { name: 'index', valueInteger: 0 },
        { name: 'value', valueIdentifier: { value: 'i' } },
      ),
    );
    expect((patched.note as { text: string }[]).map((n) => n.text)).toEqual(['x', 'b', 'c', 'a']);
    expect(patched.identifier).toEqual([{ value: 'i' }]);
  });

  it('delete: an element, an item chosen by where(), a list emptied goes; nothing matched is no change', () => {
    const patched = apply(
      task,
      op('delete', 'Task.description'),
      op('delete', "Task.note.where(text = 'b')"),
      op('delete', 'Task.input[0]'),
      op('delete', 'Task.partOf'),
    );
    expect(patched.description).toBeUndefined();
    expect(patched.note).toEqual([{ text: 'a' }, { text: 'c' }]);
    expect('input' in patched).toBe(false);
  });

  it('a path that does not resolve as the operation needs is a 422 naming the operation', () => {
    const cases: [ParametersParameter, RegExp][] = [
      [op('replace', 'Task.note', { name: 'value', valueAnnotation: { text: 'z' } }), /names 3/],
      [op('replace', 'Task.period', { name: 'value', valuePeriod: {} }), /names 0/],
      [op('delete', 'Task.note'), /names 3 elements, delete takes one/],
      [
        op('insert', 'Task.note', { name: 'index', valueInteger: 4 }, { name: 'value', valueString: 'x' }),
        /past the end/,
      ],
      [
        op(
          'move',
          'Task.note',
          { name: 'source', valueInteger: 0 },
          { name: 'destination', valueInteger: 3 },
        ),
        /within the list/,
      ],
      [
        op('insert', 'Task.status', { name: 'index', valueInteger: 0 }, { name: 'value', valueString: 'x' }),
        /repeating/,
      ],
      [
        op('add', 'Task', { name: 'name', valueString: 'status' }, { name: 'value', valueCode: 'x' }),
        /use replace/,
      ],
      [
        op('add', 'Task.status', { name: 'name', valueString: 'x' }, { name: 'value', valueCode: 'x' }),
        /has children/,
      ],
      [
        op('replace', "Task.status = 'requested'", { name: 'value', valueCode: 'x' }),
        /does not name elements/,
      ],
      [op('replace', 'Task..status', { name: 'value', valueCode: 'x' }), /does not evaluate/],
    ];
    for (const [operation, message] of cases) {
      const error = failure(() => apply(task, op('delete', 'Task.partOf'), operation));
      expect([error.status, error.outcome.issue[0]?.expression]).toEqual([422, ['Parameters.parameter[1]']]);
      expect(error.outcome.issue[0]?.diagnostics).toMatch(/^FHIRPath Patch operation 2 \(/);
      expect(error.outcome.issue[0]?.diagnostics).toMatch(message);
    }
  });

  it('a malformed patch is a 400 naming the parameter', () => {
    const cases: [unknown, string][] = [
      [{ resourceType: 'Task' }, 'Parameters'],
      [{ resourceType: 'Parameters' }, 'Parameters.parameter'],
      [{ resourceType: 'Parameters', parameter: [{ name: 'other' }] }, 'Parameters.parameter[0]'],
      [{ resourceType: 'Parameters', parameter: [op('teleport', 'Task')] }, 'Parameters.parameter[0]'],
      [{ resourceType: 'Parameters', parameter: [op('replace', 'Task.status')] }, 'Parameters.parameter[0]'],
      [
        { resourceType: 'Parameters', parameter: [op('add', 'Task', { name: 'name', valueString: 'a b' })] },
        'Parameters.parameter[0]',
      ],
      [
        {
          resourceType: 'Parameters',
          parameter: [op('insert', 'Task.note', { name: 'index', valueInteger: -1 })],
        },
        'Parameters.parameter[0]',
      ],
      [
        {
          resourceType: 'Parameters',
          parameter: [op('delete', 'Task.note', { name: 'path', valueString: 'x' })],
        },
        'Parameters.parameter[0].part[2]',
      ],
      [
        {
          resourceType: 'Parameters',
          parameter: Array.from({ length: 101 }, () => op('delete', 'Task.note')),
        },
        'Parameters.parameter',
      ],
    ];
    for (const [body, expression] of cases) {
      const error = failure(() => parseFhirPathPatch(body));
      expect([error.status, error.outcome.issue[0]?.expression]).toEqual([400, [expression]]);
    }
  });

  it('knows which elements repeat, from the R4 definitions', () => {
    expect(isListElement('Task', 'note')).toBe(true);
    expect(isListElement('Task', 'status')).toBe(false);
    expect(isListElement('Task.input', 'type')).toBe(false);
    expect(isListElement('CarePlan.activity', 'progress')).toBe(true);
    expect(isListElement('CodeableConcept', 'coding')).toBe(true);
  });
});
