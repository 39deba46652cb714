import type { Server } from 'node:http';
import express, { type Router } from 'express';
import { answerClientErrorsWithOutcome } from '../../src/index.js';

export interface ServedFhir {
  /** The FHIR base URL, `http://127.0.0.1:<port>/fhir`. */
  readonly base: string;
  close(): void;
}

/**
 * Serves a FHIR router on a free loopback port under `/fhir`. The router is built once the base
 * URL is known (it appears in Location headers and links).
 */
export async function serveFhir(router: (base: string) => Router): Promise<ServedFhir> {
  const app = express();
  const server: Server = app.listen(0, '127.0.0.1');
  answerClientErrorsWithOutcome(server);
  await new Promise((resolve) => server.once('listening', resolve));
  const address = server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/fhir`;
  app.use('/fhir', router(base));
  return { base, close: () => server.close() };
}
