import { join } from 'node:path';
import { ASYNCAPI_FILE, EVENTS_DIR } from '@carenet/contracts';
import express, { type Router } from 'express';

/** `<context>/<Event>.v<N>.schema.json`, as the contracts name their files. */
const SCHEMA_FILE = /^[a-z][a-z0-9-]{0,40}\/[A-Z][A-Za-z0-9]{0,80}\.v\d{1,4}\.schema\.json$/;

/**
 * The published event contracts, without a token (issue 20): `GET /asyncapi.yaml` (AsyncAPI 3.0:
 * servers, channels, messages, the CloudEvents headers) and the JSON Schemas it references,
 * `GET /events/<context>/<Event>.v<N>.schema.json`, so that the document's `./events/…`
 * references resolve against the gateway's URL. Nothing else of the contracts folder is served.
 */
export function contractsRouter(): Router {
  const router = express.Router();
  router.get('/asyncapi.yaml', (_req, res) => {
    res.type('application/yaml').set('Cache-Control', 'no-cache').sendFile(ASYNCAPI_FILE);
  });
  router.get(/^\/events\/(.+)$/, (req, res, next) => {
    const file = (req.params as Record<string, string>)[0] ?? '';
    if (!SCHEMA_FILE.test(file)) {
      next();
      return;
    }
    res
      .type('application/schema+json')
      .set('Cache-Control', 'no-cache')
      .sendFile(join(EVENTS_DIR, file), (error?: Error) => {
        if (error !== undefined && !res.headersSent) next();
      });
  });
  return router;
}
