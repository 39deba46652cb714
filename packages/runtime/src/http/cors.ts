import cors from 'cors';
import type { RequestHandler } from 'express';

/** What a browser app may send to the FHIR API (the preflight's `Access-Control-Allow-Headers`). */
export const CORS_ALLOWED_HEADERS: readonly string[] = [
  'Authorization',
  'Content-Type',
  'Accept',
  'If-Match',
  'If-None-Match',
  'If-None-Exist',
  'If-Modified-Since',
  'Prefer',
  // An emergency access and its reason (issue 18), from a browser EHR too.
  'X-Carenet-Break-Glass',
  'X-Request-Id',
  'traceparent',
  'tracestate',
];

/** The response headers a browser app may read (`Access-Control-Expose-Headers`). */
export const CORS_EXPOSED_HEADERS: readonly string[] = [
  'Location',
  'Content-Location',
  'ETag',
  'Last-Modified',
  'X-Request-Id',
  'WWW-Authenticate',
  'Retry-After',
];

export const CORS_METHODS: readonly string[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/** How long a browser may cache a preflight's answer (s); Chromium caps it at 2 h. */
export const CORS_MAX_AGE_SECONDS = 7200;

/**
 * CORS for the browser origins in `origins` (exact origins, or `*` alone for any), mounted before
 * authentication: a preflight (`OPTIONS` with `Origin`) from an allowed origin is answered 204 with
 * the allowed methods and headers, without a token; the actual responses to an allowed origin
 * expose Location, ETag… A request from any other origin (or without one) gets no CORS header and
 * goes on as if CORS did not exist (a preflight then meets the FHIR API's 401). No credentials
 * (cookies): the API takes bearer tokens. `undefined` when `origins` is empty: no CORS at all.
 */
export function corsMiddleware(origins: readonly string[]): RequestHandler | undefined {
  if (origins.length === 0) return undefined;
  const any = origins.includes('*');
  const allowed = new Set(origins.map((origin) => origin.toLowerCase()));
  return cors({
    origin: (origin, callback) => {
      if (origin === undefined) callback(null, false);
      else if (any) callback(null, '*');
      else callback(null, allowed.has(origin.toLowerCase()) ? origin : false);
    },
    methods: [...CORS_METHODS],
    allowedHeaders: [...CORS_ALLOWED_HEADERS],
    exposedHeaders: [...CORS_EXPOSED_HEADERS],
    maxAge: CORS_MAX_AGE_SECONDS,
    credentials: false,
    preflightContinue: false,
    optionsSuccessStatus: 204,
  });
}
