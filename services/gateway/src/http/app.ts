import { randomUUID } from 'node:crypto';
import express, { type Express, type Router } from 'express';
import { pinoHttp } from 'pino-http';
import type { Logger } from 'pino';

export interface AppDependencies {
  readonly logger: Logger;
  /** The FHIR base (`/fhir`): a `fhirRouter` of the services' providers. */
  readonly fhir: Router;
  /** The dev issuer's public keys (embedded mode), served at `jwksPath`. */
  readonly devIssuer?: { readonly jwksPath: string; jwks(): object };
}

/**
 * The gateway's HTTP surface: probes for the platform, the FHIR base (`/fhir`), and in the
 * embedded mode the dev issuer's JWKS. Every FHIR error is an OperationOutcome; nothing leaks a
 * stack trace.
 */
export function createApp({ logger, fhir, devIssuer }: AppDependencies): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(
    pinoHttp({
      logger,
      genReqId: (req, res) => {
        const given = req.headers['x-request-id'];
        const id = typeof given === 'string' && /^[\w.-]{1,128}$/.test(given) ? given : randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' },
      // Never log bearer tokens.
      redact: ['req.headers.authorization'],
    }),
  );

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', (_req, res) => {
    res.json({ status: 'ready' });
  });
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
