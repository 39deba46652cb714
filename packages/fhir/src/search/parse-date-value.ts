import { isoInstant, parseDate } from './date-range.js';
import { isSearchPrefix, type SearchPrefix } from './search-parameter-definition.js';
import type { DateMatch } from './search-request.js';
import { quoteForMessage } from './search-value-syntax.js';
import { invalid, valid, type ValueResult } from './value-result.js';

const PREFIXED = /^([a-z]{2})(?=\d)/;
/** Date limits of ECMAScript: ±8.64e15 ms. */
const MAX_MS = 8.64e15;

/** Splits an optional prefix (`ge2026-01`), for dates, numbers and quantities. */
export function splitPrefix(
  raw: string,
  lookahead: RegExp = PREFIXED,
): { prefix: SearchPrefix; rest: string } | undefined {
  const m = lookahead.exec(raw);
  if (!m) return { prefix: 'eq', rest: raw };
  const p = m[1] ?? '';
  return isSearchPrefix(p) ? { prefix: p, rest: raw.slice(p.length) } : undefined;
}

/**
 * One date value: `[prefix]date` with a partial date (`2026`, `2026-06`, `2026-06-01`,
 * `2026-06-01T10:00[:00[.000]][Z|±hh:mm]`) and its implicit range. For `ap`, the range is widened
 * by 10% of the gap between `now` and the value (R4: "10% of the gap between now and the date").
 */
export function parseDateMatch(raw: string, now: Date): ValueResult<DateMatch> {
  const split = splitPrefix(raw);
  if (!split) return invalid(`${quoteForMessage(raw)}: unknown prefix (eq ne gt lt ge le sa eb ap)`);
  const parsed = parseDate(split.rest);
  if (!parsed) {
    return invalid(
      `${quoteForMessage(raw)} is not a date (YYYY, YYYY-MM, YYYY-MM-DD, YYYY-MM-DDThh:mm[:ss[.fff]][Z|±hh:mm])`,
    );
  }
  const base = { prefix: split.prefix, raw: split.rest, precision: parsed.precision, range: parsed.range };
  if (split.prefix !== 'ap') return valid(base);
  const nowMs = now.getTime();
  const delta = Number.isFinite(nowMs) ? Math.round(Math.abs(nowMs - parsed.startMs) * 0.1) : 0;
  return valid({
    ...base,
    approximate: {
      start: isoInstant(Math.max(-MAX_MS, parsed.startMs - delta)),
      end: isoInstant(Math.min(MAX_MS, parsed.endMs + delta)),
    },
  });
}
