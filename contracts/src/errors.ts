import type { ValidationIssue } from './validation-result.js';

/**
 * Typed errors of the contracts package. Validation failures are returned, not thrown (see
 * `ContractRegistry.validate`), and carry one of these as `error` so that a consumer can
 * dead-letter the message with `error.name` and `error.message`.
 */
export type ContractErrorKind =
  | 'contract-load'
  | 'contract-schema'
  | 'unknown-event-type'
  | 'invalid-event-data'
  | 'release-lock'
  | 'release-refused';

export abstract class ContractError extends Error {
  abstract readonly kind: ContractErrorKind;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

export interface ContractFileProblem {
  /** The file, relative to the events folder (`tasks/TaskAccepted.v1.schema.json`). */
  readonly file: string;
  readonly message: string;
}

/** The events folder holds a file that is not a well-formed event schema. Thrown at load. */
export class ContractLoadError extends ContractError {
  readonly kind = 'contract-load';
  constructor(
    readonly eventsDir: string,
    readonly problems: readonly ContractFileProblem[],
  ) {
    super(
      `invalid event schemas in ${eventsDir}:\n${problems.map((p) => `  - ${p.file}: ${p.message}`).join('\n')}`,
    );
  }
}

/** A schema passed the load checks but Ajv cannot compile it (e.g. an unknown format). */
export class ContractSchemaError extends ContractError {
  readonly kind = 'contract-schema';
  constructor(
    readonly ceType: string,
    cause: unknown,
  ) {
    super(
      `the schema of ${ceType} does not compile: ${cause instanceof Error ? cause.message : String(cause)}`,
      {
        cause,
      },
    );
  }
}

/** No schema exists for this `ce_type`: the message cannot be checked (dead-letter it). */
export class UnknownEventTypeError extends ContractError {
  readonly kind = 'unknown-event-type';
  constructor(readonly ceType: string) {
    super(`unknown ce_type ${JSON.stringify(ceType)}: no schema in contracts/events`);
  }
}

/** The event data does not match the schema of its `ce_type`. */
export class InvalidEventDataError extends ContractError {
  readonly kind = 'invalid-event-data';
  constructor(
    readonly ceType: string,
    readonly issues: readonly ValidationIssue[],
  ) {
    super(`invalid ${ceType} data: ${issues.map((i) => `${i.path || '/'} ${i.message}`).join('; ')}`);
  }
}

/** `released.lock.json` is missing or malformed. */
export class ReleaseLockError extends ContractError {
  readonly kind = 'release-lock';
  constructor(
    readonly lockFile: string,
    message: string,
  ) {
    super(`${lockFile}: ${message}`);
  }
}

/** A release was asked for while released schemas changed incompatibly or were deleted. */
export class ReleaseRefusedError extends ContractError {
  readonly kind = 'release-refused';
  constructor(readonly violations: readonly { readonly message: string }[]) {
    super(`release refused:\n${violations.map((v) => `  - ${v.message}`).join('\n')}`);
  }
}
