import {
  InvalidTopicProtectionKeyError,
  kafkaSecurityFromEnv,
  topicProtection,
  type KafkaSecurity,
  type TopicProtection,
} from '@carenet/messaging';
import { z } from 'zod';

/**
 * The gateway's configuration, read once from the environment at start and schema-checked.
 * Every variable, its default and its meaning is listed in the README ("Configuration").
 */
export interface GatewayConfig {
  /** TCP port of the HTTP server (FHIR at /fhir). */
  readonly port: number;
  /** Interface to listen on; loopback unless told otherwise. */
  readonly host: string;
  /** The FHIR base URL clients see (CapabilityStatement.implementation.url, links). */
  readonly publicBaseUrl: string;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** `embedded`: every service in this process, PGlite by default, the dev issuer allowed. */
  readonly mode: 'embedded' | 'distributed';
  /** Where the embedded mode keeps its data (PGlite, the dev issuer's keys). */
  readonly dataDir: string;
  /** PostgreSQL; unset in the embedded mode: PGlite under `dataDir`. */
  readonly databaseUrl?: string;
  /** Connections of the PostgreSQL pool. */
  readonly databasePoolSize: number;
  /** Prepare constant statements once per connection (off behind a pooler that cannot keep them). */
  readonly databasePrepare: boolean;
  /**
   * Processes serving HTTP (node:cluster workers on one port), each with its own pool; above 1,
   * the first process runs the background work (relays, consumers, clocks) and serves no HTTP.
   */
  readonly httpWorkers: number;
  /** Kafka brokers: events are published there (relay) when set. */
  readonly kafkaBrokers?: readonly string[];
  /** This process's Kafka principal (SASL) and TLS (KAFKA_SASL_*, KAFKA_SSL*), when set. */
  readonly kafkaSecurity?: KafkaSecurity;
  /**
   * The topic key (CARENET_TOPIC_PROTECTION_KEY): the relays seal the personal data the contracts
   * mark "sealed" with it, the consumers open it; unset, the relays leave those values out
   * (contracts/README.md, "Personal data on the topics"). Required in the distributed mode with Kafka.
   */
  readonly topicProtection?: TopicProtection;
  /** How the topics this process publishes to (and its dead-letter topics) are created when missing. */
  readonly kafkaTopics: { readonly partitions: number; readonly replicationFactor: number };
  /** When set, `/metrics` is served on this port (same host) instead of the main port. */
  readonly metricsPort?: number;
  /** How long a relay may fail to publish before `/readyz` says not ready (ms). */
  readonly readyRelayStallMs: number;
  readonly auth: AuthConfig;
  /** The longest lifetime of an accepted bearer token, in seconds (CARENET_AUTH_MAX_TOKEN_LIFETIME). */
  readonly maxTokenLifetimeSeconds: number;
  /**
   * The authorization server's token endpoint (SMART discovery, CapabilityStatement); unset: the
   * embedded dev issuer's placeholder, or none with an external issuer.
   */
  readonly authTokenUrl?: string;
  /** Browser origins allowed to call the API (CORS): exact origins, or `*` for any; empty: no CORS. */
  readonly corsOrigins: readonly string[];
  /** Entries of a batch or transaction Bundle at most (CARENET_BUNDLE_MAX_ENTRIES; 413 beyond). */
  readonly bundleMaxEntries: number;
  /**
   * Inline attachment data of a Communication or DocumentReference at most, decoded bytes
   * (CARENET_DOCUMENT_MAX_INLINE_BYTES; 413 beyond).
   */
  readonly documentMaxInlineBytes: number;
}

/** How bearer tokens are verified: an external issuer's JWKS, or the embedded dev issuer. */
export type AuthConfig =
  | {
      readonly kind: 'jwks';
      readonly issuer: string;
      readonly audience: string;
      readonly jwksUrl?: string;
      readonly jwksFile?: string;
    }
  | { readonly kind: 'dev-issuer'; readonly issuer?: string; readonly audience: string };

