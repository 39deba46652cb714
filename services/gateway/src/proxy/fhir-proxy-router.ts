import {
  badRequest,
  DEFAULT_MAX_BUNDLE_ENTRIES,
  fhirErrorHandler,
  fhirJsonBody,
  fhirResponseHeaders,
  MAX_NESTING_DEPTH,
  methodNotAllowed,
  negotiateJson,
  notSupported,
  parseBundleRequest,
  requestTrace,
  sendFhir,
  type Authenticator,
} from '@carenet/fhir';
import express, { type Request, type Response, type Router } from 'express';
import type { Logger } from 'pino';
import { batch, transactionService } from './bundle-route.js';
import { searchParametersOf, searchWithIncludes } from './cross-service-includes.js';
import { answeredHeaders, forwardedRequestHeaders, requestIdOf } from './forwarded-headers.js';
import { forwardRequest } from './forward-request.js';
import { planCrossServiceIncludes } from './include-plan.js';
import { DEFAULT_METADATA_CACHE_MS, MergedCapability } from './merged-capability.js';
import { sendOperationDefinition } from './operation-definition-route.js';
import { onBehalfHeaders, serviceOf, type BufferedAnswer, type ProxyContext } from './proxy-context.js';
import { DEFAULT_MAX_BODY_BYTES, readBoundedBody } from './request-body.js';
import { PROXY_SERVICES } from './routing-table.js';
import {
  DEFAULT_CONNECTIONS_PER_SERVICE,
  DEFAULT_PROXY_TIMEOUTS,
  UpstreamClients,
  type ProxyTimeouts,
} from './upstream-client.js';

/** Entries of a batch sent to the services at once, by default. */
export const DEFAULT_BATCH_CONCURRENCY = 8;

export interface FhirProxyOptions {
  /**
   * Service name → its FHIR base URL (`tasks` → `http://127.0.0.1:8081/fhir`), or the URLs of its
   * replicas, with the same base path (`http://tasks-1:8080/fhir`, `http://tasks-2:8080/fhir`):
   * requests are balanced across them.
   */
  readonly upstreams: ReadonlyMap<string, string | readonly string[]>;
  /** Resource type → the name of the service that owns it (`routingTable()`). */
  readonly routes: ReadonlyMap<string, string>;
  /** The gateway's FHIR base URL, as clients see it. */
  readonly publicBaseUrl: string;
  /** Verifies the bearer token of every request but the public ones (`createTokenVerifier`). */
  readonly authenticator: Authenticator;
  readonly logger: Logger;
  /**
   * Connect and answer timeouts in ms (defaults `DEFAULT_PROXY_TIMEOUTS`: 5 s to connect, 30 s
   * for the status and headers, and between two chunks of the body).
   */
  readonly timeouts?: Partial<ProxyTimeouts>;
  /** Largest request body passed on (default 1 MiB, the services' limit; 413 beyond). */
  readonly maxBodyBytes?: number;
  /** Batch and transaction Bundles: entries at most (default 100, 413 beyond), entries sent at once (8). */
  readonly bundle?: { readonly maxEntries?: number; readonly concurrency?: number };
  /** How long the merged CapabilityStatement is kept (default 30 s; one missing a service is not kept). */
  readonly metadataCacheMs?: number;
  /** Keep-alive connections per replica of a service at most (default 128; requests queue beyond). */
  readonly connectionsPerService?: number;
}

/** The proxy router, and what the composition root calls at shutdown. */
export type FhirProxyRouter = Router & {
  /** Closes the connections to the services (after the requests under way). */
  close(): Promise<void>;
};

/** The options name a service with no URL. */
export class FhirProxyConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FhirProxyConfigError';
  }
}

const trimmed = (url: string) => url.replace(/\/+$/, '');

/** GET `/Task`, POST `/Task/_search`: a search of the type, where cross-service includes apply. */
function searchShape(req: Request, segments: readonly string[]): 'get' | 'post' | undefined {
  if (req.method === 'GET' && segments.length === 2) return 'get';
  if (req.method === 'POST' && segments.length === 3 && segments[2] === '_search') return 'post';
  return undefined;
}

