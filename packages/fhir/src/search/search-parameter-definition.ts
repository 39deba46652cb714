/**
 * One R4 search parameter as this server sees it: narrowed to one resource type (its FHIRPath
 * `expression` keeps only the part of that type, with `resolve()` rewritten so it runs without a
 * server), with the modifiers and comparators R4 allows for its type.
 */

/** The R4 search parameter types (SearchParamType value set). */
export const SEARCH_PARAM_TYPES = [
  'number',
  'date',
  'string',
  'token',
  'reference',
  'composite',
  'quantity',
  'uri',
  'special',
] as const;
export type SearchParamType = (typeof SEARCH_PARAM_TYPES)[number];

/** R4 search prefixes (comparators) for number, date and quantity parameters. */
export const SEARCH_PREFIXES = ['eq', 'ne', 'gt', 'lt', 'ge', 'le', 'sa', 'eb', 'ap'] as const;
export type SearchPrefix = (typeof SEARCH_PREFIXES)[number];

/**
 * R4 search modifiers (SearchModifierCode). `type` stands for the typed reference modifier,
 * written `:[Type]` (e.g. `subject:Patient`).
 */
export type SearchModifier =
  | 'missing'
  | 'exact'
  | 'contains'
  | 'text'
  | 'not'
  | 'above'
  | 'below'
  | 'in'
  | 'not-in'
  | 'of-type'
  | 'identifier'
  | 'type';

/** The modifiers R4 allows per parameter type (R4 search §2.1.1.5). */
export const R4_MODIFIERS: Readonly<Record<SearchParamType, readonly SearchModifier[]>> = {
  number: ['missing'],
  date: ['missing'],
  string: ['missing', 'exact', 'contains'],
  token: ['missing', 'text', 'not', 'above', 'below', 'in', 'not-in', 'of-type'],
  reference: ['missing', 'type', 'identifier', 'above', 'below'],
  composite: ['missing'],
  quantity: ['missing'],
  uri: ['missing', 'below', 'above'],
  special: ['missing'],
};

/** The subset of `R4_MODIFIERS` this implementation really handles; the others are reported as unsupported. */
export const IMPLEMENTED_MODIFIERS: Readonly<Record<SearchParamType, readonly SearchModifier[]>> = {
  number: ['missing'],
  date: ['missing'],
  string: ['missing', 'exact', 'contains'],
  token: ['missing', 'text', 'not'],
  reference: ['missing', 'type', 'identifier'],
  composite: [],
  quantity: ['missing'],
  uri: ['missing', 'below', 'above'],
  special: [],
};

/** Why a standard parameter cannot be indexed (so cannot be declared supported). */
export type NotIndexableReason = 'no-expression' | 'composite' | 'special' | 'unresolvable-expression';

export interface SearchParameterDefinition {
  /** The resource type the parameter is narrowed to. */
  readonly resourceType: string;
  readonly code: string;
  readonly type: SearchParamType;
  /** FHIRPath for `resourceType` only, runnable without a server; absent when R4 gives none. */
  readonly expression?: string;
  /** The expression as written in the R4 definition (possibly for several types). */
  readonly definitionExpression?: string;
  /** Canonical URL of the R4 SearchParameter (`http://hl7.org/fhir/SearchParameter/...`). */
  readonly url: string;
  /** Id of the R4 SearchParameter (e.g. `Task-patient`, `clinical-patient`). */
  readonly id: string;
  /** The `base` of the R4 definition (several types for shared parameters). */
  readonly base: readonly string[];
  /** Resource types a reference parameter may point to (empty for other types). */
  readonly targets: readonly string[];
  /** Modifiers R4 allows for this parameter's type. */
  readonly modifiers: readonly SearchModifier[];
  /** Prefixes allowed for number, date and quantity parameters (empty for the others). */
  readonly comparators: readonly SearchPrefix[];
  readonly description?: string;
  /** Set when the parameter cannot be indexed by this implementation. */
  readonly notIndexable?: NotIndexableReason;
}

export function isSearchPrefix(value: string): value is SearchPrefix {
  return (SEARCH_PREFIXES as readonly string[]).includes(value);
}

export function isSearchParamType(value: string): value is SearchParamType {
  return (SEARCH_PARAM_TYPES as readonly string[]).includes(value);
}
