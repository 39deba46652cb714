import { carenetCodeSystem } from './carenet-canonical.js';
import type { OperationOutcome, OperationOutcomeIssue } from 'fhir/r4.js';

/**
 * The one OperationOutcome module (as in Medplum's `outcomes`): builders for every error the
 * FHIR layer answers, each paired with its HTTP status. Errors are thrown as FhirError and turned
 * into a response once, at the edge (`errorToResponse`).
 */
export type Issue = OperationOutcomeIssue;

export function outcome(...issues: Issue[]): OperationOutcome {
  return { resourceType: 'OperationOutcome', issue: issues };
}

export function issue(
  severity: Issue['severity'],
  code: Issue['code'],
  diagnostics: string,
  expression?: readonly string[],
): Issue {
  return {
    severity,
    code,
    diagnostics,
    ...(expression && expression.length > 0 && { expression: [...expression] }),
  };
}

/** An error with its HTTP status and OperationOutcome: what a FHIR handler throws. */
export class FhirError extends Error {
  constructor(
    readonly status: number,
    readonly outcome: OperationOutcome,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(outcome.issue.map((i) => i.diagnostics ?? i.code).join('; '));
    this.name = 'FhirError';
  }
}

const single = (status: number, code: Issue['code'], diagnostics: string, expression?: readonly string[]) =>
  new FhirError(status, outcome(issue('error', code, diagnostics, expression)));

/** 400: the request is malformed (bad JSON, bad parameter, invalid resource). */
export const badRequest = (diagnostics: string, expression?: readonly string[]) =>
  single(400, 'invalid', diagnostics, expression);

/**
 * Several issues (validation): 400, or 422 for a resource that is R4 but breaks a rule the server
 * enforces (a narrative against txt-1).
 */
export const invalidResource = (issues: readonly Issue[], status: 400 | 422 = 400) =>
  new FhirError(status, outcome(...issues));

export const unauthorized = (diagnostics = 'authentication required') =>
  new FhirError(401, outcome(issue('error', 'login', diagnostics)), {
    'WWW-Authenticate': 'Bearer error="invalid_token"',
  });

export const forbidden = (diagnostics: string) => single(403, 'forbidden', diagnostics);

export const notFound = (diagnostics: string) => single(404, 'not-found', diagnostics);

export const notSupported = (diagnostics: string) => single(404, 'not-supported', diagnostics);

export const methodNotAllowed = (diagnostics: string) => single(405, 'not-supported', diagnostics);

export const notAcceptable = (diagnostics: string) => single(406, 'not-supported', diagnostics);

/** 409: a real write conflict (not a failed precondition). */
export const conflict = (diagnostics: string) => single(409, 'conflict', diagnostics);

export const gone = (diagnostics: string) => single(410, 'deleted', diagnostics);

/** 412: `If-Match` does not hold, or a conditional create matched several resources. */
export const preconditionFailed = (diagnostics: string) => single(412, 'conflict', diagnostics);

export const payloadTooLarge = (diagnostics: string) => single(413, 'too-costly', diagnostics);

export const unsupportedMediaType = (diagnostics: string) => single(415, 'not-supported', diagnostics);

/** 422: a business rule refuses the change; `rule` is a stable code clients can act on. */
export const businessRule = (rule: string, diagnostics: string, expression?: readonly string[]) =>
  new FhirError(
    422,
    outcome({
      ...issue('error', 'business-rule', diagnostics, expression),
      details: {
        coding: [{ system: carenetCodeSystem('business-rule'), code: rule }],
      },
    }),
  );

/** Seconds a client waits before retrying when the database is unavailable (`Retry-After`). */
export const DATABASE_RETRY_AFTER_SECONDS = 2;

/**
 * 503: the server cannot serve now but will again by itself (the database is restarting, failing
 * over or unreachable); `Retry-After` says when to try again. Issue code `transient`.
 */
export const serviceUnavailable = (diagnostics: string, retryAfterSeconds = DATABASE_RETRY_AFTER_SECONDS) =>
  new FhirError(503, outcome(issue('error', 'transient', diagnostics)), {
    'Retry-After': String(retryAfterSeconds),
  });

/**
 * 507 (WebDAV's Insufficient Storage, the status for a store that has no room left): the change
 * was not stored; it can be sent again once space is freed. Issue code `exception`.
 */
export const insufficientStorage = (diagnostics: string) => single(507, 'exception', diagnostics);

/** 500: the generic answer to a bug; the correlation id leads to the log, nothing else leaks. */
export const internalError = (correlationId: string) =>
  single(500, 'exception', `internal error; correlation id ${correlationId}`);
