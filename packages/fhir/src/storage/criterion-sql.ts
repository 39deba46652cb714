import type {
  DateMatch,
  NumberMatch,
  QuantityMatch,
  ReferenceMatch,
  SearchClause,
  SearchCriterion,
  StringMatch,
  StringMatchMode,
  TokenMatch,
  UriMatchMode,
} from '../search/index.js';
import { INDEX_TABLES, isIndexedParamType } from './index-tables.js';
import { SearchStoreError } from './search-store-error.js';
import { escapeLike, indexedPrefix, INDEXED_PREFIX_LENGTH, type SqlParams } from './sql-params.js';

/**
 * A search clause as SQL on the row `r` of `fhir.resources`: an EXISTS (NOT EXISTS for `:not` and
 * `:missing=true`) on the parameter's index table `x`, its values OR-ed. Every value is a bind
 * parameter. The meaning is that of `criterionMatches` (match-index-values.ts).
 */
export function clauseSql(clause: SearchClause, typeParam: string, p: SqlParams): string {
  const { parameter, criterion } = clause;
  const table = tableOf(clause);
  const exists = (condition: string | undefined, negate = false): string =>
    `${negate ? 'NOT ' : ''}EXISTS (SELECT 1 FROM ${table} x WHERE x.resource_type = ${typeParam} ` +
    `AND x.id = r.id AND x.param = ${p.bind(parameter.code)}` +
    `${condition === undefined ? '' : ` AND (${condition})`})`;
  if (criterion.kind === 'missing') return exists(undefined, criterion.missing);
  if (criterion.kind === 'token' && criterion.not) return exists(condition(criterion, p), true);
  return exists(condition(criterion, p));
}

function tableOf({ parameter }: SearchClause): string {
  if (!isIndexedParamType(parameter.type)) {
    throw new SearchStoreError(
      'unindexable-parameter',
      `${parameter.resourceType}.${parameter.code} (${parameter.type}) is not indexed`,
    );
  }
  return INDEX_TABLES[parameter.type];
}

/**
 * A clause that can drive a search: it only matches resources that have index rows (not
 * `:missing`, not `:not`), on a reference parameter (the selective kind: an owner, a patient, a
 * care plan). Its ids are all the candidates; the other clauses filter them.
 */
export function isDrivingClause(clause: SearchClause): boolean {
  const { kind } = clause.criterion;
  return kind === 'reference' || kind === 'reference-identifier' || kind === 'chained-identifier';
}

/** The ids of the resources a clause matches, from its index table alone (no resource row). */
export function clauseIdsSql(clause: SearchClause, typeParam: string, p: SqlParams): string {
  const { parameter, criterion } = clause;
  if (criterion.kind === 'missing' || (criterion.kind === 'token' && criterion.not)) {
    throw new SearchStoreError('unindexable-parameter', `${clause.name} cannot drive a search`);
  }
  return (
    `SELECT DISTINCT x.id FROM ${tableOf(clause)} x WHERE x.resource_type = ${typeParam} ` +
    `AND x.param = ${p.bind(parameter.code)} AND (${condition(criterion, p)})`
  );
}

function anyOf<T>(values: readonly T[], one: (value: T) => string): string {
  if (values.length === 0) return 'false';
  return values.map((v) => `(${one(v)})`).join(' OR ');
}

function condition(criterion: Exclude<SearchCriterion, { kind: 'missing' }>, p: SqlParams): string {
  switch (criterion.kind) {
    case 'token':
      return anyOf(criterion.values, (m) => tokenSql(m, 'x.system', 'x.code', p));
    case 'token-text':
      return anyOf(criterion.values, (m) => startsWithSql('x.text_normalized', m.normalized, p));
    case 'reference':
      return anyOf(criterion.values, (m) => referenceSql(m, p));
    case 'reference-identifier':
      return anyOf(criterion.values, (m) => tokenSql(m, 'x.identifier_system', 'x.identifier_value', p));
    case 'chained-identifier': {
      const type =
        criterion.targetType === undefined
          ? undefined
          : `(x.target_type IS NULL OR x.target_type = ${p.bind(criterion.targetType)})`;
      const identifiers = anyOf(criterion.values, (m) =>
        tokenSql(m, 'x.identifier_system', 'x.identifier_value', p),
      );
      return type === undefined ? identifiers : `${type} AND (${identifiers})`;
    }
    case 'date':
      return anyOf(criterion.values, (m) => dateSql(m, p));
    case 'string':
      return anyOf(criterion.values, (m) => stringSql(criterion.mode, m, p));
    case 'number':
      return anyOf(criterion.values, (m) => numberSql(m, 'x.value', p));
    case 'quantity':
      return anyOf(criterion.values, (m) => quantitySql(m, p));
    case 'uri':
      return anyOf(criterion.values, (m) => uriSql(criterion.mode, m, p));
  }
}

