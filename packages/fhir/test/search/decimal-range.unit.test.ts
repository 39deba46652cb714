import { describe, expect, it } from '@jest/globals';
import { parseDecimal } from '../../src/search/index.js';

describe('numbers and their implicit precision [low, high)', () => {
  it.each([
    ['100', 100, '100', '99.5', '100.5'],
    ['100.0', 100, '100', '99.95', '100.05'],
    ['100.00', 100, '100', '99.995', '100.005'],
    ['0', 0, '0', '-0.5', '0.5'],
    ['0.1', 0.1, '0.1', '0.05', '0.15'],
    ['-5', -5, '-5', '-5.5', '-4.5'],
    ['-0.25', -0.25, '-0.25', '-0.255', '-0.245'],
    ['+7', 7, '7', '6.5', '7.5'],
    ['1e2', 100, '100', '50', '150'],
    ['1.0e2', 100, '100', '95', '105'],
    ['1.50E-3', 0.0015, '0.0015', '0.001495', '0.001505'],
    ['007', 7, '7', '6.5', '7.5'],
  ])('%s = %d, exactly %s, in [%s, %s)', (raw, value, exact, low, high) => {
    const parsed = parseDecimal(raw);
    expect(parsed).toMatchObject({
      raw,
      value,
      exact,
      low,
      high,
      lowValue: Number(low),
      highValue: Number(high),
    });
  });

  it('keeps exact bounds where floating point would not', () => {
    expect(parseDecimal('0.3')).toMatchObject({ low: '0.25', high: '0.35' });
    expect(parseDecimal('12345678901234567890.1')).toMatchObject({
      low: '12345678901234567890.05',
      high: '12345678901234567890.15',
    });
  });

  it.each([
    '',
    '.5',
    '5.',
    '1e',
    '1e1000',
    '0x10',
    '1,5',
    'NaN',
    'Infinity',
    '--1',
    '1 ',
    '١٢',
    '1'.repeat(41),
  ])('%j is not a number', (raw) => {
    expect(parseDecimal(raw)).toBeUndefined();
  });
});
