export {
  createResourceValidator,
  DEFAULT_MAX_ISSUES,
  MAX_NESTING_DEPTH,
  type ExpectedResource,
  type ResourceValidationResult,
  type ResourceValidator,
  type ResourceValidatorOptions,
} from './resource-validator.js';
export {
  isNarrativeRuleIssue,
  NARRATIVE_RULE_SYSTEM,
  narrativeDivIssues,
  narrativeIssues,
  XHTML_NAMESPACE,
} from './narrative.js';
export { findUnstorableText, unstorableCharacterIn, type UnstorableText } from './storable-text.js';
export { FhirDefinitionsError, ResourceTypeNotConfiguredError, UnknownResourceTypeError } from './errors.js';
export type { ValidationIssueCode } from './schema-issues.js';
