import { ValidationError, type ValidationIssue } from '@carenet/eventsourcing';

/**
 * The issues found while reading a request body (CarePlan, CareTeam, Goal, Parameters): every
 * problem is collected (the client sees them all in one OperationOutcome), then `throwIfAny`
 * throws one ValidationError. As in the Tasks service.
 */
export class ValidationIssues {
  readonly #issues: ValidationIssue[] = [];

  add(path: string, message: string): void {
    this.#issues.push({ path, message });
  }

  get any(): boolean {
    return this.#issues.length > 0;
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
