import { boundMs, type DateRange } from './date-range.js';
import type {
  ParameterIndexValues,
  QuantityIndexValue,
  ReferenceIndexValue,
  ResourceIndexValues,
  StringIndexValue,
  TokenIndexValue,
} from './index-values.js';
import type {
  DateMatch,
  NumberMatch,
  QuantityMatch,
  ReferenceMatch,
  SearchClause,
  SearchCriterion,
  SearchRequest,
  StringMatch,
  StringMatchMode,
  TokenMatch,
  UriMatchMode,
} from './search-request.js';

/**
 * The meaning of a parsed search, evaluated in memory on index values: the reference the SQL
 * storage must agree with (and a test oracle for it). Date prefixes follow the R4 table
 * (§2.1.1.5.8), on closed ranges: with search range [ls, us] and target range [lr, ur]:
 *
 * | prefix | matches when                                   |
 * | ------ | ---------------------------------------------- |
 * | eq     | ls ≤ lr and ur ≤ us (search contains target)   |
 * | ne     | not eq                                         |
 * | gt     | ur > us (range above the value overlaps)       |
 * | lt     | lr < ls (range below the value overlaps)       |
 * | ge     | gt or eq                                       |
 * | le     | lt or eq                                       |
 * | sa     | lr > us (starts after)                         |
 * | eb     | ur < ls (ends before)                          |
 * | ap     | the widened search range overlaps the target   |
 *
 * Numbers: `eq`/`ne` use the implicit range [low, high); `gt lt ge le sa eb` compare with the
 * exact value (R4: prefixes other than eq/ne/ap ignore the implicit precision); `ap` uses the
 * ±10% range.
 */
export function dateMatches(match: DateMatch, target: DateRange): boolean {
  const ls = boundMs(match.range.start);
  const us = boundMs(match.range.end);
  const lr = boundMs(target.start);
  const ur = boundMs(target.end);
  const eq = ls <= lr && ur <= us;
  switch (match.prefix) {
    case 'eq':
      return eq;
    case 'ne':
      return !eq;
    case 'gt':
      return ur > us;
    case 'lt':
      return lr < ls;
    case 'ge':
      return ur > us || eq;
    case 'le':
      return lr < ls || eq;
    case 'sa':
      return lr > us;
    case 'eb':
      return ur < ls;
    case 'ap': {
      const wide = match.approximate ?? match.range;
      return lr <= boundMs(wide.end) && ur >= boundMs(wide.start);
    }
  }
}

export function numberMatches(match: NumberMatch, value: number): boolean {
  const { number } = match;
  const eq = number.lowValue <= value && value < number.highValue;
  switch (match.prefix) {
    case 'eq':
      return eq;
    case 'ne':
      return !eq;
    case 'gt':
    case 'sa':
      return value > number.value;
    case 'lt':
    case 'eb':
      return value < number.value;
    case 'ge':
      return value >= number.value;
    case 'le':
      return value <= number.value;
    case 'ap': {
      const range = match.approximate ?? { low: number.lowValue, high: number.highValue };
      return range.low <= value && value <= range.high;
    }
  }
}

export function quantityMatches(match: QuantityMatch, value: QuantityIndexValue): boolean {
  if (match.system !== undefined && (value.system !== match.system || value.code !== match.code))
    return false;
  if (
    match.system === undefined &&
    match.code !== undefined &&
    value.code !== match.code &&
    value.unit !== match.code
  ) {
    return false;
  }
  return numberMatches(match, value.value);
}

export function tokenMatches(match: TokenMatch, value: TokenIndexValue): boolean {
  switch (match.kind) {
    case 'code':
      return value.code === match.code;
    case 'system-and-code':
      return value.system === match.system && value.code === match.code;
    case 'no-system':
      return value.system === undefined && value.code === match.code;
    case 'system':
      return value.system === match.system;
  }
}

