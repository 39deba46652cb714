export {
  IMPLEMENTED_MODIFIERS,
  isSearchPrefix,
  R4_MODIFIERS,
  SEARCH_PARAM_TYPES,
  SEARCH_PREFIXES,
  type NotIndexableReason,
  type SearchModifier,
  type SearchParameterDefinition,
  type SearchParamType,
  type SearchPrefix,
} from './search-parameter-definition.js';
export {
  ALWAYS_SUPPORTED,
  SearchParameterRegistry,
  SearchRegistryError,
  type CapabilitySearchParam,
  type SearchParameterRegistryOptions,
  type SearchRegistryErrorReason,
} from './search-parameter-registry.js';
export { r4SearchParameters, SearchDefinitionsError } from './r4-search-parameters.js';
export { isR4ResourceType, R4_RESOURCE_TYPES } from './r4-model.js';
export { narrowExpression, referenceTypePredicate, rewriteResolve, splitUnion } from './search-expression.js';
export { normalizeSearchString } from './normalize-search-string.js';
export {
  NEGATIVE_INFINITY,
  parseDate,
  POSITIVE_INFINITY,
  type DatePrecision,
  type DateRange,
  type ParsedDate,
} from './date-range.js';
export { parseDecimal, type ParsedDecimal } from './decimal-range.js';
export type {
  DateIndexValue,
  NumberIndexValue,
  ParameterIndexValues,
  QuantityIndexValue,
  ReferenceIndexValue,
  ResourceIndexValues,
  SkippedIndexValue,
  StringIndexValue,
  TokenIndexValue,
  UriIndexValue,
} from './index-values.js';
export {
  IndexExtractionError,
  IndexValueExtractor,
  type IndexExtractionErrorReason,
  type IndexValueExtractorOptions,
} from './extract-index-values.js';
export type {
  DateMatch,
  IncludeRule,
  NumberMatch,
  QuantityMatch,
  ReferenceMatch,
  SearchClause,
  SearchCriterion,
  SearchRequest,
  SortRule,
  StringMatch,
  StringMatchMode,
  SummaryMode,
  TokenMatch,
  TotalMode,
  UriMatchMode,
} from './search-request.js';
export {
  searchErrorIssue,
  searchRequestError,
  searchWarningIssue,
  type SearchErrorCode,
  type SearchRequestError,
  type SearchRequestWarning,
  type SearchWarningCode,
} from './search-request-issues.js';
export {
  parseSearchRequest,
  SEARCH_DEFAULTS,
  type ParseSearchOptions,
  type ParseSearchResult,
  type SearchQuery,
} from './parse-search-request.js';
export {
  clauseMatches,
  criterionMatches,
  dateMatches,
  numberMatches,
  quantityMatches,
  referenceMatches,
  searchMatches,
  stringMatches,
  tokenMatches,
  uriMatches,
} from './match-index-values.js';
export {
  elementsToKeep,
  isSubset,
  parseReadSubset,
  SUBSETTED,
  subsetResource,
  type ReadSubsetResult,
  type SubsetRequest,
} from './resource-subset.js';
