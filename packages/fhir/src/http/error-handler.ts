import { randomUUID } from 'node:crypto';
import { isDatabaseFailure } from '@carenet/eventsourcing';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { errorToFhir } from '../error-mapping.js';
import { FhirError, notSupported } from '../outcomes.js';
import { bodyParserError } from './content-negotiation.js';
import { sendFhir } from './send-fhir.js';

interface ErrorLogger {
  error(details: object, message: string): void;
}

/**
 * The edge: every error of a FHIR route becomes an OperationOutcome with its status, once. A
 * 500 says only "internal error" and a correlation id; the error itself goes to the log.
 */
export function fhirErrorHandler(logger: ErrorLogger): ErrorRequestHandler {
  return (error: unknown, _req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    // The request id the HTTP layer gave this request (X-Request-Id), or a new one.
    const given = res.getHeader('x-request-id');
    const correlationId = typeof given === 'string' && given ? given : randomUUID();
    if (!given) res.setHeader('X-Request-Id', correlationId);
    const fhir = bodyParserError(error) ?? errorToFhir(error, correlationId);
    if (isDatabaseFailure(error)) {
      // Expected while the database is away: one line per request, what the driver said (no data).
      logger.error(
        { correlationId, status: fhir.status, reason: error.reason, code: error.code },
        error.kind === 'unavailable'
          ? 'database unavailable: answered 503 with Retry-After'
          : 'database full: answered 507, nothing stored',
      );
    } else if (error instanceof FhirError && fhir.status >= 500) {
      // A 5xx the code chose to answer (a service behind the gateway down: 502, slow: 504): one
      // line saying why, no stack trace.
      logger.error({ correlationId, status: fhir.status, reason: error.message }, `answered ${fhir.status}`);
    } else if (fhir.status >= 500) {
      logger.error({ err: error, correlationId }, 'unhandled error in a FHIR request');
    }
    sendFhir(res, fhir.status, fhir.outcome, { ...fhir.headers });
  };
}

/** The last FHIR route: whatever was not matched is not supported by this server. */
export const fhirNotSupported: RequestHandler = (req, _res, next) => {
  next(notSupported(`${req.method} ${req.baseUrl}${req.path} is not supported by this server`));
};
