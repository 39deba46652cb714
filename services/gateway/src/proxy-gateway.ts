import type { Server } from 'node:http';
import type { ComponentHealth } from '@carenet/messaging';
import {
  ConfigError,
  CARENET_VERSION,
  corsMiddleware,
  createApp,
  loadConfig,
  listenOrExit,
  logSerializers,
  openAuthentication,
  processMetrics,
  serveMetrics,
  smartConfiguration,
  type GatewayConfig,
  type Readiness,
} from '@carenet/runtime';
import { pino } from 'pino';
import { fhirProxyRouter, proxyUpstreamsFromEnv, routingTable } from './proxy/index.js';

/** How long a service may take to answer the gateway's `/readyz` probe. */
const SERVICE_PROBE_TIMEOUT_MS = 2_000;

/** One replica's readiness, as the gateway sees it: its `/readyz` over the network. */
async function replicaReadiness(service: string, base: string): Promise<ComponentHealth> {
  const name = `service ${service} (${base})`;
  const probe = new URL(base);
  probe.pathname = probe.pathname.replace(/\/fhir\/?$/, '') + '/readyz';
  try {
    const answer = await fetch(probe, { signal: AbortSignal.timeout(SERVICE_PROBE_TIMEOUT_MS) });
    return answer.ok
      ? { name, ready: true }
      : { name, ready: false, reason: `its /readyz answers ${answer.status}` };
  } catch (error) {
    return {
      name,
      ready: false,
      reason: error instanceof Error && error.name === 'TimeoutError' ? 'no answer in time' : 'unreachable',
    };
  }
}

/**
 * Each service's readiness, replica by replica (`service tasks (http://tasks-1:8080/fhir)`), as
 * the gateway sees it: reported by the gateway's `/readyz`, which stays ready while a service is
 * not (it answers 502/504 for that service's types and serves the others): taking the gateway out
 * of a load balancer would take every service out with it.
 */
async function servicesReadiness(upstreams: ReadonlyMap<string, readonly string[]>): Promise<Readiness> {
  const components = await Promise.all(
    [...upstreams].flatMap(([service, bases]) => bases.map((base) => replicaReadiness(service, base))),
  );
  return { status: 'ready', components };
}

function readConfig(): { config: GatewayConfig; upstreams: ReadonlyMap<string, readonly string[]> } {
  const problems: string[] = [];
  let config: GatewayConfig | undefined;
  try {
    config = loadConfig(process.env, 'gateway');
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
  }
  const upstreams = proxyUpstreamsFromEnv(process.env);
  if (!upstreams.ok) problems.push(...upstreams.problems);
  if (config === undefined || !upstreams.ok || problems.length > 0) {
    process.stderr.write(
      `carenet gateway: ${new ConfigError(problems).message}\nSee README.md, "Configuration" and "Distributed mode".\n`,
    );
    process.exit(1);
  }
  return { config, upstreams: upstreams.upstreams };
}

/**
 * The gateway of the distributed mode: a stateless FHIR proxy, one base URL for every service's
 * types (`fhirProxyRouter`), authenticating each request once before it leaves (the services verify
 * the same token again), with its probes and metrics; no database, no Kafka.
 */
export async function runProxyGateway(): Promise<void> {
  const { config, upstreams } = readConfig();
  const logger = pino({
    level: config.logLevel,
    serializers: logSerializers,
    base: { service: 'gateway', version: CARENET_VERSION },
  });
  let authentication;
  try {
    authentication = await openAuthentication(config);
  } catch (error) {
    logger.fatal({ err: error }, `cannot start: setting up authentication: ${(error as Error).message}`);
    process.exit(1);
  }
  const routes = routingTable();
  const fhir = fhirProxyRouter({
    upstreams,
    routes,
    publicBaseUrl: config.publicBaseUrl,
    authenticator: authentication.authenticator,
    logger,
    bundle: { maxEntries: config.bundleMaxEntries },
  });
  const metrics = processMetrics();
  if (config.metricsPort !== undefined) {
    serveMetrics(metrics, config.metricsPort, config.host, (error) => {
      logger.fatal({ err: error }, `cannot serve metrics: ${error.message}`);
      process.exit(1);
    });
  }
  const smart = smartConfiguration(config, undefined, [...routes.keys()]);
  const cors = corsMiddleware(config.corsOrigins);
  const app = createApp({
    logger,
    fhir,
    readiness: () => servicesReadiness(upstreams),
    ...(config.metricsPort === undefined && { metrics }),
    ...(cors !== undefined && { cors }),
    ...(smart !== undefined && { smartConfiguration: smart }),
  });
  const server: Server = listenOrExit(app, config, logger);
  server.on('listening', () => {
    logger.info(
      {
        port: config.port,
        host: config.host,
        fhirBase: config.publicBaseUrl,
        mode: 'distributed',
        services: Object.fromEntries(upstreams),
        authentication: authentication.description,
      },
      `carenet gateway listening: FHIR at ${config.publicBaseUrl} (a proxy to the services)`,
    );
  });
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    setTimeout(() => process.exit(0), 5000).unref();
    server.close(() => {
      void fhir.close().finally(() => process.exit(0));
    });
    server.closeAllConnections();
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}
