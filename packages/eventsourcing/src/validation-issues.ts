import { ValidationError, type ValidationIssue } from './errors.js';

/**
 * The issues found while reading a request body: every problem is collected (the client sees
 * them all in one OperationOutcome), then `throwIfAny` throws one ValidationError. Shared by the
 * services' FHIR mappings.
 */
export class ValidationIssues {
  readonly #issues: ValidationIssue[] = [];

  add(path: string, message: string): void {
    this.#issues.push({ path, message });
  }

  throwIfAny(): void {
    if (this.#issues.length > 0) this.fail();
  }

  /** Throws the ValidationError of the issues found (called when a required value is missing). */
  fail(): never {
    throw new ValidationError(
      this.#issues.length > 0 ? [...this.#issues] : [{ path: '', message: 'invalid input' }],
    );
  }
}
