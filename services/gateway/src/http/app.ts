import { randomUUID } from 'node:crypto';
import type { CapabilityStatement } from 'fhir/r4.js';
import express, { type ErrorRequestHandler, type Express } from 'express';
import { pinoHttp } from 'pino-http';
import type { Logger } from 'pino';
import { operationOutcome } from '../fhir/operation-outcome.js';
import { sendFhir } from './fhir-json.js';

export interface AppDependencies {
  readonly logger: Logger;
  readonly capabilityStatement: CapabilityStatement;
}

/**
 * The gateway's HTTP surface: probes for the platform and the FHIR base (`/fhir`).
 * Every FHIR error is an OperationOutcome; nothing leaks a stack trace.
 */
export function createApp({ logger, capabilityStatement }: AppDependencies): Express {
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
  fhir.get('/metadata', (_req, res) => {
    sendFhir(res, 200, capabilityStatement);
  });
  fhir.use((req, res) => {
    sendFhir(
      res,
      404,
      operationOutcome(
        'error',
        'not-supported',
        `${req.method} ${req.baseUrl}${req.path} is not supported by this server`,
      ),
    );
  });
  app.use('/fhir', fhir);

  app.use((req, res) => {
    res.status(404).json({ error: 'not found', path: req.path });
  });

  const onError: ErrorRequestHandler = (error: unknown, req, res, _next) => {
    req.log.error({ err: error }, 'unhandled error');
    if (res.headersSent) return;
    sendFhir(
      res,
      500,
      operationOutcome('fatal', 'exception', 'internal error; see the server log for the request id'),
    );
  };
  app.use(onError);
  return app;
}
