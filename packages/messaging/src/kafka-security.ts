import { readFileSync } from 'node:fs';
import type { KafkaConfig } from 'kafkajs';

/** SASL mechanisms carenet's clients speak (kafkajs's names). */
export const KAFKA_SASL_MECHANISMS = ['scram-sha-512', 'scram-sha-256', 'plain'] as const;
export type KafkaSaslMechanism = (typeof KAFKA_SASL_MECHANISMS)[number];

/**
 * How a carenet process authenticates to Kafka (issue 20): its own principal by SASL (SCRAM, or
 * PLAIN over TLS only), and TLS to the brokers. None: a plaintext, anonymous connection (a local
 * broker without ACLs).
 */
export interface KafkaSecurity {
  readonly sasl?: {
    readonly mechanism: KafkaSaslMechanism;
    readonly username: string;
    readonly password: string;
  };
  /** TLS to the brokers; `ca`: the PEM certificates to trust instead of the system's. */
  readonly ssl?: { readonly ca?: string };
}

/** What kafkajs's `new Kafka({...})` takes of `security`. */
export function kafkaClientSecurity(security: KafkaSecurity | undefined): Pick<KafkaConfig, 'sasl' | 'ssl'> {
  if (security === undefined) return {};
  const { sasl, ssl } = security;
  return {
    ...(ssl !== undefined && { ssl: ssl.ca === undefined ? true : { ca: [ssl.ca] } }),
    ...(sasl !== undefined && {
      sasl:
        sasl.mechanism === 'plain'
          ? { mechanism: 'plain', username: sasl.username, password: sasl.password }
          : sasl.mechanism === 'scram-sha-256'
            ? { mechanism: 'scram-sha-256', username: sasl.username, password: sasl.password }
            : { mechanism: 'scram-sha-512', username: sasl.username, password: sasl.password },
    }),
  };
}

const blank = (value: string | undefined): string | undefined =>
  value === undefined || value.trim() === '' ? undefined : value;

/**
 * The Kafka security of the environment, shared by the gateway, the services and the CLI:
 * `KAFKA_SASL_MECHANISM` (scram-sha-512, scram-sha-256, plain), `KAFKA_SASL_USERNAME`,
 * `KAFKA_SASL_PASSWORD` (or `KAFKA_SASL_PASSWORD_FILE`), `KAFKA_SSL` (true/false),
 * `KAFKA_SSL_CA_FILE` (PEM; implies TLS). Problems are named, variable first, never a value.
 * PLAIN without TLS is refused: it sends the password in clear.
 */
export function kafkaSecurityFromEnv(env: Readonly<Record<string, string | undefined>>): {
  readonly security?: KafkaSecurity;
  readonly problems: readonly string[];
} {
  const problems: string[] = [];
  const mechanism = blank(env.KAFKA_SASL_MECHANISM)?.toLowerCase();
  const username = blank(env.KAFKA_SASL_USERNAME);
  let password = blank(env.KAFKA_SASL_PASSWORD);
  const passwordFile = blank(env.KAFKA_SASL_PASSWORD_FILE);
  const sslFlag = blank(env.KAFKA_SSL)?.toLowerCase();
  const caFile = blank(env.KAFKA_SSL_CA_FILE);

  if (sslFlag !== undefined && sslFlag !== 'true' && sslFlag !== 'false')
    problems.push('KAFKA_SSL: must be true or false');
  let ssl: KafkaSecurity['ssl'];
  if (caFile !== undefined) {
    try {
      ssl = { ca: readFileSync(caFile, 'utf8') };
    } catch {
      problems.push(`KAFKA_SSL_CA_FILE: cannot read ${caFile}`);
    }
    if (sslFlag === 'false') problems.push('KAFKA_SSL_CA_FILE: given with KAFKA_SSL=false');
  } else if (sslFlag === 'true') {
    ssl = {};
  }

  let sasl: KafkaSecurity['sasl'];
  if (passwordFile !== undefined) {
    if (password !== undefined)
      problems.push('KAFKA_SASL_PASSWORD, KAFKA_SASL_PASSWORD_FILE: set one of them, not both');
    try {
      password = readFileSync(passwordFile, 'utf8').trim();
    } catch {
      problems.push(`KAFKA_SASL_PASSWORD_FILE: cannot read ${passwordFile}`);
    }
  }
  if (mechanism === undefined) {
    if (username !== undefined || password !== undefined)
      problems.push(
        `KAFKA_SASL_MECHANISM: required with KAFKA_SASL_USERNAME (one of ${KAFKA_SASL_MECHANISMS.join(', ')})`,
      );
  } else if (!(KAFKA_SASL_MECHANISMS as readonly string[]).includes(mechanism)) {
    problems.push(`KAFKA_SASL_MECHANISM: must be one of ${KAFKA_SASL_MECHANISMS.join(', ')}`);
  } else {
    if (username === undefined) problems.push('KAFKA_SASL_USERNAME: required with KAFKA_SASL_MECHANISM');
    if (password === undefined)
      problems.push('KAFKA_SASL_PASSWORD: required with KAFKA_SASL_MECHANISM (or KAFKA_SASL_PASSWORD_FILE)');
    if (mechanism === 'plain' && ssl === undefined)
      problems.push(
        'KAFKA_SASL_MECHANISM: plain sends the password in clear; use it with KAFKA_SSL=true, or SCRAM',
      );
    if (username !== undefined && password !== undefined)
      sasl = { mechanism: mechanism as KafkaSaslMechanism, username, password };
  }
  if (problems.length > 0) return { problems };
  const security: KafkaSecurity = {
    ...(sasl !== undefined && { sasl }),
    ...(ssl !== undefined && { ssl }),
  };
  return sasl === undefined && ssl === undefined ? { problems } : { security, problems };
}
