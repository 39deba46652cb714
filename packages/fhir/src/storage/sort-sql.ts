import type { SortRule } from '../search/index.js';
import { INDEX_TABLES, isIndexedParamType, type IndexedParamType } from './index-tables.js';
import { orderedCodesOf } from './ordered-codes.js';
import { checkCursorValue, type SearchCursor } from './search-cursor.js';
import { SearchStoreError } from './search-store-error.js';
import type { SqlParams } from './sql-params.js';

/** One `_sort` key as a per-resource SQL value (on the row `r` of `fhir.resources`). */
export interface SortKeySql {
  readonly expression: string;
  /** The SQL type the key is compared as (its cursor value is cast back to it). */
  readonly cast: 'text' | 'timestamptz' | 'numeric';
  readonly descending: boolean;
}

const VALUE_COLUMN: Readonly<
  Record<IndexedParamType, { asc: string; desc: string; cast: SortKeySql['cast'] }>
> = {
  token: { asc: 'x.code', desc: 'x.code', cast: 'text' },
  reference: { asc: 'x.reference', desc: 'x.reference', cast: 'text' },
  date: { asc: 'x.start_at', desc: 'x.end_at', cast: 'timestamptz' },
  string: { asc: 'x.normalized', desc: 'x.normalized', cast: 'text' },
  number: { asc: 'x.value', desc: 'x.value', cast: 'numeric' },
  quantity: { asc: 'x.value', desc: 'x.value', cast: 'numeric' },
  uri: { asc: 'x.value', desc: 'x.value', cast: 'text' },
};

/**
 * `_sort` keys: `_id` and `_lastUpdated` from the resource row; any other parameter from its index
 * table, the smallest value ascending and the largest descending (a date: the earliest start
 * ascending, the latest end descending; a token with a clinical order: its rank in that order).
 * Resources without a value come last either way.
 */
export function sortKeySql(rule: SortRule, typeParam: string, p: SqlParams): SortKeySql {
  const { parameter, descending } = rule;
  if (parameter.code === '_id') return { expression: 'r.id', cast: 'text', descending };
  if (parameter.code === '_lastUpdated')
    return { expression: 'r.last_updated', cast: 'timestamptz', descending };
  if (!isIndexedParamType(parameter.type)) {
    throw new SearchStoreError(
      'unindexable-parameter',
      `cannot sort on ${parameter.code} (${parameter.type})`,
    );
  }
  const ordered = orderedCodesOf(parameter);
  if (ordered !== undefined) {
    // The rank of the code in its clinical order; a code outside it has no rank (sorts last).
    const rank = `array_position(${p.bind(ordered, 'text[]')}, x.code)`;
    return {
      expression:
        `(SELECT ${descending ? 'max' : 'min'}(${rank}) FROM ${INDEX_TABLES[parameter.type]} x ` +
        `WHERE x.resource_type = ${typeParam} AND x.id = r.id AND x.param = ${p.bind(parameter.code)})`,
      cast: 'numeric',
      descending,
    };
  }
  const column = VALUE_COLUMN[parameter.type];
  const aggregate = descending ? `max(${column.desc})` : `min(${column.asc})`;
  return {
    expression:
      `(SELECT ${aggregate} FROM ${INDEX_TABLES[parameter.type]} x ` +
      `WHERE x.resource_type = ${typeParam} AND x.id = r.id AND x.param = ${p.bind(parameter.code)})`,
    cast: column.cast,
    descending,
  };
}

function castOf(key: SortKeySql): string {
  return key.cast === 'text' ? 'text COLLATE "C"' : key.cast;
}

/**
 * The order of a search: the keys (NULLs last either way), then the id. `reversed` is the exact
 * reverse (to read the page before a cursor).
 */
export function orderBySql(keys: readonly SortKeySql[], alias = 's', reversed = false): string {
  const forward = (descending: boolean) => (descending !== reversed ? 'DESC' : 'ASC');
  return [
    ...keys.map((k, i) => `${alias}.k${i} ${forward(k.descending)} NULLS ${reversed ? 'FIRST' : 'LAST'}`),
    `${alias}.id ${forward(false)}`,
  ].join(', ');
}

/**
 * Rows strictly after (or before) the cursor in the order of `orderBySql`: a lexicographic
 * comparison written out (NULL sorts last in both directions, the id breaks ties).
 */
export function cursorSql(keys: readonly SortKeySql[], cursor: SearchCursor, p: SqlParams): string {
  const after = cursor.direction === 'after';
  const alternatives: string[] = [];
  for (let i = 0; i <= keys.length; i++) {
    const key = keys[i];
    const value = cursor.keys[i] ?? null;
    // NULLs come last: nothing is after a NULL key on it (and no placeholder may go unused).
    if (key !== undefined && value === null && after) continue;
    const equal = keys.slice(0, i).map((k, j) => {
      const v = cursor.keys[j] ?? null;
      return v === null ? `s.k${j} IS NULL` : `s.k${j} = ${p.bind(checkCursorValue(v, k.cast), castOf(k))}`;
    });
    let beyond: string;
    if (key === undefined) {
      beyond = `s.id ${after ? '>' : '<'} ${p.bind(cursor.id, 'text COLLATE "C"')}`;
    } else if (value === null) {
      // Every non-NULL key is before a NULL one.
      beyond = `s.k${i} IS NOT NULL`;
    } else {
      const greater = key.descending === after ? '<' : '>';
      const v = p.bind(checkCursorValue(value, key.cast), castOf(key));
      beyond = after ? `(s.k${i} IS NULL OR s.k${i} ${greater} ${v})` : `s.k${i} ${greater} ${v}`;
    }
    alternatives.push([...equal, beyond].join(' AND '));
  }
  return alternatives.map((a) => `(${a})`).join(' OR ');
}
