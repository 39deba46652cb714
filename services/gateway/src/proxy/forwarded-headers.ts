import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { BREAK_GLASS_HEADER, requestTraceOf } from '@carenet/fhir';
import type { Request, Response } from 'express';
import { rewriteBaseUrl } from './base-url-rewriting.js';

/**
 * The request headers a service needs, passed as the client sent them. `Authorization` goes on
 * unchanged: each service verifies the end-user token itself (README.md of this folder).
 * `Content-Encoding` goes with the body it describes; `X-Carenet-Break-Glass` is the emergency
 * access the service's access decision reads.
 */
const REQUEST_HEADERS = [
  'authorization',
  'tracestate',
  'if-match',
  'if-none-exist',
  'if-none-match',
  'if-modified-since',
  'prefer',
  'accept',
  'content-type',
  'content-encoding',
  BREAK_GLASS_HEADER,
] as const;

/**
 * The response headers of a service the client gets (hop-by-hop and server-specific ones stay
 * behind). `Location` and `Content-Location` are rewritten to the public base.
 */
const RESPONSE_HEADERS = [
  'content-type',
  'content-encoding',
  'etag',
  'last-modified',
  'location',
  'content-location',
  'www-authenticate',
  'x-request-id',
  'retry-after',
  'allow',
  'cache-control',
  'x-content-type-options',
] as const;

const REWRITTEN: ReadonlySet<string> = new Set(['location', 'content-location']);

/**
 * The gateway's id of this request: the one its HTTP layer gave (`X-Request-Id` on the response,
 * set by pino-http in the gateway's app), else a new one, then set on the response.
 */
export function requestIdOf(res: Response): string {
  const given = res.getHeader('x-request-id');
  if (typeof given === 'string' && given !== '') return given;
  const id = randomUUID();
  res.setHeader('X-Request-Id', id);
  return id;
}

/**
 * What goes to the service with a request: the headers above, the gateway's request id
 * (`X-Request-Id`), and the trace context: the `traceparent` of the gateway's server span (the
 * caller's trace, continued; the caller's own `traceparent` when no OpenTelemetry SDK records
 * spans) and the caller's `tracestate`.
 */
export function forwardedRequestHeaders(req: Request, res: Response): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name of REQUEST_HEADERS) {
    const value = req.headers[name];
    if (typeof value === 'string') headers[name] = value;
    else if (Array.isArray(value)) headers[name] = value.join(', ');
  }
  const traceparent = requestTraceOf(res)?.traceparent ?? req.headers.traceparent;
  if (typeof traceparent === 'string') headers.traceparent = traceparent;
  headers['x-request-id'] = requestIdOf(res);
  return headers;
}

/**
 * The headers of the service's answer the client gets, `Location` and `Content-Location` on the
 * public base (whichever of the service's replicas, `serviceBases`, wrote them). `Content-Length` is added by the caller when the body goes through unchanged.
 */
export function answeredHeaders(
  headers: IncomingHttpHeaders,
  serviceBases: string | readonly string[],
  publicBaseUrl: string,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of RESPONSE_HEADERS) {
    const value = headers[name];
    if (typeof value !== 'string') continue;
    out[name] = REWRITTEN.has(name) ? rewriteBaseUrl(value, serviceBases, publicBaseUrl) : value;
  }
  return out;
}
