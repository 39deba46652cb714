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
}

/** A configuration value is missing or wrong: the process must not start. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

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
});

/** Reads and checks the configuration; throws a ConfigError naming every bad variable. */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): GatewayConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const name = issue.path.join('.');
        return `${name}: ${issue.message} (got ${JSON.stringify(env[name] ?? null)})`;
      }),
    );
  }
  const { PORT, CARENET_HOST, CARENET_PUBLIC_BASE_URL, CARENET_LOG_LEVEL } = parsed.data;
  return {
    port: PORT,
    host: CARENET_HOST,
    publicBaseUrl: CARENET_PUBLIC_BASE_URL ?? `http://localhost:${PORT}/fhir`,
    logLevel: CARENET_LOG_LEVEL,
  };
}
