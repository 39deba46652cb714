// Two gateway processes on one PostgreSQL and one Kafka broker (issue 14): one relay per service
// publishes, the other stands by; when the publishing process is SIGKILLed, the standby takes
// over, and every event written through either process reaches Kafka.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Kafka, logLevel } from 'kafkajs';
import {
  createTestDatabase,
  freeLoopbackPort,
  repositoryRoot,
  testKafkaBrokers,
  uniqueName,
  type TestDatabase,
} from '@carenet/testing';

const root = repositoryRoot();
const main = join(root, 'services', 'gateway', 'dist', 'src', 'main.js');
const cli = join(root, 'packages', 'cli', 'dist', 'src', 'main.js');
const dataDir = mkdtempSync(join(tmpdir(), 'carenet-relay-takeover-'));

interface Gateway {
  readonly base: string;
  readonly child: ChildProcess;
  readonly token: string;
}

async function until(condition: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function startGateway(databaseUrl: string): Promise<Gateway> {
  if (!existsSync(main)) throw new Error(`${main} is missing: run \`pnpm build\` first (npm test does)`);
  const port = await freeLoopbackPort();
  const child = spawn(process.execPath, [main], {
    env: {
      PATH: process.env.PATH ?? '',
      CARENET_DATA_DIR: dataDir,
      DATABASE_URL: databaseUrl,
      KAFKA_BROKERS: testKafkaBrokers().join(','),
      PORT: String(port),
      CARENET_LOG_LEVEL: 'warn',
    },
    stdio: 'ignore',
  });
  const base = `http://127.0.0.1:${port}`;
  await until(async () => (await fetch(`${base}/healthz`)).ok, 60_000, 'gateway healthy');
  const token = spawnSync(
    process.execPath,
    [cli, 'token', '--professional', '810000000001', '--profession', 'doctor'],
    {
      env: { PATH: process.env.PATH ?? '', CARENET_DATA_DIR: dataDir, PORT: String(port) },
      encoding: 'utf8',
    },
  ).stdout.trim();
  return { base, child, token };
}

/** Whether this gateway's tasks relay is the one publishing (`carenet_relay_active`). */
async function publishesTasks(gateway: Gateway): Promise<boolean> {
  const text = await (await fetch(`${gateway.base}/metrics`)).text();
  return /^carenet_relay_active\{relay="tasks-relay"\} 1$/m.test(text);
}

async function createTask(gateway: Gateway): Promise<string> {
  const response = await fetch(`${gateway.base}/fhir/Task`, {
    method: 'POST',
    headers: { authorization: `Bearer ${gateway.token}`, 'content-type': 'application/fhir+json' },
    body: JSON.stringify({
      resourceType: 'Task',
      status: 'requested',
      intent: 'order',
      code: { text: 'Wound care' },
      for: { identifier: { system: 'urn:oid:1.2.250.1.213.1.4.8', value: '279035121518989' } },
      owner: { identifier: { system: 'urn:oid:1.2.250.1.71.4.2.1', value: '810000000002' } },
    }),
  });
  expect(response.status).toBe(201);
  return `Task-${((await response.json()) as { id: string }).id}`;
}

describe('relay takeover across two gateway processes', () => {
  let database: TestDatabase;
  const gateways: Gateway[] = [];

  beforeAll(async () => {
    database = await createTestDatabase('relay-takeover');
  });
  afterAll(async () => {
    for (const gateway of gateways) gateway.child.kill('SIGKILL');
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('the standby relay takes over when the publishing process is killed; no event is lost', async () => {
    gateways.push(await startGateway(database.url));
    gateways.push(await startGateway(database.url));
    await until(
      async () => (await Promise.all(gateways.map(publishesTasks))).filter(Boolean).length === 1,
      30_000,
      'one tasks relay active',
    );
    const flags = await Promise.all(gateways.map(publishesTasks));
    const active = gateways[flags.indexOf(true)]!;
    const standby = gateways[flags.indexOf(false)]!;

    const streams = new Set<string>();
    for (let i = 0; i < 5; i++) streams.add(await createTask(i % 2 === 0 ? active : standby));
    active.child.kill('SIGKILL');
    for (let i = 0; i < 5; i++) streams.add(await createTask(standby));
    await until(() => publishesTasks(standby), 30_000, 'standby relay active');

    // Every Task created through either process is on carenet.tasks.
    const kafka = new Kafka({
      clientId: 'relay-takeover-test',
      brokers: testKafkaBrokers(),
      logLevel: logLevel.NOTHING,
    });
    const consumer = kafka.consumer({ groupId: uniqueName('relay-takeover') });
    const seen = new Set<string>();
    await consumer.connect();
    await consumer.subscribe({ topics: ['carenet.tasks'], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const key = message.key?.toString('utf8') ?? '';
        if (streams.has(key)) seen.add(key);
        await Promise.resolve();
      },
    });
    try {
      await until(() => Promise.resolve(seen.size === streams.size), 60_000, 'every Task on Kafka');
    } finally {
      await consumer.disconnect();
    }
    expect(seen.size).toBe(10);
    expect((await fetch(`${standby.base}/readyz`)).status).toBe(200);
  });
});