/** A configuration value is missing or wrong: the process must not start. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** A browser origin: scheme, host and optional port, nothing else (no path, no wildcard). */
const ORIGIN = /^https?:\/\/[a-z0-9.-]+(?::\d{1,5})?$|^https?:\/\/\[[0-9a-f:.]+\](?::\d{1,5})?$/i;

// An empty variable (`PORT=`) counts as unset.
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === '' ? undefined : value), schema);

const schema = z.object({
  PORT: optional(
    z.coerce
      .number({ error: 'must be a number' })
      .int('must be a whole number')
      .min(1, 'must be between 1 and 65535')
      .max(65535, 'must be between 1 and 65535')
      .default(8080),
  ),
  CARENET_HOST: optional(z.string().default('127.0.0.1')),
  CARENET_PUBLIC_BASE_URL: optional(
    z
      .url({ protocol: /^https?$/, error: 'must be an absolute http(s) URL' })
      .transform((url) => url.replace(/\/+$/, ''))
      .optional(),
  ),
  CARENET_LOG_LEVEL: optional(
    z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
        error: 'must be one of fatal, error, warn, info, debug, trace, silent',
      })
      .default('info'),
  ),
  CARENET_MODE: optional(
    z.enum(['embedded', 'distributed'], { error: 'must be embedded or distributed' }).default('embedded'),
  ),
  CARENET_DATA_DIR: optional(z.string().default('.carenet')),
  DATABASE_URL: optional(
    z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// or postgresql:// URL' }).optional(),
  ),
  CARENET_PG_POOL_SIZE: optional(
    z.coerce
      .number({ error: 'must be a number' })
      .int('must be a whole number')
      .min(1, 'must be between 1 and 500')
      .max(500, 'must be between 1 and 500')
      .default(20),
  ),
  CARENET_PG_PREPARE: optional(z.enum(['on', 'off'], { error: 'must be on or off' }).default('on')),
  CARENET_BUNDLE_MAX_ENTRIES: optional(
    z.coerce
      .number({ error: 'must be a number' })
      .int('must be a whole number')
      .min(1, 'must be between 1 and 1000')
      .max(1000, 'must be between 1 and 1000')
      .default(100),
  ),
  // Base64 inflates by 4/3: 700 KiB of data is about 933 KB of JSON, under the 1 MB body limit.
  CARENET_DOCUMENT_MAX_INLINE_BYTES: optional(
    z.coerce
      .number({ error: 'must be a number of bytes' })
      .int('must be a whole number of bytes')
      .min(0, 'must be between 0 and 716800 (bytes)')
      .max(716_800, 'must be between 0 and 716800 (bytes)')
      .default(524_288),
  ),
  CARENET_HTTP_WORKERS: optional(
    z.coerce
      .number({ error: 'must be a number' })
      .int('must be a whole number')
      .min(1, 'must be between 1 and 64')
      .max(64, 'must be between 1 and 64')
      .default(1),
  ),
  CARENET_METRICS_PORT: optional(
    z.coerce
      .number({ error: 'must be a number' })
      .int('must be a whole number')
      .min(1, 'must be between 1 and 65535')
      .max(65535, 'must be between 1 and 65535')
      .optional(),
  ),
  CARENET_READY_RELAY_STALL_MS: optional(
    z.coerce
      .number({ error: 'must be a number of milliseconds' })
      .int('must be a whole number of milliseconds')
      .min(1000, 'must be between 1000 and 86400000 (ms)')
      .max(86_400_000, 'must be between 1000 and 86400000 (ms)')
      .default(30_000),
  ),
  KAFKA_BROKERS: optional(
    z
      .string()
      .regex(/^[^\s,:]+:\d{1,5}(,[^\s,:]+:\d{1,5})*$/, 'must be host:port[,host:port...]')
      .optional(),
  ),
  CARENET_TOPIC_PROTECTION_KEY: optional(z.string().optional()),
  CARENET_KAFKA_PARTITIONS: optional(
    z.coerce
      .number({ error: 'must be a number' })
      .int('must be a whole number')
      .min(1, 'must be between 1 and 1000')
      .max(1000, 'must be between 1 and 1000')
      .default(6),
  ),
  CARENET_KAFKA_REPLICATION: optional(
    z.coerce
      .number({ error: 'must be a number' })
      .int('must be a whole number')
      .min(1, 'must be between 1 and 10')
      .max(10, 'must be between 1 and 10')
      .default(1),
  ),
  CARENET_AUTH_ISSUER: optional(z.string().min(1).optional()),
  CARENET_AUTH_AUDIENCE: optional(z.string().min(1).optional()),
  CARENET_AUTH_JWKS_URL: optional(
    z.url({ protocol: /^https?$/, error: 'must be an absolute http(s) URL' }).optional(),
  ),
  CARENET_AUTH_JWKS_FILE: optional(z.string().min(1).optional()),
  CARENET_AUTH_MAX_TOKEN_LIFETIME: optional(
    z.coerce
      .number({ error: 'must be a number of seconds' })
      .int('must be a whole number of seconds')
      .min(60, 'must be between 60 and 86400 seconds')
      .max(86_400, 'must be between 60 and 86400 seconds')
      .default(3600),
  ),
  CARENET_AUTH_TOKEN_URL: optional(
    z.url({ protocol: /^https?$/, error: 'must be an absolute http(s) URL' }).optional(),
  ),
  CARENET_CORS_ORIGINS: optional(
    z
      .string()
      .transform((value) => value.split(',').map((origin) => origin.trim().replace(/\/+$/, '')))
      .refine(
        (origins) => origins.every((origin) => origin === '*' || ORIGIN.test(origin)),
        'must be * or a comma-separated list of origins such as https://app.example.org or http://localhost:3000',
      )
      .refine(
        (origins) => !origins.includes('*') || origins.length === 1,
        'must be * alone (any origin) or a list of origins, not both',
      )
      .optional(),
  ),
});

