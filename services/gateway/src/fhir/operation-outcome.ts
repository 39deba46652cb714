import type { OperationOutcome, OperationOutcomeIssue } from 'fhir/r4.js';

/** A single-issue OperationOutcome, the body of every FHIR error response. */
export function operationOutcome(
  severity: OperationOutcomeIssue['severity'],
  code: OperationOutcomeIssue['code'],
  diagnostics: string,
): OperationOutcome {
  return { resourceType: 'OperationOutcome', issue: [{ severity, code, diagnostics }] };
}
