// Issue 20, Kafka for outside subscribers: a broker in the secured mode (SASL/SCRAM-SHA-512 on
// every listener, ACLs enforced, infra/kafka/start-kafka.sh with KAFKA_SCRAM_USERS). The gateway
// process publishes as its own principal (KAFKA_SASL_*), granted its topics and groups; a regional
// network's principal is granted read on carenet.tasks and its own consumer groups: it reads the
// Task events, and can neither write to the topic nor use another group; a principal without a
// grant reads nothing; a wrong password connects to nothing.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  AclOperationTypes,
  AclPermissionTypes,
  AclResourceTypes,
  Kafka,
  logLevel,
  ResourcePatternTypes,
  type Consumer,
  type SASLOptions,
} from 'kafkajs';
import {
  createRunDirectory,
  devToken,
  startGatewayProcess,
  startKafkaBroker,
  type KafkaBroker,
  type KafkaScramUser,
  type RunDirectory,
  type RunningGateway,
} from '@carenet/testing';
import { createWoundCareTask } from './support/fhir-requests.js';
import { until } from './support/until.js';

const ADMIN: KafkaScramUser = { name: 'admin', password: 'admin-secret' };
const GATEWAY: KafkaScramUser = { name: 'carenet-gateway', password: 'gateway-secret' };
const REGION: KafkaScramUser = { name: 'region-na', password: 'region-secret' };
const OUTSIDER: KafkaScramUser = { name: 'outsider', password: 'outsider-secret' };
const TASKS_TOPIC = 'carenet.tasks';

const sasl = (user: KafkaScramUser): SASLOptions => ({
  mechanism: 'scram-sha-512',
  username: user.name,
  password: user.password,
});