/** A service's answer the gateway read whole (and may have changed), sent to the client. */
function sendBuffered(context: ProxyContext, res: Response, service: string, answer: BufferedAnswer): void {
  const headers = answeredHeaders(answer.headers, context.bases.get(service) ?? [], context.publicBaseUrl);
  res.statusCode = answer.status;
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.setHeader('content-length', Buffer.byteLength(answer.text));
  res.end(answer.text);
}

/** Whether a JSON value nests deeper than `limit` levels (iterative: no stack to exhaust). */
function nestsDeeperThan(value: unknown, limit: number): boolean {
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    if (typeof item.value !== 'object' || item.value === null) continue;
    if (item.depth + 1 > limit) return true;
    for (const child of Object.values(item.value)) stack.push({ value: child, depth: item.depth + 1 });
  }
  return false;
}

/**
 * The FHIR base of the distributed mode (mounted at `/fhir`): a stateless proxy in front of the
 * services, each a complete FHIR server for its own types.
 *
 * - Routing by resource type (the first path segment): type and instance interactions, `_history`,
 *   `_search`, operations (`/Task/1/$transfer`); an unknown type is a 404.
 * - Authentication once, here: every request but `GET /metadata` and
 *   `GET /OperationDefinition/<id>` must carry a bearer token the authenticator accepts (its 401
 *   otherwise, before any service is asked). The request then goes on with its `Authorization`
 *   header unchanged: each service verifies the end-user token itself (same issuer, keys and
 *   audience), so a request that bypasses the gateway meets the same check, and the identity a
 *   service acts on is the one the issuer signed, not one the gateway asserts. (The other design,
 *   a token the gateway signs for the services, would make the gateway's key the key to all
 *   patient data.) See README.md of this folder.
 * - Headers: the client's `traceparent` (the gateway's span), `tracestate`, the gateway's
 *   `X-Request-Id`, conditional and `Prefer` headers go up; the service's status, body, ETag,
 *   Last-Modified, Location, Content-Location, WWW-Authenticate, X-Request-Id come back, with the
 *   service's own base URL rewritten to the public one. Bodies stream.
 * - `GET /metadata`: the merged CapabilityStatement; `POST /`: batch (split per service) and
 *   transaction (one service); cross-service `_include` and `_revinclude` resolved here.
 * - Replicas: a service given several URLs has its requests balanced across them (undici's
 *   BalancedPool); an idempotent request a replica refused goes to another one.
 * - Failures: 502 (refused, reset) or 504 (timeout) OperationOutcomes naming the service; POST
 *   and PATCH are never sent twice.
 */
