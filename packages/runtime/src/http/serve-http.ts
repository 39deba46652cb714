import type { Server } from 'node:http';
import { answerClientErrorsWithOutcome } from '@carenet/fhir';
import type { Express } from 'express';
import type { Logger } from 'pino';

/**
 * Listens with `app` on the process's port: idle keep-alive connections live 65 s (Node's default is
 * 5 s), longer than the idle timeout of the usual load balancers (60 s) and of HTTP clients' pools,
 * so that the server is not the one closing a connection a client is about to reuse; headers too
 * large, or not HTTP, get an OperationOutcome too; a port that cannot be listened on stops the
 * process, saying why.
 */
export function listenOrExit(
  app: Express,
  config: { readonly port: number; readonly host: string },
  logger: Logger,
): Server {
  const server = app.listen(config.port, config.host);
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  answerClientErrorsWithOutcome(server);
  server.on('error', (error: NodeJS.ErrnoException) => {
    const reason =
      error.code === 'EADDRINUSE'
        ? `port ${config.port} on ${config.host} is already in use (set PORT to another port)`
        : error.message;
    logger.fatal({ err: error }, `cannot listen: ${reason}`);
    process.exit(1);
  });
  return server;
}
