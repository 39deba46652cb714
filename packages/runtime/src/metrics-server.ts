import { createServer, type Server } from 'node:http';
import { collectDefaultMetrics, register as defaultRegistry } from 'prom-client';
import type { MetricsSource } from './http/app.js';

let defaultsCollected = false;

/**
 * The metrics of this process alone, in prom-client's default registry (where the messaging and
 * event-store metrics are), with Node's process metrics prefixed `carenet_` (registered once).
 */
export function processMetrics(): MetricsSource {
  if (!defaultsCollected) {
    defaultsCollected = true;
    collectDefaultMetrics({ prefix: 'carenet_' });
  }
  return { contentType: defaultRegistry.contentType, scrape: () => defaultRegistry.metrics() };
}

/**
 * `/metrics` on a port of its own (CARENET_METRICS_PORT): nothing else is served there. Calls
 * `onError` when it cannot listen.
 */
export function serveMetrics(
  source: MetricsSource,
  port: number,
  host: string,
  onError: (error: NodeJS.ErrnoException) => void,
): Server {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
      return;
    }
    source.scrape().then(
      (text) => {
        res.writeHead(200, { 'content-type': source.contentType }).end(text);
      },
      (error: unknown) => {
        res
          .writeHead(503, { 'content-type': 'text/plain; charset=utf-8' })
          .end(`metrics unavailable: ${(error as Error).message}\n`);
      },
    );
  });
  server.on('error', onError);
  server.listen(port, host);
  return server;
}
