import type { IncomingHttpHeaders } from 'node:http';
import { BREAK_GLASS_HEADER, FHIR_JSON, FhirError, notSupported } from '@carenet/fhir';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { rewriteBaseInJson, rewriteBaseUrl } from './base-url-rewriting.js';
import { forwardedRequestHeaders } from './forwarded-headers.js';
import type { UpstreamAnswer, UpstreamClients, UpstreamRequest } from './upstream-client.js';
import { upstreamFailure } from './upstream-errors.js';

/** What every part of the proxy works with: where each type goes, and how to reach it. */
export interface ProxyContext {
  readonly clients: UpstreamClients;
  /** Service name → the FHIR base URL of each of its replicas (one for a service of one replica). */
  readonly bases: ReadonlyMap<string, readonly string[]>;
  /** Resource type → the service that owns it. */
  readonly routes: ReadonlyMap<string, string>;
  readonly publicBaseUrl: string;
  readonly logger: Logger;
}

/** A service's answer read whole, its JSON and its Location headers on the public base. */
export interface BufferedAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
}

const TYPE = /^[A-Z][A-Za-z]{0,63}$/;

/** The service owning `type`; 404 (as a service says of a type it does not serve) otherwise. */
export function serviceOf(context: ProxyContext, type: string): string {
  const service = TYPE.test(type) ? context.routes.get(type) : undefined;
  if (service === undefined) {
    throw notSupported(`resource type "${type.slice(0, 64)}" is not supported by this server`);
  }
  return service;
}

/**
 * The headers of a request the gateway makes itself on behalf of a client (an include, a batch
 * entry): the client's token, break-glass declaration, request id and trace context; JSON asked for.
 */
export function onBehalfHeaders(req: Request, res: Response): Record<string, string> {
  const all = forwardedRequestHeaders(req, res);
  const headers: Record<string, string> = { accept: FHIR_JSON };
  for (const name of ['authorization', 'x-request-id', 'traceparent', 'tracestate', BREAK_GLASS_HEADER]) {
    const value = all[name];
    if (value !== undefined) headers[name] = value;
  }
  return headers;
}

/** One debug line per exchange with a service: no path, no query, nothing that names a patient. */
export function logExchange(
  context: ProxyContext,
  details: {
    readonly service: string;
    readonly method: string;
    readonly type?: string;
    readonly part?: 'batch-entry' | 'include' | 'metadata' | 'operation-definition';
    readonly status: number;
    readonly started: number;
    readonly attempts?: number;
  },
): void {
  const { started, ...rest } = details;
  context.logger.debug(
    { ...rest, durationMs: Math.round((performance.now() - started) * 100) / 100 },
    'proxied to a service',
  );
}

/**
 * Sends a request the gateway makes itself and reads the answer whole, with the service's bases
 * rewritten to the public one in its JSON. A service that fails (refused, reset, timed out, also
 * while the body comes) is a 502 or 504 FhirError naming it.
 */
export async function bufferedCall(
  context: ProxyContext,
  request: UpstreamRequest,
  part: 'batch-entry' | 'include' | 'metadata' | 'operation-definition' | undefined,
  type?: string,
): Promise<BufferedAnswer> {
  const started = performance.now();
  let answer: UpstreamAnswer;
  let text: string;
  try {
    answer = await context.clients.request(request);
    text = await readText(answer);
  } catch (error) {
    const thrown = upstreamFailure(request.service, error, context.clients.timeoutsOf(request)) ?? error;
    logExchange(context, {
      service: request.service,
      method: request.method,
      ...(type !== undefined && { type }),
      ...(part !== undefined && { part }),
      status: thrown instanceof FhirError ? thrown.status : 500,
      started,
    });
    throw thrown;
  }
  logExchange(context, {
    service: request.service,
    method: request.method,
    ...(type !== undefined && { type }),
    ...(part !== undefined && { part }),
    status: answer.status,
    started,
    attempts: answer.attempts,
  });
  const bases = context.bases.get(request.service) ?? [];
  const headers = { ...answer.headers };
  for (const name of ['location', 'content-location'] as const) {
    const value = headers[name];
    if (typeof value === 'string') headers[name] = rewriteBaseUrl(value, bases, context.publicBaseUrl);
  }
  return { status: answer.status, headers, text: rewriteBaseInJson(text, bases, context.publicBaseUrl) };
}

async function readText(answer: UpstreamAnswer): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of answer.body as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

/** The JSON of an answer, or undefined when it is not JSON. */
export function jsonOf(answer: BufferedAnswer): unknown {
  try {
    return JSON.parse(answer.text) as unknown;
  } catch {
    return undefined;
  }
}
