import { DomainError, assertNever } from '@carenet/eventsourcing';
import {
  badRequest,
  businessRule,
  conflict,
  FhirError,
  forbidden,
  gone,
  internalError,
  invalidResource,
  issue,
  notFound,
  preconditionFailed,
} from './outcomes.js';

/** How a kernel error reads to a FHIR client (DESIGN.md §5: 400 … 422). */
export function domainErrorToFhir(error: DomainError): FhirError {
  switch (error.kind) {
    case 'concurrency':
      return conflict(error.message);
    case 'precondition-failed':
      return preconditionFailed(error.message);
    case 'not-found':
      return notFound(error.message);
    case 'gone':
      return gone(error.message);
    case 'business-rule':
      return businessRule(
        'rule' in error && typeof error.rule === 'string' ? error.rule : 'business-rule',
        error.message,
      );
    case 'validation':
      return 'issues' in error && Array.isArray(error.issues)
        ? invalidResource(
            (error.issues as { path: string; message: string }[]).map((i) =>
              issue('error', 'invalid', i.message, [i.path]),
            ),
          )
        : badRequest(error.message);
    case 'forbidden':
      return forbidden(error.message);
    default:
      return assertNever(error.kind);
  }
}

/**
 * The one mapping at the edge: a FhirError as it is, a kernel error by its kind, anything else a
 * 500 with a generic outcome naming the correlation id (the error itself goes to the log only).
 */
export function errorToFhir(error: unknown, correlationId: string): FhirError {
  if (error instanceof FhirError) return error;
  if (error instanceof DomainError) return domainErrorToFhir(error);
  return internalError(correlationId);
}
