import type { DateRange } from './date-range.js';

/**
 * What a resource contributes to the search index, per supported parameter: typed values ready to
 * become SQL rows (one row per value).
 */

/** A token: Coding, CodeableConcept (one per coding, plus its text), Identifier, ContactPoint, code, boolean, string. */
export interface TokenIndexValue {
  readonly system?: string;
  readonly code?: string;
  /** Coding.display, CodeableConcept.text or Identifier.type.text, for `:text`. */
  readonly text?: string;
  /** `text` in normal form (see normalizeSearchString). */
  readonly textNormalized?: string;
}

/**
 * A reference. `reference` is `Type/id` for a local reference (an absolute URL on one of the
 * server's own base URLs becomes local too), the absolute URL otherwise, or a canonical URL
 * (without `|version`). A logical reference carries `identifier` (people are referenced by their
 * national identifier: INS, RPPS...), possibly with no `reference` at all.
 */
export interface ReferenceIndexValue {
  readonly reference?: string;
  readonly targetType?: string;
  readonly targetId?: string;
  readonly identifier?: { readonly system?: string; readonly value?: string };
  /** The `|version` of a canonical reference. */
  readonly version?: string;
}

/** A date, dateTime, instant, Period or Timing event/bounds as a closed range of instants. */
export type DateIndexValue = DateRange;

/** A string (HumanName and Address give one per part): the original and its normal form. */
export interface StringIndexValue {
  readonly value: string;
  readonly normalized: string;
}

export interface NumberIndexValue {
  readonly value: number;
}

/** A Quantity (also Money, Age, Duration...): value, and the unit as system/code and as written. */
export interface QuantityIndexValue {
  readonly value: number;
  readonly system?: string;
  readonly code?: string;
  readonly unit?: string;
}

export interface UriIndexValue {
  readonly value: string;
}

/** The values of one parameter; `values` is empty when the resource has none (`:missing=true`). */
export type ParameterIndexValues =
  | { readonly type: 'token'; readonly parameter: string; readonly values: readonly TokenIndexValue[] }
  | {
      readonly type: 'reference';
      readonly parameter: string;
      readonly values: readonly ReferenceIndexValue[];
    }
  | { readonly type: 'date'; readonly parameter: string; readonly values: readonly DateIndexValue[] }
  | { readonly type: 'string'; readonly parameter: string; readonly values: readonly StringIndexValue[] }
  | { readonly type: 'number'; readonly parameter: string; readonly values: readonly NumberIndexValue[] }
  | { readonly type: 'quantity'; readonly parameter: string; readonly values: readonly QuantityIndexValue[] }
  | { readonly type: 'uri'; readonly parameter: string; readonly values: readonly UriIndexValue[] };

/** A value the expression found but that could not be indexed for the parameter's type. */
export interface SkippedIndexValue {
  readonly parameter: string;
  /** The FHIR type of the value (`string`, `Range`...), or the JavaScript type when unknown. */
  readonly valueType: string;
  readonly reason: string;
}

export interface ResourceIndexValues {
  readonly resourceType: string;
  readonly id?: string;
  /** One entry per supported parameter of the type, sorted by parameter code. */
  readonly parameters: readonly ParameterIndexValues[];
  readonly skipped: readonly SkippedIndexValue[];
}
