import cluster from 'node:cluster';
import type { Server } from 'node:http';
import { fhirRouter, operationDefinitionRouter } from '@carenet/fhir';
import { pino } from 'pino';
import type { TopicProtection } from '@carenet/messaging';
import type { Logger } from 'pino';
import { DEV_ISSUER_JWKS_PATH, openAuthentication } from './authentication.js';
import {
  clusterMetrics,
  healthFromBackgroundProcess,
  shareHealthWithWorkers,
  workerMetrics,
} from './cluster-telemetry.js';
import { composeServices, type ComposedServices, type ComposeServicesOptions } from './compose-services.js';
import { ConfigError, loadConfig, type GatewayConfig, type ProcessKind } from './config.js';
import { openDatabase } from './database.js';
import type { SqlDatabase } from '@carenet/eventsourcing';
import { createApp } from './http/app.js';
import { corsMiddleware } from './http/cors.js';
import { logSerializers } from './http/request-log.js';
import { listenOrExit } from './http/serve-http.js';
import { smartConfiguration } from './http/smart-configuration.js';
import { processMetrics, serveMetrics } from './metrics-server.js';
import { databaseHealth, readiness } from './readiness.js';
import { CARENET_VERSION } from './version.js';

/** What a FHIR process composes, once its configuration, logger and database are open. */
export interface FhirProcessContext {
  readonly config: GatewayConfig;
  readonly logger: Logger;
  readonly db: SqlDatabase;
  /** The topic key of the process (the configured one, or `topicProtection`'s). */
  readonly topicProtection: TopicProtection | undefined;
  /** Whether this process runs the background work (not an HTTP worker). */
  readonly background: boolean;
}

/**
 * The services of a process, as the configuration says (Kafka, its principal and topics, the
 * relays' stall limit, the documents' limit): `modules` here, `remoteModules`' access facts from
 * their topics.
 */
export function composeFromConfig(
  { config, logger, db, topicProtection, background }: FhirProcessContext,
  composition: Pick<ComposeServicesOptions, 'modules' | 'remoteModules' | 'processName'>,
): Promise<ComposedServices> {
  return composeServices({
    ...composition,
    db,
    logger,
    ...(config.kafkaBrokers !== undefined && { kafkaBrokers: config.kafkaBrokers }),
    ...(config.kafkaSecurity !== undefined && { kafkaSecurity: config.kafkaSecurity }),
    ...(topicProtection !== undefined && { topicProtection }),
    kafkaTopics: config.kafkaTopics,
    background,
    relayStallAfterMs: config.readyRelayStallMs,
    documentMaxInlineBytes: config.documentMaxInlineBytes,
  });
}

export interface FhirProcessOptions {
  /** `gateway` (the embedded mode: every service) or a service's name (its own process). */
  readonly name: string;
  /** What the configuration requires of this kind of process. */
  readonly kind: ProcessKind;
  /** The topic key when none is configured (the embedded mode with Kafka: one of its own). */
  topicProtection?(config: GatewayConfig, logger: Logger): Promise<TopicProtection | undefined>;
  compose(context: FhirProcessContext): Promise<ComposedServices>;
}

/**
 * A carenet process serving FHIR: reads the configuration, opens the database and what `compose`
 * gives (the services of the embedded mode, or one service), authenticates every request, serves
 * the FHIR API, the probes and the metrics, optionally over several HTTP workers, and stops
 * cleanly on SIGTERM/SIGINT. A start that cannot complete says why, once, and exits 1.
 */