function identifierMatches(match: TokenMatch, value: ReferenceIndexValue): boolean {
  const identifier = value.identifier;
  if (!identifier) return false;
  return tokenMatches(match, {
    ...(identifier.system !== undefined && { system: identifier.system }),
    ...(identifier.value !== undefined && { code: identifier.value }),
  });
}

export function referenceMatches(match: ReferenceMatch, value: ReferenceIndexValue): boolean {
  switch (match.kind) {
    case 'local':
      return value.reference === `${match.type}/${match.id}`;
    case 'url':
      return (
        value.reference === match.url && (match.version === undefined || value.version === match.version)
      );
  }
}

export function stringMatches(mode: StringMatchMode, match: StringMatch, value: StringIndexValue): boolean {
  switch (mode) {
    case 'starts-with':
      return value.normalized.startsWith(match.normalized);
    case 'contains':
      return value.normalized.includes(match.normalized);
    case 'exact':
      return value.value === match.value;
  }
}

export function uriMatches(mode: UriMatchMode, match: string, value: string): boolean {
  switch (mode) {
    case 'exact':
      return value === match;
    case 'below':
      return value.startsWith(match);
    case 'above':
      return match.startsWith(value);
  }
}

function some<T, V>(matches: readonly T[], values: readonly V[], test: (m: T, v: V) => boolean): boolean {
  return values.some((v) => matches.some((m) => test(m, v)));
}

/** Whether one parameter's index values satisfy a criterion (an OR of its values). */
export function criterionMatches(criterion: SearchCriterion, indexed: ParameterIndexValues): boolean {
  if (criterion.kind === 'missing') return (indexed.values.length === 0) === criterion.missing;
  switch (indexed.type) {
    case 'token':
      if (criterion.kind === 'token') {
        const found = some(criterion.values, indexed.values, tokenMatches);
        return criterion.not ? !found : found;
      }
      if (criterion.kind === 'token-text') {
        return some(criterion.values, indexed.values, (m, v) =>
          v.textNormalized === undefined ? false : v.textNormalized.startsWith(m.normalized),
        );
      }
      return false;
    case 'reference':
      if (criterion.kind === 'reference') return some(criterion.values, indexed.values, referenceMatches);
      if (criterion.kind === 'reference-identifier')
        return some(criterion.values, indexed.values, identifierMatches);
      if (criterion.kind === 'chained-identifier') {
        const { targetType } = criterion;
        return some(
          criterion.values,
          indexed.values,
          (m, v) =>
            identifierMatches(m, v) &&
            (targetType === undefined || v.targetType === undefined || v.targetType === targetType),
        );
      }
      return false;
    case 'date':
      return criterion.kind === 'date' && some(criterion.values, indexed.values, dateMatches);
    case 'string':
      return (
        criterion.kind === 'string' &&
        some(criterion.values, indexed.values, (m, v) => stringMatches(criterion.mode, m, v))
      );
    case 'number':
      return (
        criterion.kind === 'number' &&
        some(criterion.values, indexed.values, (m, v) => numberMatches(m, v.value))
      );
    case 'quantity':
      return criterion.kind === 'quantity' && some(criterion.values, indexed.values, quantityMatches);
    case 'uri':
      return (
        criterion.kind === 'uri' &&
        some(criterion.values, indexed.values, (m, v) => uriMatches(criterion.mode, m, v.value))
      );
  }
}

export function clauseMatches(clause: SearchClause, resource: ResourceIndexValues): boolean {
  const indexed = resource.parameters.find((p) => p.parameter === clause.parameter.code);
  return indexed !== undefined && criterionMatches(clause.criterion, indexed);
}

/** Whether a resource (its index values) is in the result of a search: every clause holds. */
export function searchMatches(request: SearchRequest, resource: ResourceIndexValues): boolean {
  return (
    resource.resourceType === request.resourceType && request.clauses.every((c) => clauseMatches(c, resource))
  );
}
