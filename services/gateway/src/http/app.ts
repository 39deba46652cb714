import { randomUUID } from 'node:crypto';
import express, { type Express, type Router } from 'express';
import { pinoHttp } from 'pino-http';
import type { Logger } from 'pino';
import type { Readiness } from '../readiness.js';
import { httpMetrics, httpMetricsMiddleware, type HttpMetrics } from './http-metrics.js';

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
}

/**
 * The gateway's HTTP surface: probes for the platform (`/healthz` liveness, `/readyz` readiness),
 * `/metrics` (Prometheus, no token), the FHIR base (`/fhir`), and in the embedded mode the dev
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
      // Never log bearer tokens.
      redact: ['req.headers.authorization'],
    }),
  );

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
  }
  app.use('/fhir', fhir);

  app.use((req, res) => {
    res.status(404).json({ error: 'not found', path: req.path });
  });
  return app;
}