/**
 * What reads the configuration: the gateway (the embedded mode's every service, or the
 * distributed mode's stateless proxy), or a service's own process (always distributed: its own
 * PostgreSQL, Kafka, an external issuer).
 */
export type ProcessKind = 'gateway' | 'service';

/** Reads and checks the configuration; throws a ConfigError naming every bad variable. */
export function loadConfig(
  env: Readonly<Record<string, string | undefined>>,
  kind: ProcessKind = 'gateway',
): GatewayConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const name = issue.path.join('.');
        return `${name}: ${issue.message} (got ${JSON.stringify(env[name] ?? null)})`;
      }),
    );
  }
  const data = kind === 'service' ? { ...parsed.data, CARENET_MODE: 'distributed' as const } : parsed.data;
  const publicBaseUrl = data.CARENET_PUBLIC_BASE_URL ?? `http://localhost:${data.PORT}/fhir`;
  const problems: string[] = [];
  const jwks = data.CARENET_AUTH_JWKS_URL ?? data.CARENET_AUTH_JWKS_FILE;
  if (data.CARENET_AUTH_JWKS_URL !== undefined && data.CARENET_AUTH_JWKS_FILE !== undefined) {
    problems.push('CARENET_AUTH_JWKS_URL, CARENET_AUTH_JWKS_FILE: set one of them, not both');
  }
  if (jwks !== undefined && data.CARENET_AUTH_ISSUER === undefined) {
    problems.push('CARENET_AUTH_ISSUER: required with a JWKS (the issuer tokens must name)');
  }
  if (data.CARENET_MODE === 'distributed') {
    if (jwks === undefined) {
      problems.push(
        'CARENET_AUTH_JWKS_URL: required in the distributed mode (the dev issuer exists only in the embedded mode)',
      );
    }
    // The distributed gateway is a stateless proxy: only the services have a database and Kafka.
    if (kind === 'service') {
      if (data.DATABASE_URL === undefined) problems.push('DATABASE_URL: required by a service process');
      if (data.KAFKA_BROKERS === undefined)
        problems.push('KAFKA_BROKERS: required by a service process (the services talk through Kafka)');
    }
  }
  let protection: TopicProtection | undefined;
  if (data.CARENET_TOPIC_PROTECTION_KEY !== undefined) {
    try {
      protection = topicProtection(data.CARENET_TOPIC_PROTECTION_KEY);
    } catch (error) {
      if (!(error instanceof InvalidTopicProtectionKeyError)) throw error;
      problems.push(error.message);
    }
  } else if (kind === 'service' && data.KAFKA_BROKERS !== undefined) {
    problems.push(
      'CARENET_TOPIC_PROTECTION_KEY: required by a service process with KAFKA_BROKERS (the personal data the contracts seal on the topics)',
    );
  }
  const kafka = kafkaSecurityFromEnv(env);
  problems.push(...kafka.problems);
  if (data.CARENET_HTTP_WORKERS > 1 && data.DATABASE_URL === undefined) {
    problems.push(
      'CARENET_HTTP_WORKERS: above 1 needs PostgreSQL (DATABASE_URL): the embedded PGlite database lives in one process',
    );
  }
  if (data.CARENET_METRICS_PORT !== undefined && data.CARENET_METRICS_PORT === data.PORT) {
    problems.push('CARENET_METRICS_PORT: must differ from PORT (unset it to serve /metrics on PORT)');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const audience = data.CARENET_AUTH_AUDIENCE ?? publicBaseUrl;
  return {
    port: data.PORT,
    host: data.CARENET_HOST,
    publicBaseUrl,
    logLevel: data.CARENET_LOG_LEVEL,
    mode: data.CARENET_MODE,
    dataDir: data.CARENET_DATA_DIR,
    ...(data.DATABASE_URL !== undefined && { databaseUrl: data.DATABASE_URL }),
    databasePoolSize: data.CARENET_PG_POOL_SIZE,
    databasePrepare: data.CARENET_PG_PREPARE === 'on',
    httpWorkers: data.CARENET_HTTP_WORKERS,
    ...(data.KAFKA_BROKERS !== undefined && { kafkaBrokers: data.KAFKA_BROKERS.split(',') }),
    ...(kafka.security !== undefined && { kafkaSecurity: kafka.security }),
    ...(protection !== undefined && { topicProtection: protection }),
    kafkaTopics: {
      partitions: data.CARENET_KAFKA_PARTITIONS,
      replicationFactor: data.CARENET_KAFKA_REPLICATION,
    },
    ...(data.CARENET_METRICS_PORT !== undefined && { metricsPort: data.CARENET_METRICS_PORT }),
    readyRelayStallMs: data.CARENET_READY_RELAY_STALL_MS,
    ...(data.CARENET_AUTH_TOKEN_URL !== undefined && { authTokenUrl: data.CARENET_AUTH_TOKEN_URL }),
    corsOrigins: data.CARENET_CORS_ORIGINS ?? [],
    bundleMaxEntries: data.CARENET_BUNDLE_MAX_ENTRIES,
    documentMaxInlineBytes: data.CARENET_DOCUMENT_MAX_INLINE_BYTES,
    maxTokenLifetimeSeconds: data.CARENET_AUTH_MAX_TOKEN_LIFETIME,
    auth:
      jwks === undefined
        ? {
            kind: 'dev-issuer',
            audience,
            ...(data.CARENET_AUTH_ISSUER !== undefined && { issuer: data.CARENET_AUTH_ISSUER }),
          }
        : {
            kind: 'jwks',
            issuer: data.CARENET_AUTH_ISSUER ?? '',
            audience,
            ...(data.CARENET_AUTH_JWKS_URL !== undefined && { jwksUrl: data.CARENET_AUTH_JWKS_URL }),
            ...(data.CARENET_AUTH_JWKS_FILE !== undefined && { jwksFile: data.CARENET_AUTH_JWKS_FILE }),
          },
  };
}
