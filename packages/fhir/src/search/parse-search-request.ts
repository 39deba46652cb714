import { parseSearchClause, type ClauseContext } from './parse-search-clause.js';
import {
  parseCount,
  parseElements,
  parseInclude,
  parseSort,
  parseSummary,
  parseTotal,
} from './parse-result-parameters.js';
import { normalizeBaseUrls } from './reference-string.js';
import { SearchRegistryError, type SearchParameterRegistry } from './search-parameter-registry.js';
import type {
  IncludeRule,
  SearchClause,
  SearchRequest,
  SortRule,
  SummaryMode,
  TotalMode,
} from './search-request.js';
import type { SearchErrorCode, SearchRequestError, SearchRequestWarning } from './search-request-issues.js';
import { hasForbiddenCharacters, quoteForMessage } from './search-value-syntax.js';
import type { ValueResult } from './value-result.js';

/** The query of a search: URLSearchParams, or the object express (or any router) makes of it. */
export type SearchQuery = URLSearchParams | Readonly<Record<string, string | readonly string[] | undefined>>;

export interface ParseSearchOptions {
  readonly registry: SearchParameterRegistry;
  /** The clock, for `ap` dates (10% of the gap between now and the date). */
  readonly now: Date;
  /**
   * `lenient`: unknown and unsupported parameters are ignored (listed in warnings, left out of
   * `applied`); `strict` (the default here, as for a conditional interaction's criteria): they are
   * errors. A search's router passes the client's `Prefer: handling`, lenient when not given
   * (R4: servers SHOULD ignore them unless the client asks for `handling=strict`).
   */
  readonly handling?: 'strict' | 'lenient';
  /** `_count` when not given (default 20). */
  readonly defaultCount?: number;
  /** `_count` above this is lowered to it, with a warning (default 100). */
  readonly maxCount?: number;
  /** Longest value accepted, in UTF-16 units (default 2,000). */
  readonly maxValueLength?: number;
  /** Most `name=value` pairs accepted (default 100). */
  readonly maxParameters?: number;
  /** Most comma-separated values in one parameter (default 100). */
  readonly maxOrValues?: number;
  /** The server's own FHIR base URLs: absolute references on them are read as `Type/id`. */
  readonly localBaseUrls?: readonly string[];
}

export type ParseSearchResult =
  | {
      readonly ok: true;
      readonly request: SearchRequest;
      readonly warnings: readonly SearchRequestWarning[];
      /**
       * The `name=value` pairs that took effect, in order (`_count` as used, after clamping;
       * `_format`, `_pretty`, `_cursor` kept): the query of the Bundle's self link, which shows
       * only what was applied.
       */
      readonly applied: URLSearchParams;
    }
  | {
      readonly ok: false;
      readonly errors: readonly SearchRequestError[];
      readonly warnings: readonly SearchRequestWarning[];
    };

export const SEARCH_DEFAULTS = {
  defaultCount: 20,
  maxCount: 100,
  maxValueLength: 2000,
  maxParameters: 100,
  maxOrValues: 100,
} as const;

const NAME = /^[A-Za-z0-9_][A-Za-z0-9_.:-]{0,199}$/;
const IGNORED = new Set(['_format', '_pretty']);
const SINGLE = new Set(['_count', '_sort', '_total', '_summary', '_elements', '_cursor']);
const RESULT = new Set([...SINGLE, '_include', '_revinclude']);

/** The pairs of the query, in order. A non-string value (a nested object from a query parser) is kept as `undefined`. */
function pairsOf(query: SearchQuery): [string, string | undefined][] {
  if (query instanceof URLSearchParams) return [...query.entries()];
  const pairs: [string, string | undefined][] = [];
  for (const [name, value] of Object.entries(query as Readonly<Record<string, unknown>>)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) {
      for (const v of value as unknown[]) pairs.push([name, typeof v === 'string' ? v : undefined]);
    } else {
      pairs.push([name, typeof value === 'string' ? value : undefined]);
    }
  }
  return pairs;
}

/** A parameter name safe to echo in an OperationOutcome: no control characters, at most 100 characters. */
function safeName(name: string): string {
  const cleaned = name.replace(/[\p{Cc}\p{Cs}]/gu, '\uFFFD');
  return cleaned.length > 100 ? `${cleaned.slice(0, 100)}…` : cleaned;
}

/**
 * Parses the query of a search on `resourceType` into a typed request, or into the list of what
 * is wrong (each error naming its parameter). Never throws on any query; throws
 * SearchRegistryError only when `resourceType` is not served by the registry (a programming error).
 */
