import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from '../src/config.js';

describe('gateway configuration', () => {
  it('has documented defaults: port 8080 on loopback, FHIR base on localhost', () => {
    expect(loadConfig({})).toEqual({
      port: 8080,
      host: '127.0.0.1',
      publicBaseUrl: 'http://localhost:8080/fhir',
      logLevel: 'info',
      mode: 'embedded',
      dataDir: '.carenet',
      databasePoolSize: 20,
      databasePrepare: true,
      httpWorkers: 1,
      kafkaTopics: { partitions: 6, replicationFactor: 1 },
      readyRelayStallMs: 30_000,
      auth: { kind: 'dev-issuer', audience: 'http://localhost:8080/fhir' },
      corsOrigins: [],
      maxTokenLifetimeSeconds: 3600,
      bundleMaxEntries: 100,
      documentMaxInlineBytes: 524_288,
    });
  });

  it('serves /metrics on a port of its own when told, and reads how long a relay may stall', () => {
    expect(loadConfig({ CARENET_METRICS_PORT: '9464', CARENET_READY_RELAY_STALL_MS: '60000' })).toMatchObject(
      {
        port: 8080,
        metricsPort: 9464,
        readyRelayStallMs: 60_000,
      },
    );
    expect(loadConfig({ CARENET_METRICS_PORT: '' }).metricsPort).toBeUndefined();
    expect(() => loadConfig({ PORT: '9000', CARENET_METRICS_PORT: '9000' })).toThrow(
      'CARENET_METRICS_PORT: must differ from PORT',
    );
  });

  it('sizes the PostgreSQL pool and turns prepared statements off for a pooler', () => {
    expect(loadConfig({ CARENET_PG_POOL_SIZE: '40', CARENET_PG_PREPARE: 'off' })).toMatchObject({
      databasePoolSize: 40,
      databasePrepare: false,
    });
  });

  it('bounds the inline attachment data of a Communication or DocumentReference: 512 KiB by default, 0 to 700 KiB', () => {
    expect(loadConfig({ CARENET_DOCUMENT_MAX_INLINE_BYTES: '0' }).documentMaxInlineBytes).toBe(0);
    expect(() => loadConfig({ CARENET_DOCUMENT_MAX_INLINE_BYTES: '1048576' })).toThrow(
      'CARENET_DOCUMENT_MAX_INLINE_BYTES: must be between 0 and 716800 (bytes) (got "1048576")',
    );
  });

  it('bounds the entries of a batch or transaction Bundle: 100 by default, 1 to 1000', () => {
    expect(loadConfig({}).bundleMaxEntries).toBe(100);
    expect(loadConfig({ CARENET_BUNDLE_MAX_ENTRIES: '500' }).bundleMaxEntries).toBe(500);
    expect(() => loadConfig({ CARENET_BUNDLE_MAX_ENTRIES: '0' })).toThrow(
      'CARENET_BUNDLE_MAX_ENTRIES: must be between 1 and 1000 (got "0")',
    );
  });

  it('serves HTTP from several processes on PostgreSQL only', () => {
    const db = 'postgres://carenet@db.example.org:5432/carenet';
    expect(loadConfig({ CARENET_HTTP_WORKERS: '2', DATABASE_URL: db }).httpWorkers).toBe(2);
    expect(() => loadConfig({ CARENET_HTTP_WORKERS: '2' })).toThrow(
      'CARENET_HTTP_WORKERS: above 1 needs PostgreSQL (DATABASE_URL)',
    );
    expect(() => loadConfig({ CARENET_HTTP_WORKERS: '0', DATABASE_URL: db })).toThrow(
      'CARENET_HTTP_WORKERS: must be between 1 and 64 (got "0")',
    );
  });

  it('verifies tokens of a configured issuer when given its JWKS', () => {
    const config = loadConfig({
      CARENET_MODE: 'distributed',
      DATABASE_URL: 'postgres://carenet@db.example.org:5432/carenet',
      KAFKA_BROKERS: 'kafka-1:9092,kafka-2:9092',
      CARENET_AUTH_ISSUER: 'https://idp.example.org',
      CARENET_AUTH_AUDIENCE: 'https://carenet.example.org/fhir',
      CARENET_AUTH_JWKS_URL: 'https://idp.example.org/jwks.json',
      CARENET_TOPIC_PROTECTION_KEY: Buffer.alloc(32, 1).toString('base64url'),
    });
    expect(config).toMatchObject({
      mode: 'distributed',
      databaseUrl: 'postgres://carenet@db.example.org:5432/carenet',
      kafkaBrokers: ['kafka-1:9092', 'kafka-2:9092'],
      auth: {
        kind: 'jwks',
        issuer: 'https://idp.example.org',
        audience: 'https://carenet.example.org/fhir',
        jwksUrl: 'https://idp.example.org/jwks.json',
      },
    });
  });

  it.each([
    [
      { CARENET_MODE: 'distributed', DATABASE_URL: 'postgres://h/db' },
      'CARENET_AUTH_JWKS_URL: required in the distributed mode',
    ],
    [{ CARENET_AUTH_JWKS_FILE: '/k.json' }, 'CARENET_AUTH_ISSUER: required with a JWKS'],
    [
      {
        CARENET_AUTH_ISSUER: 'https://i',
        CARENET_AUTH_JWKS_FILE: '/k.json',
        CARENET_AUTH_JWKS_URL: 'https://i/k',
      },
      'set one of them, not both',
    ],
    [{ CARENET_MODE: 'production' }, 'CARENET_MODE: must be embedded or distributed'],
    [{ DATABASE_URL: 'mysql://h/db' }, 'DATABASE_URL: must be a postgres:// or postgresql:// URL'],
    [{ KAFKA_BROKERS: 'localhost' }, 'KAFKA_BROKERS: must be host:port'],
    [{ CARENET_PG_POOL_SIZE: '0' }, 'CARENET_PG_POOL_SIZE: must be between 1 and 500'],
    [{ CARENET_PG_PREPARE: 'yes' }, 'CARENET_PG_PREPARE: must be on or off'],
    [{ CARENET_METRICS_PORT: 'metrics' }, 'CARENET_METRICS_PORT: must be a number (got "metrics")'],
    [{ CARENET_METRICS_PORT: '65536' }, 'CARENET_METRICS_PORT: must be between 1 and 65535'],
    [
      { CARENET_READY_RELAY_STALL_MS: '30s' },
      'CARENET_READY_RELAY_STALL_MS: must be a number of milliseconds',
    ],
    [
      { CARENET_READY_RELAY_STALL_MS: '500' },
      'CARENET_READY_RELAY_STALL_MS: must be between 1000 and 86400000',
    ],
  ])('refuses %j: %s', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('reads PORT, and derives the public base URL from it', () => {
    const config = loadConfig({ PORT: '9090', CARENET_LOG_LEVEL: 'debug' });
    expect(config.port).toBe(9090);
    expect(config.publicBaseUrl).toBe('http://localhost:9090/fhir');
    expect(config.logLevel).toBe('debug');
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ PORT: '' }).port).toBe(8080);
  });

  it('keeps an explicit public base URL, without its trailing slash', () => {
    expect(loadConfig({ CARENET_PUBLIC_BASE_URL: 'https://fhir.example.org/carenet/' }).publicBaseUrl).toBe(
      'https://fhir.example.org/carenet',
    );
  });

  it.each([
    ['PORT', 'abc', 'PORT: must be a number (got "abc")'],
    ['PORT', '70000', 'PORT: must be between 1 and 65535 (got "70000")'],
    ['PORT', '80.5', 'PORT: must be a whole number (got "80.5")'],
    ['CARENET_LOG_LEVEL', 'loud', 'CARENET_LOG_LEVEL: must be one of'],
    ['CARENET_PUBLIC_BASE_URL', 'not a url', 'CARENET_PUBLIC_BASE_URL: must be an absolute http(s) URL'],
  ])('rejects %s=%s with a message naming the variable', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(message);
  });

  it('reports every bad variable at once', () => {
    const attempt = () => loadConfig({ PORT: '0', CARENET_LOG_LEVEL: 'loud' });
    expect(attempt).toThrow(
      expect.objectContaining({
        problems: [expect.stringContaining('PORT'), expect.stringContaining('CARENET_LOG_LEVEL')],
      }),
    );
  });
});

