import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { BalancedPool, type Dispatcher } from 'undici';
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

/** Connections kept open at most per replica of a service (requests queue beyond). */
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

/**
 * Methods sent again after a refused connection (or no route to the replica's host): nothing reached
 * the service. To another replica when there is one that has not failed this request.
 */
const RETRY_WHEN_REFUSED: ReadonlySet<string> = new Set(['GET', 'HEAD', 'PUT', 'DELETE']);
/**
 * Methods sent again once after a connection closed before any answer (a keep-alive connection the
 * service closed as the request left, a replica that died): safe methods only, the service may have
 * acted on the others.
 */
const RETRY_WHEN_RESET: ReadonlySet<string> = new Set(['GET', 'HEAD']);

/** A service as the gateway reaches it: its replicas behind one balancer, the base path they share. */
interface Upstream {
  readonly pool: BalancedPool;
  /** Each replica's origin (`http://tasks-1:8080`), in the order configured. */
  readonly replicas: readonly string[];
  readonly basePath: string;
}

/**
 * The gateway's HTTP clients of the services: per service, an undici `BalancedPool` over its
 * replicas (one URL each; a service with one URL is a balancer of one), each replica an undici
 * Pool of keep-alive connections. The balancer takes turns between the replicas, weighted down for
 * a replica whose connections fail and back up as they succeed again.
 *
 * The retry policy: POST and PATCH are never sent twice. GET, HEAD, PUT and DELETE are sent again
 * when the connection was refused or had no route (nothing was sent), GET and HEAD also (once) when
 * it was closed before any answer; the next attempt goes to a replica that has not failed this
 * request when there is one, so a request meets each replica at most once, and a service of one
 * replica gets it twice at most, as before there were replicas. Failures become 502 and 504
 * OperationOutcomes naming the service (`upstreamFailure`).
 */
export class UpstreamClients {
  private readonly upstreams = new Map<string, Upstream>();
  /** The replica (origin) where a connection failed, by the error its requests got. */
  private readonly failedAt = new WeakMap<object, string>();

  /**
   * @param bases service name → the FHIR base URL of each of its replicas (the same base path on
   *   each), or its one URL.
   */
  constructor(
    bases: ReadonlyMap<string, string | readonly string[]>,
    readonly timeouts: ProxyTimeouts = DEFAULT_PROXY_TIMEOUTS,
    connections: number = DEFAULT_CONNECTIONS_PER_SERVICE,
  ) {
    for (const [service, given] of bases) {
      const urls = (typeof given === 'string' ? [given] : given).map((base) => new URL(base));
      const [first] = urls;
      if (first === undefined) throw new Error(`no upstream URL for the ${service} service`);
      const replicas = [...new Set(urls.map((url) => url.origin))];
      const pool = new BalancedPool(replicas, {
        connections,
        connectTimeout: timeouts.connectMs,
        headersTimeout: timeouts.responseMs,
        bodyTimeout: timeouts.responseMs,
      });
      // The same error object reaches the requests the failure ends (undici errors them first).
      const remember = (origin: URL, _targets: unknown, error: Error) => {
        this.failedAt.set(error, origin.origin);
      };
      pool.on('connectionError', remember);
      pool.on('disconnect', remember);
      this.upstreams.set(service, { pool, replicas, basePath: first.pathname.replace(/\/+$/, '') });
    }
  }

  /** Sends the request to its service; a failure of the service is thrown as a 502 or 504 FhirError. */
  async request(request: UpstreamRequest): Promise<UpstreamAnswer> {
    const upstream = this.upstreams.get(request.service);
    if (upstream === undefined) throw new Error(`no upstream URL for the ${request.service} service`);
    const method = request.method.toUpperCase();
    const maxAttempts = Math.max(2, upstream.replicas.length);
    /** Replicas where an attempt of this request failed. */
    const failed = new Set<string>();
    let resets = 0;
    for (let attempt = 1; ; attempt++) {
      const dispatcher = attempt === 1 ? upstream.pool : this.retryTarget(upstream, failed);
      try {
        const answer = await dispatcher.request({
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
        const replica = typeof error === 'object' && error !== null ? this.failedAt.get(error) : undefined;
        if (replica !== undefined) failed.add(replica);
        if (kind === 'reset') resets += 1;
        const anotherLeft = upstream.replicas.length === 1 || upstream.replicas.some((r) => !failed.has(r));
        const retry =
          attempt < maxAttempts &&
          anotherLeft &&
          request.signal?.aborted !== true &&
          (((kind === 'refused' || kind === 'unreachable') && RETRY_WHEN_REFUSED.has(method)) ||
            (kind === 'reset' && resets === 1 && RETRY_WHEN_RESET.has(method)));
        if (retry) continue;
        throw upstreamFailure(request.service, error, this.timeoutsOf(request)) ?? error;
      }
    }
  }

  /**
   * Where a request goes again: a replica that has not failed it (chosen at random among them when
   * several are left), else the balancer (a service of one replica).
   */
  private retryTarget(upstream: Upstream, failed: ReadonlySet<string>): Dispatcher {
    const left = upstream.replicas.filter((replica) => !failed.has(replica));
    if (left.length === 0 || left.length === upstream.replicas.length) return upstream.pool;
    const replica = left[Math.floor(Math.random() * left.length)] ?? '';
    return upstream.pool.getUpstream(replica) ?? upstream.pool;
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
