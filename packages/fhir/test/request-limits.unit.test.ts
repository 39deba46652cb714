// The small checks that keep malformed input from reaching a provider or PostgreSQL.
import { describe, expect, it } from '@jest/globals';
import { checkSince, isVersionNumber } from '../src/server/request-limits.js';
import { fitsCursorValue } from '../src/storage/index.js';
import { findUnstorableText, unstorableCharacterIn } from '../src/validation/index.js';

describe('request limits', () => {
  it('_since: an instant or a date, nothing else Date.parse takes', () => {
    for (const ok of ['2026-06-01', '2026-06-01T08:30:00Z', '2026-06-01T08:30:00.123+02:00', '2024-02-29'])
      expect(checkSince(ok)).toBe(ok);
    for (const bad of [
      '1',
      'June 2026',
      '2026-02-30',
      '2026-13-01',
      '2026-06-01T25:00:00Z',
      '2026-06-01T08:30',
    ])
      expect(() => checkSince(bad)).toThrow(expect.objectContaining({ status: 400 }));
  });

  it('version ids: positive integers a 64-bit revision holds', () => {
    expect(['1', '42', '999999999999999'].map(isVersionNumber)).toEqual([true, true, true]);
    expect(['0', '-1', '1.5', 'abc', '01', '99999999999999999999'].map(isVersionNumber)).toEqual(
      Array(6).fill(false),
    );
  });

  it('cursor values: what PostgreSQL takes for their type', () => {
    expect(fitsCursorValue('2026-06-01 08:30:00.123+00', 'timestamptz')).toBe(true);
    expect(fitsCursorValue('2026-06-01T08:30:00+05:30', 'timestamptz')).toBe(true);
    expect(fitsCursorValue('infinity', 'timestamptz')).toBe(true);
    expect(fitsCursorValue('2026-02-30 00:00:00+00', 'timestamptz')).toBe(false);
    expect(fitsCursorValue('yesterday', 'timestamptz')).toBe(false);
    expect(fitsCursorValue('-12.50', 'numeric')).toBe(true);
    expect(fitsCursorValue('1e5', 'numeric')).toBe(false);
    expect(fitsCursorValue('2147483647', 'int')).toBe(true);
    expect(fitsCursorValue('2147483648', 'int')).toBe(false);
    expect(fitsCursorValue('a\u0000', 'text')).toBe(false);
    expect(fitsCursorValue('🙂', 'text')).toBe(true);
  });

  it('unstorable text: NUL and lone surrogates, not well-formed pairs', () => {
    expect(unstorableCharacterIn('a\u0000b')).toMatch(/NUL/);
    expect(unstorableCharacterIn('\ud800')).toMatch(/U\+D800/);
    expect(unstorableCharacterIn('x\udc00')).toMatch(/U\+DC00/);
    expect(unstorableCharacterIn('🙂 é \t\n')).toBeUndefined();
    expect(findUnstorableText({ input: [{ valueString: 'ok' }, { valueString: '\u0000' }] }, 'Task')).toEqual(
      {
        expression: 'Task.input[1].valueString',
        reason: expect.stringMatching(/NUL/) as unknown as string,
      },
    );
    expect(findUnstorableText({ 'a\ud800': 1 }, 'Task')).toMatchObject({ expression: 'Task' });
  });
});
