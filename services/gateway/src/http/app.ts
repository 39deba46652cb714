import { randomUUID } from 'node:crypto';
import type { CapabilityStatement } from 'fhir/r4.js';
import express, { type Express } from 'express';
import { pinoHttp } from 'pino-http';
import type { Logger } from 'pino';
import { fhirErrorHandler, fhirJsonBody, fhirNotSupported, negotiateJson, sendFhir } from '@carenet/fhir';

export interface AppDependencies {
  readonly logger: Logger;
  readonly capabilityStatement: CapabilityStatement;
  /** Largest accepted request body (default 1 MiB). */
  readonly bodyLimit?: string;
}

/**
 * The gateway's HTTP surface: probes for the platform and the FHIR base (`/fhir`).
 * Every FHIR error is an OperationOutcome; nothing leaks a stack trace.
 */
export function createApp({ logger, capabilityStatement, bodyLimit = '1mb' }: AppDependencies): Express {
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
    }),
  );

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', (_req, res) => {
    res.json({ status: 'ready' });
  });

  const fhir = express.Router();
  fhir.use(negotiateJson, ...fhirJsonBody(bodyLimit));
  fhir.get('/metadata', (_req, res) => {
    sendFhir(res, 200, capabilityStatement);
  });
  fhir.use(fhirNotSupported);
  fhir.use(fhirErrorHandler(logger));
  app.use('/fhir', fhir);

  app.use((req, res) => {
    res.status(404).json({ error: 'not found', path: req.path });
  });
  return app;
}
