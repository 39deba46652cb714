import { FhirError, issue, outcome, type Issue } from '../outcomes.js';

/**
 * What is wrong with a search request, each naming the offending parameter as given, for a 400
 * OperationOutcome (`diagnostics`, and `expression` naming the parameter).
 */
export type SearchErrorCode =
  /** Not a parameter of the type in R4, nor a search result parameter. */
  | 'unknown-parameter'
  /** A real R4 parameter (or `_has`, `_filter`...) this server does not index. */
  | 'unsupported-parameter'
  /** A modifier R4 does not define for the parameter's type. */
  | 'unknown-modifier'
  /** A modifier R4 defines but this server does not implement (`:of-type`, `:in`, `:above` on tokens...). */
  | 'unsupported-modifier'
  /** A chain other than `.identifier` on a reference parameter. */
  | 'unsupported-chain'
  /** A value that is not valid for the parameter's type. */
  | 'invalid-value'
  /** A value longer than the limit, or too many values or parameters. */
  | 'too-long'
  /** A result parameter (`_count`, `_sort`...) given more than once. */
  | 'repeated-parameter';

export interface SearchRequestError {
  readonly code: SearchErrorCode;
  /** The parameter name as given (with modifier and chain), possibly truncated. */
  readonly parameter: string;
  readonly message: string;
}

export type SearchWarningCode =
  /** `handling=lenient`: an unknown or unsupported parameter was ignored. */
  | 'ignored-parameter'
  /** An empty value (`status=`) was ignored. */
  | 'empty-value'
  /** `_count` over the maximum was lowered to it. */
  | 'count-clamped'
  /** `_include`/`_revinclude` entries the caller may not read were left out. */
  | 'included-not-permitted';

export interface SearchRequestWarning {
  readonly code: SearchWarningCode;
  readonly parameter: string;
  readonly message: string;
}

function issueCode(code: SearchErrorCode): Issue['code'] {
  switch (code) {
    case 'unknown-parameter':
    case 'unknown-modifier':
    case 'invalid-value':
    case 'repeated-parameter':
      return 'invalid';
    case 'unsupported-parameter':
    case 'unsupported-modifier':
    case 'unsupported-chain':
      return 'not-supported';
    case 'too-long':
      return 'too-long';
  }
}

function warningIssueCode(code: SearchWarningCode): Issue['code'] {
  switch (code) {
    case 'ignored-parameter':
      return 'not-supported';
    case 'empty-value':
      return 'informational';
    case 'count-clamped':
      return 'too-costly';
    case 'included-not-permitted':
      return 'suppressed';
  }
}

/** The issue's `expression`: the parameter, when there is one (an empty string is not valid FHIR). */
const expressionOf = (parameter: string): string[] => (parameter.length > 0 ? [parameter] : []);

export function searchErrorIssue(error: SearchRequestError): Issue {
  return issue('error', issueCode(error.code), error.message, expressionOf(error.parameter));
}

export function searchWarningIssue(warning: SearchRequestWarning): Issue {
  return issue('warning', warningIssueCode(warning.code), warning.message, expressionOf(warning.parameter));
}

/** The 400 a handler throws for a rejected search: one issue per error, then the warnings. */
export function searchRequestError(
  errors: readonly SearchRequestError[],
  warnings: readonly SearchRequestWarning[] = [],
): FhirError {
  return new FhirError(400, outcome(...errors.map(searchErrorIssue), ...warnings.map(searchWarningIssue)));
}