export function parseSearchRequest(
  resourceType: string,
  query: SearchQuery,
  options: ParseSearchOptions,
): ParseSearchResult {
  const { registry } = options;
  if (!registry.isSearchable(resourceType)) {
    throw new SearchRegistryError(
      'unknown-resource-type',
      resourceType,
      undefined,
      `${resourceType} is not searchable`,
    );
  }
  const maxCount = options.maxCount ?? SEARCH_DEFAULTS.maxCount;
  const defaultCount = Math.min(options.defaultCount ?? SEARCH_DEFAULTS.defaultCount, maxCount);
  const maxValueLength = options.maxValueLength ?? SEARCH_DEFAULTS.maxValueLength;
  const maxParameters = options.maxParameters ?? SEARCH_DEFAULTS.maxParameters;
  const lenient = options.handling === 'lenient';
  const context: ClauseContext = {
    resourceType,
    registry,
    now: options.now,
    localBaseUrls: normalizeBaseUrls(options.localBaseUrls),
    maxOrValues: options.maxOrValues ?? SEARCH_DEFAULTS.maxOrValues,
  };

  const errors: SearchRequestError[] = [];
  const warnings: SearchRequestWarning[] = [];
  const error = (code: SearchErrorCode, parameter: string, message: string) =>
    errors.push({ code, parameter, message });

  const clauses: SearchClause[] = [];
  const include: IncludeRule[] = [];
  const revinclude: IncludeRule[] = [];
  const seen = new Set<string>();
  let count = defaultCount;
  let sort: SortRule[] = [];
  let total: TotalMode | undefined;
  let summary: SummaryMode | undefined;
  let elements: string[] | undefined;
  let cursor: string | undefined;
  const applied = new URLSearchParams();

  const pairs = pairsOf(query);
  if (pairs.length > maxParameters) {
    error('too-long', '', `${pairs.length} parameters: at most ${maxParameters}`);
    return { ok: false, errors, warnings };
  }

  for (const [rawName, value] of pairs) {
    const name = safeName(rawName);
    if (!NAME.test(rawName)) {
      error('unknown-parameter', name, `${quoteForMessage(rawName)} is not a valid parameter name`);
      continue;
    }
    if (value === undefined) {
      error('invalid-value', name, `${name}: the value must be a string`);
      continue;
    }
    if (value.length > maxValueLength) {
      error('too-long', name, `${name}: value of ${value.length} characters, at most ${maxValueLength}`);
      continue;
    }
    if (hasForbiddenCharacters(value)) {
      error('invalid-value', name, `${name}: control characters or malformed Unicode in the value`);
      continue;
    }
    const colon = rawName.indexOf(':');
    const base = colon < 0 ? rawName : rawName.slice(0, colon);
    const modifier = colon < 0 ? undefined : rawName.slice(colon + 1);
    if (IGNORED.has(base)) {
      applied.append(rawName, value);
      continue;
    }
    if (value.length === 0) {
      warnings.push({ code: 'empty-value', parameter: name, message: `${name}: empty value, ignored` });
      continue;
    }

    if (RESULT.has(base)) {
      const isInclude = base === '_include' || base === '_revinclude';
      if (modifier !== undefined && !(isInclude && modifier === 'iterate')) {
        if (isInclude && modifier === 'recurse') {
          error('unsupported-modifier', name, `${base}:recurse (STU3) is not supported: use ${base}:iterate`);
        } else {
          error('unknown-modifier', name, `${quoteForMessage(`:${modifier}`)} is not a modifier of ${base}`);
        }
        continue;
      }
      if (SINGLE.has(base)) {
        if (seen.has(base)) {
          error('repeated-parameter', name, `${base} given more than once`);
          continue;
        }
        seen.add(base);
      }
      const check = <T>(result: ValueResult<T>, apply: (v: T) => void) => {
        if (result.ok) {
          apply(result.value);
          applied.append(rawName, base === '_count' ? String(count) : value);
        } else {
          error('invalid-value', name, `${base}: ${result.message}`);
        }
      };
      switch (base) {
        case '_count':
          check(parseCount(value), (n) => {
            count = n;
            if (n > maxCount) {
              count = maxCount;
              warnings.push({
                code: 'count-clamped',
                parameter: name,
                message: `_count=${n} is over the maximum: ${maxCount} used`,
              });
            }
          });
          break;
        case '_sort':
          check(parseSort(value, resourceType, registry), (rules) => (sort = rules));
          break;
        case '_total':
          check(parseTotal(value), (t) => (total = t));
          break;
        case '_summary':
          check(parseSummary(value), (s) => (summary = s));
          break;
        case '_elements':
          check(parseElements(value, resourceType), (e) => (elements = e));
          break;
        case '_cursor':
          cursor = value;
          applied.append(rawName, value);
          break;
        case '_include':
        case '_revinclude': {
          const reverse = base === '_revinclude';
          check(parseInclude(value, reverse, modifier === 'iterate', resourceType, registry), (rule) =>
            (reverse ? revinclude : include).push(rule),
          );
          break;
        }
        default:
          break;
      }
      continue;
    }

    const result = parseSearchClause(rawName, value, context);
    if (result.ok) {
      clauses.push(result.clause);
      applied.append(rawName, value);
    } else if (result.ignorable && lenient) {
      warnings.push({
        code: 'ignored-parameter',
        parameter: name,
        message: `${result.error.message}: ignored (Prefer: handling=strict refuses it)`,
      });
    } else {
      errors.push(result.error);
    }
  }

  if (errors.length > 0) return { ok: false, errors, warnings };
  return {
    ok: true,
    request: {
      resourceType,
      clauses,
      count,
      sort,
      ...(total !== undefined && { total }),
      ...(summary !== undefined && { summary }),
      ...(elements !== undefined && { elements }),
      include,
      revinclude,
      ...(cursor !== undefined && { cursor }),
    },
    warnings,
    applied,
  };
}
