import type { PatientVisibility } from '../storage/patient-visibility.js';
import type { DatePrecision, DateRange } from './date-range.js';
import type { ParsedDecimal } from './decimal-range.js';
import type { SearchParameterDefinition, SearchPrefix } from './search-parameter-definition.js';

/**
 * A parsed FHIR search, ready to become SQL: a conjunction (AND, one per repeated parameter) of
 * clauses, each a disjunction (OR, the comma-separated values) of typed matches.
 */

/** A token value: `code`, `system|code`, `|code` (no system), `system|` (any code of the system). */
export type TokenMatch =
  | { readonly kind: 'code'; readonly code: string }
  | { readonly kind: 'system-and-code'; readonly system: string; readonly code: string }
  | { readonly kind: 'no-system'; readonly code: string }
  | { readonly kind: 'system'; readonly system: string };

/** A string value as given and in normal form (see normalizeSearchString). */
export interface StringMatch {
  readonly value: string;
  readonly normalized: string;
}

/**
 * A reference value: a local `Type/id` (also from `id` alone, or `:Type` with an id; an absolute
 * URL on the server's own base is local too), or another absolute or canonical URL (`url|version`).
 */
export type ReferenceMatch =
  | { readonly kind: 'local'; readonly type: string; readonly id: string; readonly version?: string }
  | { readonly kind: 'url'; readonly url: string; readonly version?: string };

export interface DateMatch {
  readonly prefix: SearchPrefix;
  /** The date as written (without its prefix). */
  readonly raw: string;
  readonly precision: DatePrecision;
  /** The implicit range of the value (closed, ms). */
  readonly range: DateRange;
  /** For `ap` only: the range widened by 10% of the gap between `now` and the value. */
  readonly approximate?: DateRange;
}

export interface NumberMatch {
  readonly prefix: SearchPrefix;
  readonly number: ParsedDecimal;
  /** For `ap` only: [value − 10% |value|, value + 10% |value|], joined with the implicit range. */
  readonly approximate?: { readonly low: number; readonly high: number };
}

/** `[prefix]number|system|code`; `number||code` gives a code in any system (matches code or unit). */
export interface QuantityMatch extends NumberMatch {
  readonly system?: string;
  readonly code?: string;
}

export type StringMatchMode = 'starts-with' | 'exact' | 'contains';
export type UriMatchMode = 'exact' | 'below' | 'above';

export type SearchCriterion =
  | { readonly kind: 'missing'; readonly missing: boolean }
  | { readonly kind: 'token'; readonly not: boolean; readonly values: readonly TokenMatch[] }
  | { readonly kind: 'token-text'; readonly values: readonly StringMatch[] }
  | { readonly kind: 'reference'; readonly values: readonly ReferenceMatch[] }
  /** `subject:identifier=system|value`: the identifier in the Reference itself (logical reference). */
  | { readonly kind: 'reference-identifier'; readonly values: readonly TokenMatch[] }
  /**
   * `subject.identifier=system|value`, `subject:Patient.identifier=...`: the identifier of the
   * referenced resource. With logical references the identifier is in the Reference too; the
   * storage decides how to match both.
   */
  | {
      readonly kind: 'chained-identifier';
      readonly targetType?: string;
      readonly values: readonly TokenMatch[];
    }
  | { readonly kind: 'date'; readonly values: readonly DateMatch[] }
  | { readonly kind: 'string'; readonly mode: StringMatchMode; readonly values: readonly StringMatch[] }
  | { readonly kind: 'number'; readonly values: readonly NumberMatch[] }
  | { readonly kind: 'quantity'; readonly values: readonly QuantityMatch[] }
  | { readonly kind: 'uri'; readonly mode: UriMatchMode; readonly values: readonly string[] };

export interface SearchClause {
  /** The parameter name as given, with modifier and chain (`subject:Patient.identifier`). */
  readonly name: string;
  readonly parameter: SearchParameterDefinition;
  readonly criterion: SearchCriterion;
}

export interface SortRule {
  readonly parameter: SearchParameterDefinition;
  readonly descending: boolean;
}

/** `_include=Type:param[:Target]` / `_revinclude=...`, with `:iterate`. */
export interface IncludeRule {
  readonly sourceType: string;
  readonly parameter: SearchParameterDefinition;
  readonly targetType?: string;
  readonly iterate: boolean;
}

export type SummaryMode = 'true' | 'false' | 'count' | 'data' | 'text';
export type TotalMode = 'none' | 'estimate' | 'accurate';

export interface SearchRequest {
  readonly resourceType: string;
  /** AND of clauses, in the order given. */
  readonly clauses: readonly SearchClause[];
  /** `_count`, defaulted and clamped to the maximum. */
  readonly count: number;
  readonly sort: readonly SortRule[];
  readonly total?: TotalMode;
  readonly summary?: SummaryMode;
  readonly elements?: readonly string[];
  readonly include: readonly IncludeRule[];
  readonly revinclude: readonly IncludeRule[];
  /** Opaque paging cursor, passed through. */
  readonly cursor?: string;
  /**
   * The patients the caller may see (the access decision, set by the router): the store leaves
   * every other patient's resources out of the matches, the total, the includes and the paging.
   */
  readonly visibility?: PatientVisibility;
}
