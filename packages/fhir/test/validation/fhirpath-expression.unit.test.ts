import { describe, expect, it } from '@jest/globals';
import { childExpression, pointerToExpression } from '../../src/validation/fhirpath-expression.js';

const task = {
  resourceType: 'Task',
  input: [{ type: { coding: [{ code: 'a' }, { code: 'b' }] } }],
  _status: { extension: [{ url: 'x' }] },
  given: ['a'],
  _given: [null, { extension: [] }],
  '0': { nested: true },
  'a/b': 1,
};

describe('FHIRPath expressions of JSON pointers', () => {
  it.each([
    ['', 'Task'],
    ['/status', 'Task.status'],
    ['/input/0/type/coding/1/code', 'Task.input[0].type.coding[1].code'],
    ['/_status/extension/0/url', 'Task.status.extension[0].url'],
    ['/_given/1/extension', 'Task.given[1].extension'],
    ['/0/nested', 'Task.`0`.nested'],
    ['/a~1b', 'Task.`a/b`'],
    ['/unknown/0', 'Task.unknown.`0`'],
  ])('%j is %s', (pointer, expression) => {
    expect(pointerToExpression('Task', pointer, task)).toBe(expression);
  });

  it('delimits names FHIRPath cannot spell bare', () => {
    expect(childExpression('Task', 'foo-bar')).toBe('Task.`foo-bar`');
    expect(childExpression('Task', 'we`ird')).toBe('Task.`we\\`ird`');
    expect(childExpression('Task', '_')).toBe('Task._');
  });
});
