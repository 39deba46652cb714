import { parseDecimal } from './decimal-range.js';
import { splitPrefix } from './parse-date-value.js';
import type { NumberMatch, QuantityMatch } from './search-request.js';
import { quoteForMessage, splitUnescaped, unescapeValue } from './search-value-syntax.js';
import { invalid, valid, type ValueResult } from './value-result.js';

const NUMBER_PREFIX = /^([a-z]{2})(?=[-+]?\d)/;

/**
 * One number value: `[prefix]number` with its implicit precision range (`100` → [99.5, 100.5)).
 * For `ap`, ±10% of the value, joined with the implicit range.
 */
export function parseNumberMatch(raw: string): ValueResult<NumberMatch> {
  const split = splitPrefix(raw, NUMBER_PREFIX);
  if (!split) return invalid(`${quoteForMessage(raw)}: unknown prefix (eq ne gt lt ge le sa eb ap)`);
  const number = parseDecimal(split.rest);
  if (!number) return invalid(`${quoteForMessage(raw)} is not a number`);
  if (split.prefix !== 'ap') return valid({ prefix: split.prefix, number });
  const tenth = Math.abs(number.value) * 0.1;
  return valid({
    prefix: 'ap',
    number,
    approximate: {
      low: Math.min(number.lowValue, number.value - tenth),
      high: Math.max(number.highValue, number.value + tenth),
    },
  });
}

/** One quantity value: `[prefix]number`, `[prefix]number|system|code`, `[prefix]number||code`. */
export function parseQuantityMatch(raw: string): ValueResult<QuantityMatch> {
  const parts = splitUnescaped(raw, '|');
  if (parts.length !== 1 && parts.length !== 3) {
    return invalid(`${quoteForMessage(raw)} is not a quantity (number, number|system|code or number||code)`);
  }
  const number = parseNumberMatch(unescapeValue(parts[0] ?? ''));
  if (!number.ok) return number;
  const system = unescapeValue(parts[1] ?? '');
  const code = unescapeValue(parts[2] ?? '');
  if (system.length > 0 && code.length === 0) {
    return invalid(`${quoteForMessage(raw)}: a quantity with a system needs a code (number|system|code)`);
  }
  return valid({
    ...number.value,
    ...(system.length > 0 && { system }),
    ...(code.length > 0 && { code }),
  });
}
