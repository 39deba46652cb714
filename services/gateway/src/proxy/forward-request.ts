import { pipeline } from 'node:stream/promises';
import type { Request, Response } from 'express';
import { BaseUrlRewriter } from './base-url-rewriting.js';
import { answeredHeaders, forwardedRequestHeaders } from './forwarded-headers.js';
import { logExchange, type ProxyContext } from './proxy-context.js';
import { readBoundedBody } from './request-body.js';
import type { UpstreamAnswer } from './upstream-client.js';
import { upstreamFailure } from './upstream-errors.js';

/** What to send instead of the client's own request line and body (a search without some parameters). */
export interface ForwardOverride {
  /** Path and query under the FHIR base (default: the client's, `req.url`). */
  readonly path?: string;
  /** The client's body, read already (as it came: its Content-Encoding still applies). */
  readonly body?: Buffer;
  /** The gateway wrote the body itself (re-serialized JSON): its type, and no Content-Encoding. */
  readonly contentType?: string;
}

/** An AbortSignal that fires when the client goes away before its answer is complete. */
export function clientGone(res: Response): AbortSignal {
  const controller = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  return controller.signal;
}

/**
 * Proxies the request to `service` and streams its answer back: the status, the headers the client
 * gets (`answeredHeaders`) and the body, as it comes, with the service's base URLs rewritten to the
 * public one in JSON (nothing to rewrite when the service already writes the public base). The
 * request body is read whole first (bounded, 413 beyond). A failure before the answer starts is
 * thrown (a 502 or 504 FhirError); one after (the body stops coming) ends the client's connection.
 */
export async function forwardRequest(
  context: ProxyContext,
  req: Request,
  res: Response,
  route: { readonly service: string; readonly type?: string; readonly maxBodyBytes: number },
  override: ForwardOverride = {},
): Promise<void> {
  const started = performance.now();
  const { service } = route;
  const body =
    override.body ??
    (req.method === 'GET' || req.method === 'HEAD'
      ? undefined
      : await readBoundedBody(req, res, route.maxBodyBytes));
  const headers = forwardedRequestHeaders(req, res);
  if (override.contentType !== undefined) {
    headers['content-type'] = override.contentType;
    delete headers['content-encoding'];
  }
  if (body !== undefined) headers['content-length'] = String(body.length);
  const signal = clientGone(res);
  let answer: UpstreamAnswer;
  try {
    answer = await context.clients.request({
      service,
      method: req.method,
      path: override.path ?? req.url,
      headers,
      ...(body !== undefined && { body }),
      signal,
    });
  } catch (error) {
    if (signal.aborted) {
      // The client left: nobody to answer (the service's request was aborted with it).
      context.logger.debug({ service }, 'the client left before the service answered');
      return;
    }
    logExchange(context, {
      service,
      method: req.method,
      ...(route.type !== undefined && { type: route.type }),
      status: (error as { status?: number }).status ?? 500,
      started,
    });
    throw error;
  }
  await streamAnswer(context, res, service, answer);
  logExchange(context, {
    service,
    method: req.method,
    ...(route.type !== undefined && { type: route.type }),
    status: answer.status,
    started,
    attempts: answer.attempts,
  });
}

/** Writes a service's answer to the client as it comes (see `forwardRequest`). */
async function streamAnswer(
  context: ProxyContext,
  res: Response,
  service: string,
  answer: UpstreamAnswer,
): Promise<void> {
  const bases = (context.bases.get(service) ?? []).filter((base) => base !== context.publicBaseUrl);
  const headers = answeredHeaders(answer.headers, bases, context.publicBaseUrl);
  const rewrite =
    bases.length > 0 &&
    headers['content-encoding'] === undefined &&
    /json/i.test(headers['content-type'] ?? '');
  const length = answer.headers['content-length'];
  if (!rewrite && typeof length === 'string') headers['content-length'] = length;
  res.statusCode = answer.status;
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  try {
    if (rewrite) await pipeline(answer.body, new BaseUrlRewriter(bases, context.publicBaseUrl), res);
    else await pipeline(answer.body, res);
  } catch (error) {
    // The headers are gone: all that is left is to end the connection (pipeline did), and say why.
    const failure = upstreamFailure(service, error, context.clients.timeouts);
    if (failure === undefined) {
      context.logger.debug({ service }, 'the client left before the answer was complete');
      return;
    }
    context.logger.warn(
      { service, status: answer.status, reason: failure.message },
      'the answer of a service stopped before its end: the client connection was closed',
    );
  }
}
