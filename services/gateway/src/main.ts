import type { Server } from 'node:http';
import { buildCapabilityStatement } from '@carenet/fhir';
import { pino } from 'pino';
import { ConfigError, loadConfig, type GatewayConfig } from './config.js';
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
const capabilityStatement = buildCapabilityStatement({
  baseUrl: config.publicBaseUrl,
  softwareVersion: CARENET_VERSION,
  startedAt: new Date().toISOString(),
  resources: [],
});
const app = createApp({ logger, capabilityStatement });

const server: Server = app.listen(config.port, config.host);
server.on('listening', () => {
  logger.info(
    { port: config.port, host: config.host, fhirBase: config.publicBaseUrl },
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
  server.close(() => process.exit(0));
  server.closeAllConnections();
  setTimeout(() => process.exit(0), 5000).unref();
}
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
