import { randomUUID } from 'node:crypto';
import express, { type Express, type RequestHandler, type Router } from 'express';
import { pinoHttp } from 'pino-http';
import type { Logger } from 'pino';
import type { Readiness } from '../readiness.js';
import { contractsRouter } from './contracts-routes.js';
import { httpMetrics, httpMetricsMiddleware, type HttpMetrics } from './http-metrics.js';
import { logSerializers, requestLogProps } from './request-log.js';
import {
  DEV_ISSUER_TOKEN_ERROR,
  DEV_ISSUER_TOKEN_PATH,
  SMART_CONFIGURATION_PATHS,
  type SmartConfiguration,
} from './smart-configuration.js';

/** What `/metrics` serves: the Prometheus text of this process, or of all of them (HTTP workers). */
export interface MetricsSource {
  readonly contentType: string;
  scrape(): Promise<string>;
}

export interface AppDependencies {
  readonly logger: Logger;
  /** The FHIR base (`/fhir`): a `fhirRouter` of the services' providers. */
  readonly fhir: Router;
  /** The dev issuer's public keys (embedded mode), served at `jwksPath`. */
  readonly devIssuer?: { readonly jwksPath: string; jwks(): object };
  /** `/readyz`: the database and the background components (relays, consumers). */
  readonly readiness: () => Promise<Readiness>;
  /** `/metrics` on this port (absent when the metrics have a port of their own). */
  readonly metrics?: MetricsSource;
  /** Where the HTTP request metrics go (default: prom-client's registry). */
  readonly httpMetrics?: HttpMetrics;
  /** CORS (`corsMiddleware`), first, before any authentication; none: no CORS headers. */
  readonly cors?: RequestHandler;
  /** `/.well-known/smart-configuration` (under `/fhir` and at the root), without a token. */
  readonly smartConfiguration?: SmartConfiguration;
  /** `GET /fhir/OperationDefinition/<id>` (`operationDefinitionRouter`), without a token. */
  readonly operationDefinitions?: Router;
}

/**
 * The gateway's HTTP surface: probes for the platform (`/healthz` liveness, `/readyz` readiness),
 * `/metrics` (Prometheus, no token), the event contracts (`/asyncapi.yaml`, `/events/…`, no
 * token), the FHIR base (`/fhir`), and in the embedded mode the dev
 * issuer's JWKS. Every request is counted and timed by route pattern. Every FHIR error is an OperationOutcome; nothing leaks a
 * stack trace.
 */
export function createApp(dependencies: AppDependencies): Express {
  const { logger, fhir, devIssuer, metrics } = dependencies;
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(httpMetricsMiddleware(dependencies.httpMetrics ?? httpMetrics()));
  app.use(
    pinoHttp({
      logger,
      genReqId: (req, res) => {
        const given = req.headers['x-request-id'];
        const id = typeof given === 'string' && /^[\w.-]{1,128}$/.test(given) ? given : randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      autoLogging: {
        ignore: (req) => req.url === '/healthz' || req.url === '/readyz' || req.url === '/metrics',
      },
      // Who did what, never patient identifiers, clinical text or tokens (request-log.ts).
      serializers: logSerializers,
      customProps: requestLogProps,
    }),
  );
  // Before every route, so before authentication: a preflight needs no token.
  if (dependencies.cors !== undefined) app.use(dependencies.cors);

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const answer = await dependencies.readiness();
    res.status(answer.status === 'ready' ? 200 : 503).json(answer);
  });
  if (metrics !== undefined) {
    app.get('/metrics', async (_req, res) => {
      try {
        const text = await metrics.scrape();
        res.type(metrics.contentType).send(text);
      } catch (error) {
        logger.warn({ err: error }, 'metrics scrape failed');
        res
          .status(503)
          .type('text/plain')
          .send(`metrics unavailable: ${(error as Error).message}\n`);
      }
    });
  }
  if (devIssuer !== undefined) {
    app.get(devIssuer.jwksPath, (_req, res) => {
      res.json(devIssuer.jwks());
    });
    // The dev issuer has no OAuth token endpoint: the SMART configuration names this one, which says so.
    app.all(DEV_ISSUER_TOKEN_PATH, (_req, res) => {
      res.status(400).set('Cache-Control', 'no-store').json(DEV_ISSUER_TOKEN_ERROR);
    });
  }
  const { smartConfiguration } = dependencies;
  for (const path of SMART_CONFIGURATION_PATHS) {
    app.get(path, (_req, res) => {
      if (smartConfiguration === undefined) {
        res
          .status(404)
          .type('application/fhir+json')
          .json({
            resourceType: 'OperationOutcome',
            issue: [
              {
                severity: 'error',
                code: 'not-found',
                diagnostics:
                  'no SMART configuration: the token endpoint of the authorization server is not configured (CARENET_AUTH_TOKEN_URL)',
              },
            ],
          });
        return;
      }
      res.json(smartConfiguration);
    });
  }
  // The event contracts for subscribers: /asyncapi.yaml and the schemas it references.
  app.use(contractsRouter());
  if (dependencies.operationDefinitions !== undefined) {
    app.use('/fhir/OperationDefinition', dependencies.operationDefinitions);
  }
  app.use('/fhir', fhir);

  app.use((req, res) => {
    res.status(404).json({ error: 'not found', path: req.path });
  });
  return app;
}