function tokenSql(match: TokenMatch, system: string, code: string, p: SqlParams): string {
  switch (match.kind) {
    case 'code':
      return `${code} = ${p.bind(match.code)}`;
    case 'system-and-code':
      return `${code} = ${p.bind(match.code)} AND ${system} = ${p.bind(match.system)}`;
    case 'no-system':
      return `${code} = ${p.bind(match.code)} AND ${system} IS NULL`;
    case 'system':
      return `${system} = ${p.bind(match.system)}`;
  }
}

/** Starts-with on a column indexed by `left(column, 256) text_pattern_ops`. */
function startsWithSql(column: string, prefix: string, p: SqlParams): string {
  const short = indexedPrefix(prefix);
  const indexed = `left(${column}, ${INDEXED_PREFIX_LENGTH}) LIKE ${p.bind(`${escapeLike(short)}%`)}`;
  return short === prefix ? indexed : `${indexed} AND ${column} LIKE ${p.bind(`${escapeLike(prefix)}%`)}`;
}

function referenceSql(match: ReferenceMatch, p: SqlParams): string {
  switch (match.kind) {
    case 'local':
      return `x.reference = ${p.bind(`${match.type}/${match.id}`)}`;
    case 'url':
      return match.version === undefined
        ? `x.reference = ${p.bind(match.url)}`
        : `x.reference = ${p.bind(match.url)} AND x.version = ${p.bind(match.version)}`;
  }
}

function dateSql(match: DateMatch, p: SqlParams): string {
  const ls = (): string => p.bind(match.range.start, 'timestamptz');
  const us = (): string => p.bind(match.range.end, 'timestamptz');
  const eq = (): string => `${ls()} <= x.start_at AND x.end_at <= ${us()}`;
  switch (match.prefix) {
    case 'eq':
      return eq();
    case 'ne':
      return `NOT (${eq()})`;
    case 'gt':
      return `x.end_at > ${us()}`;
    case 'lt':
      return `x.start_at < ${ls()}`;
    case 'ge':
      return `x.end_at > ${us()} OR (${eq()})`;
    case 'le':
      return `x.start_at < ${ls()} OR (${eq()})`;
    case 'sa':
      return `x.start_at > ${us()}`;
    case 'eb':
      return `x.end_at < ${ls()}`;
    case 'ap': {
      const wide = match.approximate ?? match.range;
      return `x.start_at <= ${p.bind(wide.end, 'timestamptz')} AND x.end_at >= ${p.bind(wide.start, 'timestamptz')}`;
    }
  }
}

function stringSql(mode: StringMatchMode, match: StringMatch, p: SqlParams): string {
  switch (mode) {
    case 'starts-with':
      return startsWithSql('x.normalized', match.normalized, p);
    case 'contains':
      return `x.normalized LIKE ${p.bind(`%${escapeLike(match.normalized)}%`)}`;
    case 'exact':
      return (
        `left(x.value, ${INDEXED_PREFIX_LENGTH}) = ${p.bind(indexedPrefix(match.value))} ` +
        `AND x.value = ${p.bind(match.value)}`
      );
  }
}

function numberSql(match: NumberMatch, column: string, p: SqlParams): string {
  const { number } = match;
  const eq = (): string =>
    `${p.bind(number.low, 'numeric')} <= ${column} AND ${column} < ${p.bind(number.high, 'numeric')}`;
  const exact = (): string => p.bind(number.exact, 'numeric');
  switch (match.prefix) {
    case 'eq':
      return eq();
    case 'ne':
      return `NOT (${eq()})`;
    case 'gt':
    case 'sa':
      return `${column} > ${exact()}`;
    case 'lt':
    case 'eb':
      return `${column} < ${exact()}`;
    case 'ge':
      return `${column} >= ${exact()}`;
    case 'le':
      return `${column} <= ${exact()}`;
    case 'ap': {
      if (match.approximate === undefined) {
        return `${p.bind(number.low, 'numeric')} <= ${column} AND ${column} <= ${p.bind(number.high, 'numeric')}`;
      }
      return (
        `${p.bind(String(match.approximate.low), 'numeric')} <= ${column} ` +
        `AND ${column} <= ${p.bind(String(match.approximate.high), 'numeric')}`
      );
    }
  }
}

function quantitySql(match: QuantityMatch, p: SqlParams): string {
  const value = numberSql(match, 'x.value', p);
  if (match.system !== undefined) {
    const code = match.code === undefined ? 'x.code IS NULL' : `x.code = ${p.bind(match.code)}`;
    return `x.system = ${p.bind(match.system)} AND ${code} AND (${value})`;
  }
  if (match.code !== undefined) {
    const code = p.bind(match.code);
    return `(x.code = ${code} OR x.unit = ${code}) AND (${value})`;
  }
  return value;
}

function uriSql(mode: UriMatchMode, match: string, p: SqlParams): string {
  switch (mode) {
    case 'exact':
      return `left(x.value, ${INDEXED_PREFIX_LENGTH}) = ${p.bind(indexedPrefix(match))} AND x.value = ${p.bind(match)}`;
    case 'below':
      return startsWithSql('x.value', match, p);
    case 'above':
      return `starts_with(${p.bind(match, 'text')}, x.value)`;
  }
}
