import { FhirError, issue, outcome } from '@carenet/fhir';

/** How a request to a service failed, as far as the gateway can tell. */
export type UpstreamFailureKind =
  'refused' | 'unreachable' | 'reset' | 'unresolved' | 'connect-timeout' | 'response-timeout';

/** The code of a network error (a connection that tried several addresses: the first one's). */
function codeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, errors } = error as { code?: unknown; errors?: unknown };
  if (typeof code === 'string') return code;
  if (Array.isArray(errors)) return codeOf(errors[0]);
  return undefined;
}

/** What failed, or undefined for an error that is not the service's (a bug, a client that left). */
export function upstreamFailureKind(error: unknown): UpstreamFailureKind | undefined {
  switch (codeOf(error)) {
    case 'ECONNREFUSED':
      return 'refused';
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
    case 'UND_ERR_CLOSED':
      return 'reset';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'unreachable';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'unresolved';
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'ETIMEDOUT':
      return 'connect-timeout';
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
      return 'response-timeout';
    default:
      return undefined;
  }
}

/** 502: the service could not be reached or broke the exchange (issue code `transient`). */
export const badGateway = (diagnostics: string) =>
  new FhirError(502, outcome(issue('error', 'transient', diagnostics)));

/** 504: the service did not answer in time (issue code `timeout`, a kind of `transient`). */
export const gatewayTimeout = (diagnostics: string) =>
  new FhirError(504, outcome(issue('error', 'timeout', diagnostics)));

/**
 * The OperationOutcome of a failed exchange with `service`: it names the service, never its
 * internal URL. Undefined when the error is not a failure of the service.
 */
export function upstreamFailure(
  service: string,
  error: unknown,
  timeouts: { readonly connectMs: number; readonly responseMs: number },
): FhirError | undefined {
  const kind = upstreamFailureKind(error);
  switch (kind) {
    case undefined:
      return undefined;
    case 'refused':
      return badGateway(`the ${service} service is unreachable (connection refused); try again later`);
    case 'unreachable':
      return badGateway(`the ${service} service is unreachable (no route to its host); try again later`);
    case 'reset':
      return badGateway(`the ${service} service closed the connection before it answered; try again later`);
    case 'unresolved':
      return badGateway(`the ${service} service's host cannot be resolved`);
    case 'connect-timeout':
      return gatewayTimeout(
        `the ${service} service could not be connected to within ${timeouts.connectMs / 1000} s`,
      );
    case 'response-timeout':
      return gatewayTimeout(`the ${service} service did not answer within ${timeouts.responseMs / 1000} s`);
  }
}
