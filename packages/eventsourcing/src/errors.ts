/**
 * Typed errors of the kernel. Business code throws them; the FHIR edge maps each `kind` to an
 * HTTP status and an OperationOutcome exactly once (DESIGN.md §5, §7). Never throw strings.
 */
export type DomainErrorKind =
  | 'concurrency'
  | 'precondition-failed'
  | 'not-found'
  | 'gone'
  | 'business-rule'
  | 'validation'
  | 'forbidden'
  | 'unavailable'
  | 'storage-full';

export abstract class DomainError extends Error {
  abstract readonly kind: DomainErrorKind;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A write raced another write on the same stream (optimistic concurrency). HTTP 409. */
export class ConcurrencyError extends DomainError {
  readonly kind = 'concurrency';
  constructor(
    readonly streamId: string,
    readonly expected: string,
    readonly actual: number,
  ) {
    super(`stream ${streamId} is at revision ${actual}, expected ${expected}`);
  }
}

/** The caller's precondition (FHIR `If-Match`) does not hold: the version moved on. HTTP 412. */
export class PreconditionFailedError extends DomainError {
  readonly kind = 'precondition-failed';
  constructor(
    readonly streamId: string,
    readonly expectedRevision: number,
    readonly actualRevision: number,
  ) {
    super(`stream ${streamId} is at revision ${actualRevision}, the request expected ${expectedRevision}`);
  }
}

/** No such stream or resource. HTTP 404. */
export class NotFoundError extends DomainError {
  readonly kind = 'not-found';
  constructor(readonly streamId: string) {
    super(`${streamId} does not exist`);
  }
}

/** The resource existed and was deleted. HTTP 410. */
export class GoneError extends DomainError {
  readonly kind = 'gone';
  constructor(readonly streamId: string) {
    super(`${streamId} was deleted`);
  }
}

/** A business rule forbids the command; `rule` is a stable code for clients. HTTP 422. */
export class BusinessRuleError extends DomainError {
  readonly kind = 'business-rule';
  constructor(
    readonly rule: string,
    message: string,
  ) {
    super(message);
  }
}

export interface ValidationIssue {
  /** Where, as a FHIRPath-like path (`Task.status`) or a JSON pointer. */
  readonly path: string;
  readonly message: string;
}

/** The input is malformed. HTTP 400 (or 422 when the FHIR layer says so). */
export class ValidationError extends DomainError {
  readonly kind = 'validation';
  constructor(readonly issues: readonly ValidationIssue[]) {
    super(issues.map((i) => `${i.path}: ${i.message}`).join('; ') || 'invalid input');
  }
}

/** The actor may not do this. HTTP 403. */
export class ForbiddenError extends DomainError {
  readonly kind = 'forbidden';
}

/** An event id was reused for different content (idempotency violated). HTTP 409. */
export class DuplicateEventIdError extends DomainError {
  readonly kind = 'concurrency';
  constructor(
    readonly streamId: string,
    readonly eventIds: readonly string[],
  ) {
    super(`event id(s) ${eventIds.join(', ')} already stored, but not as this append to ${streamId}`);
  }
}

/**
 * The database cannot serve now: unreachable, restarting, failing over, refusing connections, or
 * the connection went away under a statement. Nothing is wrong with the request; the same
 * request may succeed a moment later (the pool reconnects by itself). A write whose connection
 * was lost at its commit may or may not have committed: retry it with the same event ids
 * (appends are idempotent by id) or read before writing again. HTTP 503 with Retry-After.
 */
export class DatabaseUnavailableError extends DomainError {
  readonly kind = 'unavailable';
  constructor(
    /** What the driver said (never statement parameters): `Connection terminated unexpectedly`. */
    readonly reason: string,
    /** SQLSTATE (`57P01`) or system error code (`ECONNREFUSED`) when there is one. */
    readonly code?: string,
  ) {
    super(`the database is unavailable: ${reason}`);
  }
}

/**
 * The database has no space left to write (SQLSTATE 53100 disk_full, ENOSPC). Reads still work;
 * writes work again once space is freed, without a restart. HTTP 507.
 */
export class DatabaseFullError extends DomainError {
  readonly kind = 'storage-full';
  constructor(
    readonly reason: string,
    readonly code?: string,
  ) {
    super(`the database has no space left: ${reason}`);
  }
}

/** Whether an error says the database cannot serve now (down or full), rather than a refusal. */
export function isDatabaseFailure(error: unknown): error is DatabaseUnavailableError | DatabaseFullError {
  return error instanceof DatabaseUnavailableError || error instanceof DatabaseFullError;
}
