import type { InvalidEventDataError, UnknownEventTypeError } from './errors.js';

/** One reason the data does not match its schema. */
export interface ValidationIssue {
  /** JSON Pointer into the data (`/by/identifier`); `''` is the whole value. */
  readonly path: string;
  readonly message: string;
}

export interface ValidationSuccess {
  readonly ok: true;
}

export interface ValidationFailure {
  readonly ok: false;
  /** Why, as a typed error: an unknown `ce_type`, or data that does not match its schema. */
  readonly error: UnknownEventTypeError | InvalidEventDataError;
  /** The issues (for an unknown `ce_type`, one issue at path `''` saying so). */
  readonly errors: readonly ValidationIssue[];
}

export type ValidationResult = ValidationSuccess | ValidationFailure;
