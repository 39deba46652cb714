import type { Server } from 'node:http';
import { fhirRouter } from '@carenet/fhir';
import { pino } from 'pino';
import { DEV_ISSUER_JWKS_PATH, openAuthentication } from './authentication.js';
import { ConfigError, loadConfig, type GatewayConfig } from './config.js';
import { openDatabase } from './database.js';
import { openEmbeddedServices } from './embedded-services.js';
import { createApp } from './http/app.js';
import { CARENET_VERSION } from './version.js';

function readConfig(): GatewayConfig {
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`carenet gateway: ${error.message}\nSee README.md, "Configuration".\n`);
      process.exit(1);
    }
    throw error;
  }
}

const config = readConfig();
const logger = pino({ level: config.logLevel, base: { service: 'gateway', version: CARENET_VERSION } });
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

const { db, description: database } = await orFail('opening the database', openDatabase(config));
const services = await orFail(
  'opening the services',
  openEmbeddedServices({
    db,
    logger,
    ...(config.kafkaBrokers !== undefined && { kafkaBrokers: config.kafkaBrokers }),
  }),
);
const {
  authenticator,
  devIssuer,
  description: authentication,
} = await orFail('setting up authentication', openAuthentication(config));
const fhir = fhirRouter({
  providers: services.providers,
  validator: services.validator,
  publicBaseUrl: config.publicBaseUrl,
  logger,
  search: { registry: services.registry },
  authenticator,
  capability: { softwareVersion: CARENET_VERSION, startedAt },
});
const app = createApp({
  logger,
  fhir,
  ...(devIssuer !== undefined && {
    devIssuer: { jwksPath: DEV_ISSUER_JWKS_PATH, jwks: () => devIssuer.jwks() },
  }),
});

const server: Server = app.listen(config.port, config.host);
server.on('listening', () => {
  logger.info(
    {
      port: config.port,
      host: config.host,
      fhirBase: config.publicBaseUrl,
      mode: config.mode,
      database,
      authentication,
      kafka: config.kafkaBrokers ?? 'none (events stay in the store log)',
    },
    `carenet gateway listening: FHIR at ${config.publicBaseUrl}`,
  );
});
server.on('error', (error: NodeJS.ErrnoException) => {
  const reason =
    error.code === 'EADDRINUSE'
      ? `port ${config.port} on ${config.host} is already in use (set PORT to another port)`
      : error.message;
  logger.fatal({ err: error }, `cannot listen: ${reason}`);
  process.exit(1);
});

function shutdown(signal: NodeJS.Signals): void {
  logger.info({ signal }, 'shutting down');
  setTimeout(() => process.exit(0), 5000).unref();
  server.close(() => {
    services
      .stop()
      .then(() => db.close())
      .catch((error: unknown) => {
        logger.error({ err: error }, 'error while stopping');
      })
      .finally(() => process.exit(0));
  });
  server.closeAllConnections();
}
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
