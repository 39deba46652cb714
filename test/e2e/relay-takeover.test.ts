// Two gateway processes on one PostgreSQL and one Kafka broker (issue 14): one relay per service
// publishes, the other stands by; when the publishing process is SIGKILLed, the standby takes
// over, and every event written through either process reaches Kafka.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Kafka, logLevel } from 'kafkajs';
import {
  createTestDatabase,
  devToken,
  startGatewayProcess,
  testKafkaBrokers,
  uniqueName,
  type RunningGateway,
  type TestDatabase,
} from '@carenet/testing';
import { createWoundCareTask } from './support/fhir-requests.js';

const dataDir = mkdtempSync(join(tmpdir(), 'carenet-relay-takeover-'));

interface Gateway extends RunningGateway {
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
  const gateway = await startGatewayProcess({
    dataDir,
    env: {
      DATABASE_URL: databaseUrl,
      KAFKA_BROKERS: testKafkaBrokers().join(','),
      CARENET_LOG_LEVEL: 'warn',
    },
    healthyWithinMs: 60_000,
  });
  return { ...gateway, token: devToken(gateway, '--professional', '810000000001', '--profession', 'doctor') };
}

/** Whether this gateway's tasks relay is the one publishing (`carenet_relay_active`). */
async function publishesTasks(gateway: Gateway): Promise<boolean> {
  const text = await (await fetch(`${gateway.base}/metrics`)).text();
  return /^carenet_relay_active\{relay="tasks-relay"\} 1$/m.test(text);
}

async function createTask(gateway: Gateway): Promise<string> {
  return `Task-${await createWoundCareTask(gateway.base, gateway.token)}`;
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
