import { describe, expect, it } from '@jest/globals';
import { errorLines, kindOf } from './validation-summary.js';

describe('kindOf (validator messages grouped by rule)', () => {
  it('blanks quoted values, URLs and numbers', () => {
    const a = kindOf(
      "CodeSystem is unknown and can't be validated: http://loinc.org for 'http://loinc.org#LA27976-2'",
    );
    const b = kindOf(
      "CodeSystem is unknown and can't be validated: https://carenet.example.org/fhir/CodeSystem/x for 'https://carenet.example.org/fhir/CodeSystem/x#y'",
    );
    expect(a).toBe(b);
    expect(a).toBe("CodeSystem is unknown and can't be validated: … for '…'");
    expect(kindOf('Task.input[3]: expected 2 but found "x"')).toBe('Task.input[n]: expected n but found "…"');
  });

  it('keeps messages of different rules apart', () => {
    expect(kindOf('Constraint failed: dom-6')).not.toBe(kindOf('Constraint failed: dom-3'));
  });
});

describe('errorLines', () => {
  it('lists each error with its request, status and location', () => {
    const error = { severity: 'error', location: 'Task.status', message: 'bad' };
    const row = { group: 'g', request: 'GET Task/1', status: 200, warnings: 0, warningMessages: [] };
    expect(
      errorLines([
        { ...row, errors: [error, error] },
        { ...row, errors: [] },
      ]),
    ).toEqual(['GET Task/1 (200): Task.status: bad', 'GET Task/1 (200): Task.status: bad']);
  });
});