describe('gateway configuration: Kafka topics', () => {
  it('creates missing topics with 6 partitions and 1 replica unless told otherwise', () => {
    expect(loadConfig({}).kafkaTopics).toEqual({ partitions: 6, replicationFactor: 1 });
    expect(
      loadConfig({ CARENET_KAFKA_PARTITIONS: '12', CARENET_KAFKA_REPLICATION: '3' }).kafkaTopics,
    ).toEqual({ partitions: 12, replicationFactor: 3 });
  });

  it.each([
    ['CARENET_KAFKA_PARTITIONS', '0', 'CARENET_KAFKA_PARTITIONS: must be between 1 and 1000 (got "0")'],
    ['CARENET_KAFKA_PARTITIONS', 'many', 'CARENET_KAFKA_PARTITIONS: must be a number'],
    ['CARENET_KAFKA_REPLICATION', '1.5', 'CARENET_KAFKA_REPLICATION: must be a whole number'],
  ])('rejects %s=%s', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(message);
  });
});

describe('gateway configuration: CORS and the token endpoint', () => {
  it('allows no browser origin by default, the listed origins, or any with * alone', () => {
    expect(loadConfig({}).corsOrigins).toEqual([]);
    expect(
      loadConfig({ CARENET_CORS_ORIGINS: 'https://app.example.org, http://localhost:3000/' }).corsOrigins,
    ).toEqual(['https://app.example.org', 'http://localhost:3000']);
    expect(loadConfig({ CARENET_CORS_ORIGINS: '*' }).corsOrigins).toEqual(['*']);
  });

  it.each([
    ['https://app.example.org/path', 'CARENET_CORS_ORIGINS: must be * or a comma-separated list of origins'],
    ['app.example.org', 'CARENET_CORS_ORIGINS: must be * or a comma-separated list of origins'],
    ['https://*.example.org', 'CARENET_CORS_ORIGINS: must be * or a comma-separated list of origins'],
    ['*,https://app.example.org', 'CARENET_CORS_ORIGINS: must be * alone'],
  ])('rejects CARENET_CORS_ORIGINS=%s', (value, message) => {
    expect(() => loadConfig({ CARENET_CORS_ORIGINS: value })).toThrow(message);
  });

  it('caps the token lifetime at an hour, or as configured between a minute and a day', () => {
    expect(loadConfig({ CARENET_AUTH_MAX_TOKEN_LIFETIME: '300' }).maxTokenLifetimeSeconds).toBe(300);
    for (const value of ['30', '100000', 'an hour', '1.5']) {
      expect(() => loadConfig({ CARENET_AUTH_MAX_TOKEN_LIFETIME: value })).toThrow(
        'CARENET_AUTH_MAX_TOKEN_LIFETIME: must',
      );
    }
  });

  it('reads the topic key (32 bytes, base64url), required in the distributed mode with Kafka', () => {
    const key = Buffer.alloc(32, 7);
    expect(loadConfig({ CARENET_TOPIC_PROTECTION_KEY: key.toString('base64url') }).topicProtection).toEqual({
      key,
    });
    expect(loadConfig({ KAFKA_BROKERS: 'k:9092' })).not.toHaveProperty('topicProtection');
    expect(() => loadConfig({ CARENET_TOPIC_PROTECTION_KEY: 'c2hvcnQ' })).toThrow(
      'CARENET_TOPIC_PROTECTION_KEY: 5 bytes where an AES-256 key has 32',
    );
    const distributed = {
      CARENET_MODE: 'distributed',
      DATABASE_URL: 'postgres://h/db',
      CARENET_AUTH_ISSUER: 'https://i',
      CARENET_AUTH_JWKS_FILE: '/k.json',
      KAFKA_BROKERS: 'k:9092',
    };
    expect(() => loadConfig(distributed, 'service')).toThrow(ConfigError);
    expect(() => loadConfig(distributed, 'service')).toThrow(
      'CARENET_TOPIC_PROTECTION_KEY: required by a service process with KAFKA_BROKERS',
    );
    expect(
      loadConfig({ ...distributed, CARENET_TOPIC_PROTECTION_KEY: key.toString('base64url') }, 'service')
        .topicProtection,
    ).toEqual({ key });
  });

  it('asks a service process for its database, Kafka and an external issuer; not the distributed gateway', () => {
    const key = Buffer.alloc(32, 7);
    const issuer = { CARENET_AUTH_ISSUER: 'https://i', CARENET_AUTH_JWKS_FILE: '/k.json' };
    expect(() => loadConfig(issuer, 'service')).toThrow('DATABASE_URL: required by a service process');
    expect(() => loadConfig(issuer, 'service')).toThrow('KAFKA_BROKERS: required by a service process');
    expect(() => loadConfig({ DATABASE_URL: 'postgres://h/db', KAFKA_BROKERS: 'k:9092' }, 'service')).toThrow(
      'CARENET_AUTH_JWKS_URL: required in the distributed mode',
    );
    // A service process is distributed whatever CARENET_MODE says.
    expect(
      loadConfig(
        {
          ...issuer,
          DATABASE_URL: 'postgres://h/db',
          KAFKA_BROKERS: 'k:9092',
          CARENET_TOPIC_PROTECTION_KEY: key.toString('base64url'),
        },
        'service',
      ).mode,
    ).toBe('distributed');
    expect(loadConfig({ ...issuer, CARENET_MODE: 'distributed' }).mode).toBe('distributed');
  });

  it('reads the token endpoint of the authorization server', () => {
    expect(loadConfig({}).authTokenUrl).toBeUndefined();
    expect(loadConfig({ CARENET_AUTH_TOKEN_URL: 'https://auth.example.org/token' }).authTokenUrl).toBe(
      'https://auth.example.org/token',
    );
    expect(() => loadConfig({ CARENET_AUTH_TOKEN_URL: 'auth.example.org' })).toThrow(
      'CARENET_AUTH_TOKEN_URL: must be an absolute http(s) URL',
    );
  });
});