export function fhirProxyRouter(options: FhirProxyOptions): FhirProxyRouter {
  const bases = new Map(
    [...options.upstreams].map(([service, urls]) => [
      service,
      (typeof urls === 'string' ? [urls] : urls).map(trimmed),
    ]),
  );
  for (const [service, urls] of bases) {
    const paths = new Set(urls.map((url) => new URL(url).pathname));
    if (urls.length === 0) throw new FhirProxyConfigError(`the ${service} service has no URL`);
    if (paths.size > 1) {
      throw new FhirProxyConfigError(`the replicas of the ${service} service must share one FHIR base path`);
    }
  }
  for (const [type, service] of options.routes) {
    if (!bases.has(service)) {
      throw new FhirProxyConfigError(`${type} is routed to the ${service} service, which has no URL`);
    }
  }
  const timeouts: ProxyTimeouts = { ...DEFAULT_PROXY_TIMEOUTS, ...options.timeouts };
  const clients = new UpstreamClients(
    bases,
    timeouts,
    options.connectionsPerService ?? DEFAULT_CONNECTIONS_PER_SERVICE,
  );
  const context: ProxyContext = {
    clients,
    bases,
    routes: options.routes,
    publicBaseUrl: trimmed(options.publicBaseUrl),
    logger: options.logger,
  };
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const maxEntries = options.bundle?.maxEntries ?? DEFAULT_MAX_BUNDLE_ENTRIES;
  const concurrency = options.bundle?.concurrency ?? DEFAULT_BATCH_CONCURRENCY;
  // The services in a stable order: the first answering one gives the statement's common parts.
  const services = [
    ...PROXY_SERVICES.filter((s) => bases.has(s)),
    ...[...bases.keys()].filter((s) => !(PROXY_SERVICES as readonly string[]).includes(s)),
  ];
  const capability = new MergedCapability(
    context,
    services,
    options.metadataCacheMs ?? DEFAULT_METADATA_CACHE_MS,
  );

  const router = express.Router();
  router.use(fhirResponseHeaders);
  router.use(requestTrace());
  router.use(negotiateJson);

  // Public: what the API is, no patient data.
  router.get('/metadata', async (_req, res) => {
    sendFhir(res, 200, await capability.statement(requestIdOf(res)));
  });
  router.get('/OperationDefinition/:id', async (req, res) => {
    await sendOperationDefinition(context, res, req.params.id, services, requestIdOf(res));
  });
  router.all('/OperationDefinition/:id', (req) => {
    throw methodNotAllowed(`${req.method} is not supported on OperationDefinition (read-only)`);
  });

  // Everything else: the caller proves who it is, once, here (the services check again).
  const { authenticator } = options;
  router.use(async (req, _res, next) => {
    await authenticator.authenticate(req.get('authorization'));
    next();
  });

  router.post('/', ...fhirJsonBody(maxBodyBytes), async (req, res) => {
    const body: unknown = req.body;
    if (nestsDeeperThan(body, MAX_NESTING_DEPTH + 4)) {
      throw badRequest(
        `the Bundle nests more than ${MAX_NESTING_DEPTH + 4} levels of JSON objects and arrays`,
      );
    }
    const parsed = parseBundleRequest(body, context.publicBaseUrl, maxEntries);
    if (parsed.type === 'batch') {
      const prefer = req.get('prefer');
      const call = {
        onBehalf: onBehalfHeaders(req, res),
        concurrency,
        ...(prefer !== undefined && { prefer }),
      };
      sendFhir(res, 200, await batch(context, call, parsed));
      return;
    }
    const service = transactionService(context, parsed);
    if (service === undefined) {
      sendFhir(res, 200, { resourceType: 'Bundle', type: 'transaction-response' });
      return;
    }
    await forwardRequest(
      context,
      req,
      res,
      { service, maxBodyBytes },
      { path: '/', body: Buffer.from(JSON.stringify(body)), contentType: 'application/fhir+json' },
    );
  });

  router.use(async (req, res) => {
    const segments = req.path.split('/');
    let type: string;
    try {
      type = decodeURIComponent(segments[1] ?? '');
    } catch {
      type = '';
    }
    if (type === '' || type.startsWith('$') || type.startsWith('_')) {
      throw notSupported(
        `${req.method} ${req.baseUrl}${req.path.slice(0, 100)} is not supported by this server`,
      );
    }
    const service = serviceOf(context, type);
    const shape = searchShape(req, segments);
    if (shape === 'get') {
      const plan = planCrossServiceIncludes(
        type,
        new URLSearchParams(req.url.split('?')[1] ?? ''),
        context.routes,
      );
      if (plan !== undefined) {
        const headers = forwardedRequestHeaders(req, res);
        const onBehalf = onBehalfHeaders(req, res);
        sendBuffered(
          context,
          res,
          service,
          await searchWithIncludes(context, { type, service, plan, headers, onBehalf, post: false }),
        );
        return;
      }
    }
    if (shape === 'post') {
      // The form is read to see its include parameters; the service reads it again (64 KB at most there).
      const form = await readBoundedBody(req, res, maxBodyBytes);
      const encoded = req.headers['content-encoding'] !== undefined;
      const isForm = /^application\/x-www-form-urlencoded\b/i.test(req.headers['content-type'] ?? '');
      const plan =
        encoded || !isForm
          ? undefined
          : planCrossServiceIncludes(type, searchParametersOf(req.url, form), context.routes);
      if (plan !== undefined) {
        const headers = forwardedRequestHeaders(req, res);
        const onBehalf = onBehalfHeaders(req, res);
        sendBuffered(
          context,
          res,
          service,
          await searchWithIncludes(context, { type, service, plan, headers, onBehalf, post: true }),
        );
        return;
      }
      await forwardRequest(
        context,
        req,
        res,
        { service, type, maxBodyBytes },
        form === undefined ? {} : { body: form },
      );
      return;
    }
    await forwardRequest(context, req, res, { service, type, maxBodyBytes });
  });

  router.use(fhirErrorHandler(options.logger));

  return Object.assign(router, { close: () => clients.close() });
}