describe('Kafka for outside subscribers: SASL/SCRAM principals and ACLs (secured broker)', () => {
  let run: RunDirectory;
  let broker: KafkaBroker;
  let gateway: RunningGateway;
  const clientOf = (user: KafkaScramUser) =>
    new Kafka({
      clientId: `test-${user.name}`,
      brokers: [broker.brokers],
      logLevel: logLevel.NOTHING,
      sasl: sasl(user),
      retry: { retries: 1, initialRetryTime: 100 },
    });
  const consumers: Consumer[] = [];

  beforeAll(async () => {
    run = createRunDirectory();
    broker = await startKafkaBroker(run, (line) => process.stdout.write(`[secured kafka] ${line}\n`), {
      name: 'kafka-secured',
      scramUsers: [ADMIN, GATEWAY, REGION, OUTSIDER],
    });
    const admin = clientOf(ADMIN).admin();
    await admin.connect();
    const allow = (
      principal: KafkaScramUser,
      resourceType: AclResourceTypes,
      resourceName: string,
      resourcePatternType: ResourcePatternTypes,
      operations: AclOperationTypes[],
    ) =>
      operations.map((operation) => ({
        resourceType,
        resourceName,
        resourcePatternType,
        principal: `User:${principal.name}`,
        host: '*',
        operation,
        permissionType: AclPermissionTypes.ALLOW,
      }));
    await admin.createAcls({
      acl: [
        // The gateway: its topics (carenet.*), its consumer groups and their dead-letter topics.
        ...['carenet.', 'tasks.', 'care-plans.', 'shared-info.'].flatMap((prefix) => [
          ...allow(GATEWAY, AclResourceTypes.TOPIC, prefix, ResourcePatternTypes.PREFIXED, [
            AclOperationTypes.ALL,
          ]),
          ...allow(GATEWAY, AclResourceTypes.GROUP, prefix, ResourcePatternTypes.PREFIXED, [
            AclOperationTypes.ALL,
          ]),
        ]),
        // The regional network: read carenet.tasks, in its own groups (region-na.*).
        ...allow(REGION, AclResourceTypes.TOPIC, TASKS_TOPIC, ResourcePatternTypes.LITERAL, [
          AclOperationTypes.READ,
          AclOperationTypes.DESCRIBE,
        ]),
        ...allow(REGION, AclResourceTypes.GROUP, 'region-na.', ResourcePatternTypes.PREFIXED, [
          AclOperationTypes.READ,
        ]),
      ],
    });
    await admin.disconnect();
    gateway = await startGatewayProcess({
      dataDirPrefix: 'carenet-secured-kafka-',
      healthyWithinMs: 90_000,
      env: {
        KAFKA_BROKERS: broker.brokers,
        KAFKA_SASL_MECHANISM: 'scram-sha-512',
        KAFKA_SASL_USERNAME: GATEWAY.name,
        KAFKA_SASL_PASSWORD: GATEWAY.password,
      },
    });
  }, 240_000);
  afterAll(async () => {
    for (const consumer of consumers) await consumer.disconnect().catch(() => undefined);
    await gateway.stop();
    broker.stop();
    run.remove();
  });

  /** Reads carenet.tasks from the start in `groupId` as `user`: the Task ids of the events seen. */
  async function read(user: KafkaScramUser, groupId: string) {
    const consumer = clientOf(user).consumer({ groupId, retry: { retries: 0 } });
    consumers.push(consumer);
    const seen: string[] = [];
    const failures: string[] = [];
    consumer.on(consumer.events.CRASH, (event) => {
      failures.push(event.payload.error.message);
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [TASKS_TOPIC], fromBeginning: true });
    await consumer.run({
      eachMessage: ({ message }) => {
        seen.push(message.key?.toString() ?? '');
        return Promise.resolve();
      },
    });
    return { seen, failures, consumer };
  }

  it('the gateway publishes as its principal; the granted subscriber reads, and writes nothing', async () => {
    const token = devToken(gateway, '--professional', '810000000001', '--profession', 'doctor');
    const taskId = await createWoundCareTask(gateway.base, token);

    const region = await read(REGION, 'region-na.tasks');
    await until(
      () => Promise.resolve(region.seen.includes(`Task-${taskId}`) ? true : undefined),
      "the regional network's consumer to read the Task's events",
      60_000,
    );
    expect(region.failures).toEqual([]);

    // Read-only: the subscriber cannot publish on the topic.
    const producer = clientOf(REGION).producer({ retry: { retries: 0 } });
    await producer.connect();
    await expect(
      producer.send({ topic: TASKS_TOPIC, messages: [{ key: 'Task-forged', value: '{}' }] }),
    ).rejects.toThrow(/not authorized|authorization/i);
    await producer.disconnect();
  }, 120_000);

  it('refuses a subscriber without a grant, a group not granted, and a wrong password', async () => {
    const outsider = await read(OUTSIDER, 'outsider.tasks').catch((error: unknown) => ({
      seen: [] as string[],
      failures: [error instanceof Error ? error.message : 'refused'],
      consumer: undefined,
    }));
    await until(
      () => Promise.resolve(outsider.failures.length > 0 ? true : undefined),
      'the outsider to be refused',
      30_000,
    );
    expect(outsider.seen).toEqual([]);
    expect(outsider.failures.join(' ')).toMatch(/not authorized|authorization/i);

    const otherGroup = await read(REGION, 'someone-else.tasks').catch((error: unknown) => ({
      seen: [] as string[],
      failures: [error instanceof Error ? error.message : 'refused'],
      consumer: undefined,
    }));
    await until(
      () => Promise.resolve(otherGroup.failures.length > 0 ? true : undefined),
      'a group outside region-na.* to be refused',
      30_000,
    );
    expect(otherGroup.seen).toEqual([]);

    const impostor = new Kafka({
      clientId: 'test-impostor',
      brokers: [broker.brokers],
      logLevel: logLevel.NOTHING,
      sasl: { mechanism: 'scram-sha-512', username: REGION.name, password: 'guessed' },
      retry: { retries: 0 },
    }).admin();
    await expect(impostor.connect()).rejects.toThrow(/authentication|SASL/i);
  }, 120_000);
});
