// Task events on the real Kafka broker: the relay publishes every event of a Task's life (each
// checked against its contract before it leaves), and a consumer group reads them back through
// the common pipeline (contract check again, inbox), in stream order, each once.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Parameters, Task } from 'fhir/r4.js';
import type { FhirResource } from 'fhir-kit-client';
import { Kafka, logLevel } from 'kafkajs';
import { loadContractRegistry } from '@carenet/contracts';
import {
  startKafkaConsumer,
  startRelay,
  type IncomingEvent,
  type RunningConsumer,
  type RunningRelay,
} from '@carenet/messaging';
import { testKafkaBrokers, uniqueName } from '@carenet/testing';
import { startOverdueClock, TASK_EVENT_TYPES, TASKS_CATEGORIES } from '../src/index.js';
import { IDNPS, INS, professional, startTasksServer, type TasksServer } from './support/tasks-server.js';

const GP = professional('810000000001', '10', 'Dr Anne Martin');
const NURSE = professional('810000000002', '60', 'Nina Leroy');
const asFhir = (resource: object) => resource as unknown as FhirResource;

async function until(condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the events');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('Task events on Kafka', () => {
  const kafka = new Kafka({
    clientId: 'tasks-kafka-test',
    brokers: testKafkaBrokers(),
    logLevel: logLevel.NOTHING,
  });
  const contracts = loadContractRegistry();
  let server: TasksServer;
  let relay: RunningRelay;
  let consumer: RunningConsumer;
  const received: IncomingEvent[] = [];
  // A topic of this test only: the broker is shared by every test file.
  const topic = uniqueName('carenet.tasks');

  beforeAll(async () => {
    server = await startTasksServer('tasks-kafka');
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }] });
    await admin.disconnect();
    relay = startRelay({
      store: server.tasks.store,
      kafka,
      relayId: uniqueName('tasks-relay'),
      categories: TASKS_CATEGORIES,
      topicOf: () => topic,
      contracts,
      pollIntervalMs: 50,
    });
    consumer = await startKafkaConsumer({
      kafka,
      topics: [topic],
      groupId: uniqueName('tasks-reader'),
      db: server.db,
      contracts,
      handler: (event) => {
        received.push(event);
        return Promise.resolve();
      },
    });
    await consumer.ready;
  });
  afterAll(async () => {
    await consumer.stop();
    await relay.stop();
    await server.close();
  });

  it('publishes every event of a Task on carenet.tasks, valid against its contract, in stream order', async () => {
    const gp = await server.clientFor(GP);
    const nurse = await server.clientFor(NURSE);
    const body: Task = {
      resourceType: 'Task',
      status: 'requested',
      intent: 'order',
      code: { text: 'Wound care' },
      for: { identifier: { system: INS, value: '279035121518989' } },
      owner: { type: 'Practitioner', identifier: { system: IDNPS, value: '810000000002' } },
      restriction: { period: { end: '2026-05-21T18:00:00.000Z' } },
    };
    const created = (await gp.create({ resourceType: 'Task', body: asFhir(body) })) as unknown as Task;
    const id = created.id ?? '';
    const move = async (status: Task['status'], extra: Partial<Task> = {}) => {
      const current = (await nurse.read({ resourceType: 'Task', id })) as unknown as Task;
      await nurse.update({ resourceType: 'Task', id, body: asFhir({ ...current, status, ...extra }) });
    };
    await move('received');
    await move('accepted');
    await move('in-progress');
    await move('on-hold', { statusReason: { text: 'patient in hospital' } });
    await move('in-progress');
    const transfer: Parameters = {
      resourceType: 'Parameters',
      parameter: [
        {
          name: 'owner',
          valueReference: { type: 'Practitioner', identifier: { system: IDNPS, value: '810000000003' } },
        },
        { name: 'reason', valueString: 'leave' },
        { name: 'responsibilityMoves', valueBoolean: false },
      ],
    };
    await nurse.operation({ resourceType: 'Task', id, name: '$transfer', input: asFhir(transfer) });
    server.now = new Date('2026-05-22T08:00:00.000Z');
    const clock = startOverdueClock({ db: server.db, store: server.tasks.store, clock: () => server.now });
    await clock.tick();
    await clock.stop();

    const stored = await server.tasks.store.readStream(`Task-${id}`);
    expect(stored.map((e) => e.type)).toEqual([
      'TaskRequested',
      'TaskReceived',
      'TaskAccepted',
      'TaskStarted',
      'TaskPutOnHold',
      'TaskResumed',
      'ResponsibilityTransferred',
      'TaskOverdue',
    ]);
    const ofTask = () => received.filter((e) => e.subject === `Task-${id}`);
    await until(() => ofTask().length >= stored.length);
    const events = ofTask();
    expect(events.map((e) => e.id)).toEqual(stored.map((e) => e.id));
    expect(events.map((e) => e.type)).toEqual(stored.map((e) => `carenet.tasks.${e.type}.v1`));
    for (const event of events) {
      expect(event.source).toBe('/carenet/tasks');
      expect(contracts.validate(event.type, event.data)).toEqual({ ok: true });
      expect(TASK_EVENT_TYPES).toContain(event.type.split('.')[2]);
    }
    expect(events[0]?.data).toMatchObject({ taskId: id, by: GP });
  });
});
