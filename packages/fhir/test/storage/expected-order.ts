import type { ParameterIndexValues, ResourceIndexValues, SortRule } from '../../src/search/index.js';
import { orderedCodesOf } from '../../src/storage/ordered-codes.js';

/**
 * The order the store promises, computed in memory: keys min ascending / max descending (ranks
 * for tokens with a clinical order), missing last, then id.
 */
type Key = string | number | undefined;

function bound(value: string): number {
  if (value === '-infinity') return -Infinity;
  if (value === 'infinity') return Infinity;
  return Date.parse(value);
}

function keysOf(
  indexed: ParameterIndexValues | undefined,
  ordered: readonly string[] | undefined,
): { low: Key; high: Key } {
  if (indexed === undefined) return { low: undefined, high: undefined };
  let lows: (string | number)[] = [];
  let highs: (string | number)[] = [];
  switch (indexed.type) {
    case 'date':
      lows = indexed.values.map((v) => bound(v.start));
      highs = indexed.values.map((v) => bound(v.end));
      break;
    case 'token':
      lows = indexed.values.flatMap((v) => (v.code === undefined ? [] : [v.code]));
      // A token with a clinical order sorts by rank (1-based, as array_position); others by code.
      if (ordered !== undefined)
        lows = lows.flatMap((code) =>
          ordered.includes(code as string) ? [ordered.indexOf(code as string) + 1] : [],
        );
      highs = lows;
      break;
    case 'string':
      lows = indexed.values.map((v) => v.normalized);
      highs = lows;
      break;
    case 'number':
    case 'quantity':
      lows = indexed.values.map((v) => v.value);
      highs = lows;
      break;
    default:
      throw new Error(`no in-memory sort for ${indexed.type}`);
  }
  const sort = (values: (string | number)[]): (string | number)[] =>
    [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return { low: sort(lows)[0], high: sort(highs).at(-1) };
}

export function expectedOrder(
  rules: readonly SortRule[],
  resources: readonly ResourceIndexValues[],
): string[] {
  const keyed = resources.map((r) => ({
    id: r.id ?? '',
    keys: rules.map((rule) => {
      if (rule.parameter.code === '_id') return r.id;
      const k = keysOf(
        r.parameters.find((p) => p.parameter === rule.parameter.code),
        orderedCodesOf(rule.parameter),
      );
      return rule.descending ? k.high : k.low;
    }),
  }));
  keyed.sort((a, b) => {
    for (const [i, rule] of rules.entries()) {
      const x = a.keys[i];
      const y = b.keys[i];
      if (x === y) continue;
      if (x === undefined) return 1;
      if (y === undefined) return -1;
      const c = x < y ? -1 : 1;
      return rule.descending ? -c : c;
    }
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  });
  return keyed.map((k) => k.id);
}
