// /readyz and /metrics of the gateway as a separate process (built output), on PostgreSQL: the
// readiness tells the truth (the database unreachable, the background process silent), and the
// metrics show HTTP requests by route pattern, consumers, the event store and Node's own.
import { Agent, request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { postgresDatabase } from '@carenet/eventsourcing';
import {
  createTestDatabase,
  devToken,
  freeLoopbackPort,
  startGatewayProcess,
  testKafkaBrokers,
  testServerUrl,
  type RunningGateway,
  type TestDatabase,
} from '@carenet/testing';
import { createWoundCareTask } from './support/fhir-requests.js';

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * A gateway on `env` whose every HTTP worker listens: with workers, `/healthz` answers as soon as
 * one does, the listening line once all do.
 */
async function startGateway(env: Record<string, string>): Promise<RunningGateway> {
  const gateway = await startGatewayProcess({ env, dataDirPrefix: 'carenet-gateway-health-' });
  await until('the listening line', () =>
    Promise.resolve(gateway.logs().includes('carenet gateway listening') ? true : undefined),
  );
  return gateway;
}

interface ReadyAnswer {
  status: number;
  body: {
    status: string;
    reasons?: string[];
    components: { name: string; ready: boolean; reason?: string }[];
  };
}

async function readyz(base: string): Promise<ReadyAnswer> {
  const response = await fetch(`${base}/readyz`);
  return { status: response.status, body: (await response.json()) as ReadyAnswer['body'] };
}

/** Runs SQL on the test server (as its superuser), outside the gateway's database. */
async function onServer(sql: string): Promise<void> {
  const server = postgresDatabase({ connectionString: testServerUrl(), max: 1, prepareStatements: false });
  try {
    await server.query(sql);
  } finally {
    await server.close();
  }
}

const databaseName = (url: string) => new URL(url).pathname.slice(1);

describe('gateway /readyz and /metrics (one process, PostgreSQL)', () => {
  let database: TestDatabase;
  let gateway: RunningGateway;

  beforeAll(async () => {
    database = await createTestDatabase('gateway_health');
    gateway = await startGateway({ DATABASE_URL: database.url, CARENET_PG_POOL_SIZE: '4' });
  });
  afterAll(async () => {
    await gateway.stop();
    await onServer(`ALTER DATABASE ${databaseName(database.url)} ALLOW_CONNECTIONS true`);
    await database.drop();
  });

  it('is ready with its database and its consumers, and says so component by component', async () => {
    const answer = await until('ready', async () => {
      const ready = await readyz(gateway.base);
      return ready.status === 200 ? ready : undefined;
    });
    expect(answer.body.status).toBe('ready');
    expect(answer.body.reasons).toBeUndefined();
    expect(answer.body.components).toEqual(
      expect.arrayContaining([
        { name: 'database', ready: true },
        { name: expect.stringMatching(/^consumer /) as unknown as string, ready: true },
      ]),
    );
  });

  it('serves Prometheus metrics without a token: HTTP by route pattern, consumers, event store, Node', async () => {
    const token = devToken(gateway, '--professional', '810000000001');
    const id = await createWoundCareTask(gateway.base, token);
    expect(
      (await fetch(`${gateway.base}/fhir/Task/${id}`, { headers: { authorization: `Bearer ${token}` } }))
        .status,
    ).toBe(200);

    const text = await until('a consumer applying the Task event', async () => {
      const response = await fetch(`${gateway.base}/metrics`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      const body = await response.text();
      return /carenet_consumer_messages_total\{group="[^"]+",outcome="applied"\} [1-9]/.test(body)
        ? body
        : undefined;
    });
    expect(text).toMatch(
      /carenet_http_requests_total\{method="POST",route="\/fhir\/:type",status="201"\} 1\n/,
    );
    expect(text).toMatch(
      /carenet_http_requests_total\{method="GET",route="\/fhir\/:type\/:id",status="200"\} 1\n/,
    );
    expect(text).toMatch(
      /carenet_http_request_duration_seconds_bucket\{le="[^"]+",method="POST",route="\/fhir\/:type"/,
    );
    expect(text).toMatch(/carenet_consumer_lag\{group="[^"]+",topic="store-log",partition="0"\} \d+/);
    expect(text).toMatch(
      /carenet_eventstore_append_seconds_count\{category="Task",outcome="appended"\} [1-9]/,
    );
    expect(text).toMatch(/carenet_process_cpu_user_seconds_total \d/);
    expect(text).toContain('# TYPE carenet_consumer_retries_total counter');
    // Routes are patterns: no resource id ever becomes a label.
    expect(text).not.toContain(id);
  });

  it('says not ready (503) with the reason while its database cannot be reached, and ready again after', async () => {
    const name = databaseName(database.url);
    await onServer(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
    await onServer(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${name}'`);
    const down = await until('not ready', async () => {
      const answer = await readyz(gateway.base);
      return answer.status === 503 ? answer : undefined;
    });
    expect(down.body.status).toBe('not-ready');
    expect(down.body.reasons).toEqual(
      expect.arrayContaining([expect.stringMatching(/^database: SELECT 1 failed: /)]),
    );
    expect(down.body.components).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'database', ready: false })]),
    );
    // Liveness is not readiness: the process is alive.
    expect((await fetch(`${gateway.base}/healthz`)).status).toBe(200);

    await onServer(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`);
    const up = await until('ready again', async () => {
      const answer = await readyz(gateway.base);
      return answer.status === 200 ? answer : undefined;
    });
    expect(up.body.status).toBe('ready');
  });
});

describe('gateway /readyz and /metrics on Kafka (relays and consumer groups)', () => {
  let database: TestDatabase;
  let gateway: RunningGateway;

  beforeAll(async () => {
    database = await createTestDatabase('gateway_health_kafka');
    gateway = await startGateway({ DATABASE_URL: database.url, KAFKA_BROKERS: testKafkaBrokers().join(',') });
  });
  afterAll(async () => {
    await gateway.stop();
    await database.drop();
  });

  it('is ready once its relays publish and its consumers joined their groups; the lag is per partition', async () => {
    const ready = await until(
      'ready',
      async () => {
        const answer = await readyz(gateway.base);
        return answer.status === 200 ? answer : undefined;
      },
      60_000,
    );
    const names = ready.body.components.map((c) => c.name);
    expect(names).toEqual(
      expect.arrayContaining(['database', 'relay tasks-relay', 'relay care-plans-relay']),
    );
    expect(names.filter((name) => name.startsWith('consumer ')).length).toBeGreaterThanOrEqual(2);

    const token = devToken(gateway, '--professional', '810000000001');
    await createWoundCareTask(gateway.base, token);
    // Published, consumed from Kafka, and the group's lag on carenet.tasks back to 0.
    const text = await until('the Task event consumed from Kafka', async () => {
      const body = await (await fetch(`${gateway.base}/metrics`)).text();
      return /carenet_consumer_messages_total\{group="[^"]+",outcome="applied"\} [1-9]/.test(body) &&
        /carenet_consumer_lag\{group="[^"]+",topic="carenet\.tasks",partition="\d+"\} 0\n/.test(body)
        ? body
        : undefined;
    });
    expect(text).toMatch(/carenet_relay_events_published_total\{relay="tasks-relay"\} [1-9]/);
    expect(text).not.toMatch(/carenet_consumer_lag\{[^}]*topic="store-log"/);
  });
});

describe('gateway /readyz and /metrics with two HTTP workers and a metrics port', () => {
  let database: TestDatabase;
  let gateway: RunningGateway;
  let metricsPort: number;

  beforeAll(async () => {
    database = await createTestDatabase('gateway_health_workers');
    metricsPort = await freeLoopbackPort();
    gateway = await startGateway({
      DATABASE_URL: database.url,
      CARENET_HTTP_WORKERS: '2',
      CARENET_PG_POOL_SIZE: '2',
      CARENET_METRICS_PORT: String(metricsPort),
    });
  });
  afterAll(async () => {
    gateway.child.kill('SIGCONT');
    await gateway.stop();
    await database.drop();
  });

  it('serves /metrics on the metrics port only, with the metrics of every process together', async () => {
    expect((await fetch(`${gateway.base}/metrics`)).status).toBe(404);
    await until('ready', async () => ((await readyz(gateway.base)).status === 200 ? true : undefined));
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // both workers have had a report
    for (let i = 0; i < 4; i++) expect((await readyz(gateway.base)).status).toBe(200);
    const response = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(response.status).toBe(200);
    const text = await response.text();
    // From the workers (summed over both)…
    const readyzOk = /carenet_http_requests_total\{method="GET",route="\/readyz",status="200"\} (\d+)\n/.exec(
      text,
    );
    expect(Number(readyzOk?.[1])).toBeGreaterThanOrEqual(5);
    expect(text).toMatch(/carenet_http_requests_total\{method="GET",route="\/metrics",status="404"\} 1\n/);
    // …and from the background process, where the consumers run.
    expect(text).toMatch(/carenet_consumer_lag\{group="[^"]+",topic="store-log",partition="0"\} \d+/);
    expect(text).toMatch(
      /carenet_subscription_global_position|carenet_consumer_restarts_total|carenet_consumer_retries_total/,
    );
    expect(text).toMatch(/carenet_process_resident_memory_bytes \d/);
  });

  it("answers /readyz in a worker with the background process's components, not ready when it falls silent", async () => {
    const answer = await readyz(gateway.base);
    expect(answer.status).toBe(200);
    expect(answer.body.components.map((c) => c.name)).toEqual(
      expect.arrayContaining(['database', 'background process', expect.stringMatching(/^consumer /)]),
    );

    // One keep-alive connection, held by one worker: it stays reachable while the background
    // process (which hands new connections to the workers) is stopped.
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const get = (path: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request(`${gateway.base}${path}`, { agent }, (res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => (body += chunk.toString()));
          res.on('end', () => {
            resolve({ status: res.statusCode ?? 0, body });
          });
        });
        req.on('error', reject);
        req.end();
      });
    expect((await get('/readyz')).status).toBe(200);
    gateway.child.kill('SIGSTOP');
    try {
      const silent = await until(
        'not ready',
        async () => {
          const answer = await get('/readyz');
          return answer.status === 503 ? answer : undefined;
        },
        20_000,
      );
      const body = JSON.parse(silent.body) as ReadyAnswer['body'];
      expect(body.reasons).toEqual([
        expect.stringMatching(/^background process: no health report from the background process for \d+ s$/),
      ]);
    } finally {
      gateway.child.kill('SIGCONT');
    }
    await until('ready again', async () => ((await get('/readyz')).status === 200 ? true : undefined));
    agent.destroy();
  });
});

describe('gateway /metrics on the main port with two HTTP workers', () => {
  let database: TestDatabase;
  let gateway: RunningGateway;

  beforeAll(async () => {
    database = await createTestDatabase('gateway_metrics_workers');
    gateway = await startGateway({
      DATABASE_URL: database.url,
      CARENET_HTTP_WORKERS: '2',
      CARENET_PG_POOL_SIZE: '2',
    });
  });
  afterAll(async () => {
    await gateway.stop();
    await database.drop();
  });

  it('answers a scrape on a worker with every process metrics, gathered by the background process', async () => {
    await until('ready', async () => ((await readyz(gateway.base)).status === 200 ? true : undefined));
    const response = await fetch(`${gateway.base}/metrics`);
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toMatch(/carenet_http_requests_total\{method="GET",route="\/readyz",status="200"\} [1-9]/);
    expect(text).toMatch(/carenet_consumer_lag\{group="[^"]+",topic="store-log",partition="0"\} \d+/);
    // One series per name: the processes' values are aggregated, not listed side by side.
    expect(text.match(/^# TYPE carenet_process_cpu_user_seconds_total /gm)).toHaveLength(1);
  });
});
