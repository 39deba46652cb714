// The Kafka security of the environment (issue 20): KAFKA_SASL_* and KAFKA_SSL* read into what
// kafkajs takes, and every misconfiguration named by its variable, never by its value.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { kafkaClientSecurity, kafkaSecurityFromEnv } from '../src/index.js';

describe('kafkaSecurityFromEnv', () => {
  it('none: a plaintext, anonymous client', () => {
    expect(kafkaSecurityFromEnv({})).toEqual({ problems: [] });
    expect(kafkaClientSecurity(undefined)).toEqual({});
  });

  it('SCRAM with a password or a password file; TLS with a CA file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'carenet-kafka-security-'));
    writeFileSync(join(dir, 'password'), 's3cret\n');
    writeFileSync(join(dir, 'ca.pem'), '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    const { security, problems } = kafkaSecurityFromEnv({
      KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
      KAFKA_SASL_USERNAME: 'carenet-tasks',
      KAFKA_SASL_PASSWORD_FILE: join(dir, 'password'),
      KAFKA_SSL_CA_FILE: join(dir, 'ca.pem'),
    });
    expect(problems).toEqual([]);
    expect(kafkaClientSecurity(security)).toEqual({
      sasl: { mechanism: 'scram-sha-512', username: 'carenet-tasks', password: 's3cret' },
      ssl: { ca: ['-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'] },
    });
    expect(kafkaClientSecurity(kafkaSecurityFromEnv({ KAFKA_SSL: 'true' }).security)).toEqual({ ssl: true });
  });

  it('names each problem by its variable, never a value', () => {
    const problems = (env: Record<string, string>) => kafkaSecurityFromEnv(env).problems.join(' | ');
    expect(problems({ KAFKA_SASL_MECHANISM: 'kerberos' })).toContain('KAFKA_SASL_MECHANISM: must be one of');
    expect(problems({ KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'hunter2' })).toContain(
      'KAFKA_SASL_MECHANISM: required',
    );
    expect(problems({ KAFKA_SASL_MECHANISM: 'scram-sha-256' })).toMatch(
      /KAFKA_SASL_USERNAME: required.*KAFKA_SASL_PASSWORD: required/,
    );
    // PLAIN sends the password in clear: only over TLS.
    expect(
      problems({ KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'hunter2' }),
    ).toContain('plain sends the password in clear');
    expect(
      kafkaSecurityFromEnv({
        KAFKA_SASL_MECHANISM: 'plain',
        KAFKA_SASL_USERNAME: 'u',
        KAFKA_SASL_PASSWORD: 'hunter2',
        KAFKA_SSL: 'true',
      }).problems,
    ).toEqual([]);
    expect(problems({ KAFKA_SSL: 'yes' })).toContain('KAFKA_SSL: must be true or false');
    expect(problems({ KAFKA_SSL_CA_FILE: '/nonexistent/ca.pem' })).toContain(
      'KAFKA_SSL_CA_FILE: cannot read',
    );
    expect(
      problems({
        KAFKA_SASL_MECHANISM: 'scram-sha-512',
        KAFKA_SASL_USERNAME: 'u',
        KAFKA_SASL_PASSWORD: 'hunter2',
        KAFKA_SASL_PASSWORD_FILE: '/nonexistent',
      }),
    ).not.toContain('hunter2');
  });
});
