import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { Pool } from 'undici';
import { upstreamFailure, upstreamFailureKind } from './upstream-errors.js';

/**
 * How long the gateway waits for a service (milliseconds): to open a connection, and for the
 * answer (the status line and headers, then each chunk of the body).
 */
export interface ProxyTimeouts {
  readonly connectMs: number;
  readonly responseMs: number;
}

/**
 * 5 s to connect (a service on the same network connects in a millisecond: longer means it is gone),
 * 30 s to answer (a search over a large territory, a transaction of 100 entries, well within).
 */
export const DEFAULT_PROXY_TIMEOUTS: ProxyTimeouts = { connectMs: 5_000, responseMs: 30_000 };

/** Connections kept open at most per service (requests queue beyond). */
export const DEFAULT_CONNECTIONS_PER_SERVICE = 128;

/** One request to a service, its path relative to the service's FHIR base. */
export interface UpstreamRequest {
  readonly service: string;
  readonly method: string;
  /** Path and query under the service's FHIR base, raw (still percent-encoded): `/Task/1?_elements=status`. */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  /** The request body, read whole (bounded) so that a retry can send it again. */
  readonly body?: Buffer;
  /** Aborts the exchange (the client went away). */
  readonly signal?: AbortSignal;
  /** A shorter wait for the answer than the proxy's (ms): the gateway's own calls (`/metadata`). */
  readonly responseTimeoutMs?: number;
}

/** The service's answer: its status and headers, and its body still to be read (a stream). */
export interface UpstreamAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Readable;
  /** 2 when the request was sent again after a first attempt that could not have reached the service. */
  readonly attempts: number;
}

/** Methods sent again once after a refused connection: nothing reached the service. */
const RETRY_WHEN_REFUSED: ReadonlySet<string> = new Set(['GET', 'HEAD', 'PUT', 'DELETE']);
/**
 * Methods sent again once after a connection closed before any answer (a keep-alive connection the
 * service closed as the request left): safe methods only, the service may have acted on the others.
 */
const RETRY_WHEN_RESET: ReadonlySet<string> = new Set(['GET', 'HEAD']);

/** An upstream URL the map names: the origin the pool connects to, the base path it prefixes. */
interface Upstream {
  readonly pool: Pool;
  readonly basePath: string;
}

/**
 * The gateway's HTTP clients of the services: one undici Pool (keep-alive connections) per
 * service, the proxy's timeouts, and the retry policy: POST and PATCH are never sent twice; GET,
 * HEAD, PUT and DELETE are sent once more when the connection was refused (nothing was sent), GET
 * and HEAD also when it was closed before any answer. Failures become 502 and 504
 * OperationOutcomes naming the service (`upstreamFailure`).
 */
export class UpstreamClients {
  private readonly upstreams = new Map<string, Upstream>();

  constructor(
    bases: ReadonlyMap<string, string>,
    readonly timeouts: ProxyTimeouts = DEFAULT_PROXY_TIMEOUTS,
    connections: number = DEFAULT_CONNECTIONS_PER_SERVICE,
  ) {
    for (const [service, base] of bases) {
      const url = new URL(base);
      this.upstreams.set(service, {
        pool: new Pool(url.origin, {
          connections,
          connectTimeout: timeouts.connectMs,
          headersTimeout: timeouts.responseMs,
          bodyTimeout: timeouts.responseMs,
        }),
        basePath: url.pathname.replace(/\/+$/, ''),
      });
    }
  }

  /** Sends the request to its service; a failure of the service is thrown as a 502 or 504 FhirError. */
  async request(request: UpstreamRequest): Promise<UpstreamAnswer> {
    const upstream = this.upstreams.get(request.service);
    if (upstream === undefined) throw new Error(`no upstream URL for the ${request.service} service`);
    const method = request.method.toUpperCase();
    for (let attempt = 1; ; attempt++) {
      try {
        const answer = await upstream.pool.request({
          method,
          path: `${upstream.basePath}${request.path}`,
          headers: request.headers,
          body: request.body ?? null,
          signal: request.signal ?? null,
          ...(request.responseTimeoutMs !== undefined && {
            headersTimeout: request.responseTimeoutMs,
            bodyTimeout: request.responseTimeoutMs,
          }),
        });
        return { status: answer.statusCode, headers: answer.headers, body: answer.body, attempts: attempt };
      } catch (error) {
        const kind = upstreamFailureKind(error);
        const retry =
          attempt === 1 &&
          request.signal?.aborted !== true &&
          (((kind === 'refused' || kind === 'unreachable') && RETRY_WHEN_REFUSED.has(method)) ||
            (kind === 'reset' && RETRY_WHEN_RESET.has(method)));
        if (retry) continue;
        throw upstreamFailure(request.service, error, this.timeoutsOf(request)) ?? error;
      }
    }
  }

  /** The timeouts that apply to `request` (its own answer timeout, when it has one). */
  timeoutsOf(request: Pick<UpstreamRequest, 'responseTimeoutMs'>): ProxyTimeouts {
    return request.responseTimeoutMs === undefined
      ? this.timeouts
      : { ...this.timeouts, responseMs: request.responseTimeoutMs };
  }

  /** Closes every connection (waits for the requests under way). */
  async close(): Promise<void> {
    await Promise.all([...this.upstreams.values()].map((u) => u.pool.close()));
  }
}
