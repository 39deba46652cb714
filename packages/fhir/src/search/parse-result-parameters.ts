import { isR4ResourceType, isTopLevelElement } from './r4-model.js';
import type { SearchParameterRegistry } from './search-parameter-registry.js';
import type { IncludeRule, SortRule, SummaryMode, TotalMode } from './search-request.js';
import { quoteForMessage } from './search-value-syntax.js';
import { invalid, valid, type ValueResult } from './value-result.js';

/**
 * The search result parameters (R4 search §3.1.1.5 and following): `_count`, `_sort`, `_total`,
 * `_summary`, `_elements`, `_include`, `_revinclude`. They are checked here; the storage applies them.
 */

/** `_count`: a non-negative integer. Clamping to the maximum is the caller's (it warns). */
export function parseCount(value: string): ValueResult<number> {
  if (!/^\d{1,9}$/.test(value)) return invalid(`${quoteForMessage(value)} is not a non-negative integer`);
  return valid(Number(value));
}

const TOTALS: readonly TotalMode[] = ['none', 'estimate', 'accurate'];
const SUMMARIES: readonly SummaryMode[] = ['true', 'false', 'count', 'data', 'text'];

export function parseTotal(value: string): ValueResult<TotalMode> {
  const found = TOTALS.find((t) => t === value);
  return found ? valid(found) : invalid(`${quoteForMessage(value)}: expected none, estimate or accurate`);
}

export function parseSummary(value: string): ValueResult<SummaryMode> {
  const found = SUMMARIES.find((t) => t === value);
  return found
    ? valid(found)
    : invalid(`${quoteForMessage(value)}: expected true, false, count, data or text`);
}

/** `_sort=a,-b`: supported parameters of the type only, each at most once. */
export function parseSort(
  value: string,
  resourceType: string,
  registry: SearchParameterRegistry,
): ValueResult<SortRule[]> {
  const rules: SortRule[] = [];
  const seen = new Set<string>();
  for (const piece of value.split(',')) {
    const key = piece.trim();
    const descending = key.startsWith('-');
    const code = descending ? key.slice(1) : key;
    if (code.length === 0) return invalid(`empty sort key in ${quoteForMessage(value)}`);
    const parameter = registry.supportedParameter(resourceType, code);
    if (!parameter) {
      return invalid(
        registry.standardParameter(resourceType, code)
          ? `cannot sort on ${quoteForMessage(code)}: not supported for ${resourceType}`
          : `cannot sort on ${quoteForMessage(code)}: not a search parameter of ${resourceType}`,
      );
    }
    if (seen.has(code)) return invalid(`sort key ${quoteForMessage(code)} given twice`);
    seen.add(code);
    rules.push({ parameter, descending });
  }
  return valid(rules);
}

/** `_elements=a,b`: top-level elements of the type. */
export function parseElements(value: string, resourceType: string): ValueResult<string[]> {
  const elements: string[] = [];
  for (const piece of value.split(',')) {
    const element = piece.trim();
    if (!/^[a-z][A-Za-z0-9]{0,63}$/.test(element) || !isTopLevelElement(resourceType, element)) {
      return invalid(`${quoteForMessage(element)} is not an element of ${resourceType}`);
    }
    if (!elements.includes(element)) elements.push(element);
  }
  return valid(elements);
}

/**
 * `_include=Type:param[:Target]` (`Type` is the searched type unless `:iterate`) and
 * `_revinclude=Type:param[:Target]` (the parameter must point to the searched type unless
 * `:iterate`). The parameter must be a supported reference parameter of `Type`.
 */
export function parseInclude(
  value: string,
  reverse: boolean,
  iterate: boolean,
  resourceType: string,
  registry: SearchParameterRegistry,
): ValueResult<IncludeRule> {
  const parts = value.split(':');
  const [sourceType = '', code = '', targetType] = parts;
  if (parts.length < 2 || parts.length > 3 || sourceType.length === 0 || code.length === 0) {
    return invalid(`${quoteForMessage(value)}: expected Type:parameter or Type:parameter:TargetType`);
  }
  if (code === '*') return invalid(`${quoteForMessage(value)}: the * wildcard is not supported`);
  if (!isR4ResourceType(sourceType)) return invalid(`${quoteForMessage(sourceType)} is not a resource type`);
  if (!reverse && !iterate && sourceType !== resourceType) {
    return invalid(`_include on ${resourceType} must start with ${resourceType}: (or use _include:iterate)`);
  }
  const parameter = registry.supportedParameter(sourceType, code);
  if (parameter?.type !== 'reference') {
    const standard = registry.standardParameter(sourceType, code);
    return invalid(
      standard?.type === 'reference'
        ? `${sourceType}:${code} is not supported by this server`
        : `${quoteForMessage(code)} is not a reference search parameter of ${sourceType}`,
    );
  }
  if (targetType !== undefined) {
    if (
      !isR4ResourceType(targetType) ||
      (parameter.targets.length > 0 && !parameter.targets.includes(targetType))
    ) {
      return invalid(`${quoteForMessage(targetType)} is not a target type of ${sourceType}:${code}`);
    }
  }
  if (reverse && !iterate) {
    const pointsHere =
      targetType === undefined
        ? parameter.targets.length === 0 || parameter.targets.includes(resourceType)
        : targetType === resourceType;
    if (!pointsHere) return invalid(`${sourceType}:${code} does not point to ${resourceType}`);
  }
  return valid({ sourceType, parameter, ...(targetType !== undefined && { targetType }), iterate });
}
