import { DomainError, assertNever } from '@carenet/eventsourcing';
import {
  badRequest,
  businessRule,
  conflict,
  FhirError,
  forbidden,
  gone,
  insufficientStorage,
  internalError,
  invalidResource,
  issue,
  notFound,
  preconditionFailed,
  serviceUnavailable,
} from './outcomes.js';
import { SearchStoreError } from './storage/search-store-error.js';

/**
 * How a kernel error reads to a FHIR client (DESIGN.md §5): a content or business rule refusal is
 * 422, a conflict 409, a stale If-Match 412; 503 and 507 for the database.
 */
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
    // Content that parsed as R4 but breaks the network's rules for it (a patient not named by INS
    // or reference, an intent the profile does not take): 422. A body that is not R4 at all is
    // refused before, by the R4 validator, with 400.
    case 'validation':
      return 'issues' in error && Array.isArray(error.issues)
        ? invalidResource(
            (error.issues as { path: string; message: string }[]).map((i) =>
              issue('error', 'invalid', i.message, [i.path]),
            ),
            422,
          )
        : badRequest(error.message);
    case 'forbidden':
      return forbidden(error.message);
    // The driver's words (a host name, a file path) stay in the log; the client gets what to do.
    case 'unavailable':
      return serviceUnavailable(
        'the database is unavailable for the moment (restarting, failing over or unreachable); ' +
          'nothing is wrong with the request: send it again later. A write may have been stored ' +
          'if the connection was lost at its commit: read before writing it again, or send it ' +
          'with If-Match.',
      );
    case 'storage-full':
      return insufficientStorage(
        'the database has no space left: the change was not stored; reads still work, and the ' +
          'change can be sent again once space is freed',
      );
    default:
      return assertNever(error.kind);
  }
}

/**
 * How a search store refusal reads: a paging cursor the store did not make, or a parameter it
 * cannot search or sort on, is the request's fault (400); a resource without id is a bug (500).
 */
function searchStoreErrorToFhir(error: SearchStoreError, correlationId: string): FhirError {
  switch (error.reason) {
    case 'invalid-cursor':
      return badRequest(`${error.message}: use the links of the previous page as they are`, ['_cursor']);
    case 'unindexable-parameter':
      return badRequest(error.message);
    case 'missing-id':
      return internalError(correlationId);
    default:
      return assertNever(error.reason);
  }
}

/**
 * The one mapping at the edge: a FhirError as it is, a kernel error by its kind, a search store
 * refusal by its reason, a URL that does not percent-decode 400, anything else a 500 with a
 * generic outcome naming the correlation id (the error itself goes to the log only).
 */
export function errorToFhir(error: unknown, correlationId: string): FhirError {
  if (error instanceof FhirError) return error;
  if (error instanceof DomainError) return domainErrorToFhir(error);
  if (error instanceof SearchStoreError) return searchStoreErrorToFhir(error, correlationId);
  // The router decodes the path's parameters: `%ZZ` or a cut UTF-8 sequence fails there.
  if (error instanceof URIError)
    return badRequest('the URL is not correctly percent-encoded (UTF-8): encode it again');
  return internalError(correlationId);
}