export async function runFhirProcess(options: FhirProcessOptions): Promise<void> {
  const label = options.name === 'gateway' ? 'carenet gateway' : `carenet ${options.name} service`;
  function readConfig(): GatewayConfig {
    try {
      return loadConfig(process.env, options.kind);
    } catch (error) {
      if (error instanceof ConfigError) {
        process.stderr.write(`${label}: ${error.message}\nSee README.md, "Configuration".\n`);
        process.exit(1);
      }
      throw error;
    }
  }

  const config = readConfig();
  /**
   * `single`: one process does everything. With CARENET_HTTP_WORKERS above 1, the process started
   * (`background`) runs the relays, consumers and clocks and forks the HTTP workers
   * (`http-worker`), which serve the FHIR API on one port (node:cluster) with their own pools.
   */
  const role = config.httpWorkers <= 1 ? 'single' : cluster.isPrimary ? 'background' : 'http-worker';
  const logger = pino({
    level: config.logLevel,
    // Errors without the statement values drivers attach to them (request-log.ts).
    serializers: logSerializers,
    base: {
      service: options.name,
      version: CARENET_VERSION,
      ...(cluster.worker !== undefined && { worker: cluster.worker.id }),
    },
  });
  const startedAt = new Date().toISOString();

  /** A start that cannot complete says why, once, and exits (no stack trace on the console). */
  async function orFail<T>(what: string, step: Promise<T>): Promise<T> {
    try {
      return await step;
    } catch (error) {
      logger.fatal({ err: error }, `cannot start: ${what}: ${(error as Error).message}`);
      process.exit(1);
    }
  }

  const { db, description: database } = await orFail('opening the database', openDatabase(config, logger));
  const topicKey =
    config.topicProtection ??
    (options.topicProtection === undefined
      ? undefined
      : await orFail('the topic key', options.topicProtection(config, logger)));
  const services = await orFail(
    'opening the services',
    options.compose({ config, logger, db, topicProtection: topicKey, background: role !== 'http-worker' }),
  );
  const {
    authenticator,
    devIssuer,
    description: authentication,
  } = await orFail('setting up authentication', openAuthentication(config));
  /** What the listening line says, once the FHIR API is up (after every worker listens). */
  const listeningDetails = {
    port: config.port,
    host: config.host,
    fhirBase: config.publicBaseUrl,
    mode: config.mode,
    database,
    authentication,
    kafka: config.kafkaBrokers ?? 'none (events stay in the store log)',
    ...(role === 'background' && { httpWorkers: config.httpWorkers }),
    metrics: config.metricsPort === undefined ? '/metrics' : `port ${config.metricsPort}, /metrics`,
  };

  /**
   * `/metrics`: this process's own (single), or every process's aggregated (with HTTP workers: the
   * background process gathers them; a worker serving the main port asks it).
   */
  const ownMetrics = processMetrics();
  const metrics = role === 'single' ? ownMetrics : role === 'background' ? clusterMetrics() : workerMetrics();
  if (config.metricsPort !== undefined && role !== 'http-worker') {
    serveMetrics(metrics, config.metricsPort, config.host, (error) => {
      const reason =
        error.code === 'EADDRINUSE'
          ? `port ${config.metricsPort} on ${config.host} is already in use (set CARENET_METRICS_PORT to another port)`
          : error.message;
      logger.fatal({ err: error }, `cannot serve metrics: ${reason}`);
      process.exit(1);
    });
  }
  // The workers' /readyz reports the relays and consumers, which run here.
  if (role === 'background') shareHealthWithWorkers(() => services.health());

  if (role === 'background') runWorkers();
  else serveHttp();

  /** This process serves the FHIR API (alone, or as one HTTP worker of several). */
  function serveHttp(): void {
    const smart = smartConfiguration(
      config,
      devIssuer === undefined ? undefined : { issuer: devIssuer.issuer, jwksPath: DEV_ISSUER_JWKS_PATH },
      services.providers.map((p) => p.type),
    );
    const cors = corsMiddleware(config.corsOrigins);
    const fhir = fhirRouter({
      providers: services.providers,
      validator: services.validator,
      publicBaseUrl: config.publicBaseUrl,
      logger,
      search: { registry: services.registry },
      authenticator,
      // Every read, search and history of patient data goes through the access decision (issue 18).
      access: services.access,
      // Every access to patient data leaves an audit record, durable before the answer (issue 18).
      audit: services.audit,
      bundle: { maxEntries: config.bundleMaxEntries },
      capability: {
        softwareVersion: CARENET_VERSION,
        startedAt,
        operationDefinitions: services.operationDefinitions,
        security: {
          smart: true,
          cors: config.corsOrigins.length > 0,
          ...(smart !== undefined && { oauthUris: { token: smart.token_endpoint } }),
          description:
            'SMART Backend Services: every request but the CapabilityStatement, the OperationDefinitions and ' +
            'the SMART configuration carries a JWT bearer token of the configured issuer with SMART v1 or v2 scopes',
        },
      },
    });
    const databasePing = databaseHealth(db);
    const components = role === 'http-worker' ? healthFromBackgroundProcess() : () => services.health();
    const app = createApp({
      logger,
      fhir,
      readiness: () => readiness(databasePing, components),
      ...(config.metricsPort === undefined && { metrics }),
      ...(cors !== undefined && { cors }),
      ...(smart !== undefined && { smartConfiguration: smart }),
      operationDefinitions: operationDefinitionRouter(services.operationDefinitions, logger),
      ...(devIssuer !== undefined && {
        devIssuer: { jwksPath: DEV_ISSUER_JWKS_PATH, jwks: () => devIssuer.jwks() },
      }),
    });

    const server: Server = listenOrExit(app, config, logger);
    server.on('listening', () => {
      // An HTTP worker leaves the line to the process that forked it, once all of them listen.
      if (role === 'single')
        logger.info(listeningDetails, `${label} listening: FHIR at ${config.publicBaseUrl}`);
    });

    let stopping = false;
    function shutdown(signal: string): void {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'shutting down');
      setTimeout(() => process.exit(0), 5000).unref();
      server.close(() => {
        stopServices();
      });
      server.closeAllConnections();
    }
    process.once('SIGTERM', shutdown);
    process.once('SIGINT', shutdown);
    // The process that forked this worker is gone: nothing supervises it any more.
    if (role === 'http-worker')
      process.once('disconnect', () => {
        shutdown('disconnect');
      });
  }

  /**
   * This process runs the background work and supervises `httpWorkers` HTTP workers: one that
   * exits after it served is replaced; one that exits before it could listen means the start
   * cannot complete (the port is taken…), so the gateway stops and says why.
   */
  function runWorkers(): void {
    let stopping = false;
    const listening = new Set<number>();
    let announced = false;
    cluster.on('listening', (worker) => {
      listening.add(worker.id);
      if (!announced && listening.size === config.httpWorkers) {
        announced = true;
        logger.info(listeningDetails, `${label} listening: FHIR at ${config.publicBaseUrl}`);
      }
    });
    cluster.on('exit', (worker, code, signal) => {
      if (stopping) return;
      if (!listening.has(worker.id)) {
        logger.fatal(
          { worker: worker.id, code, signal },
          'cannot start: an HTTP worker exited before it listened',
        );
        stopping = true;
        for (const other of Object.values(cluster.workers ?? {})) other?.process.kill('SIGTERM');
        stopServices(1);
        return;
      }
      listening.delete(worker.id);
      logger.error({ worker: worker.id, code, signal }, 'an HTTP worker exited: starting another');
      cluster.fork();
    });
    for (let i = 0; i < config.httpWorkers; i++) cluster.fork();

    function shutdown(signal: NodeJS.Signals): void {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'shutting down');
      setTimeout(() => process.exit(0), 8000).unref();
      const workers = Object.values(cluster.workers ?? {}).filter((w) => w !== undefined);
      let left = workers.length;
      if (left === 0) stopServices();
      for (const worker of workers) {
        worker.once('exit', () => {
          left -= 1;
          if (left === 0) stopServices();
        });
        worker.process.kill('SIGTERM');
      }
    }
    process.once('SIGTERM', shutdown);
    process.once('SIGINT', shutdown);
  }

  /** Stops the services and the database, then the process. */
  function stopServices(code = 0): void {
    services
      .stop()
      .then(() => db.close())
      .catch((error: unknown) => {
        logger.error({ err: error }, 'error while stopping');
      })
      .finally(() => process.exit(code));
  }
}
