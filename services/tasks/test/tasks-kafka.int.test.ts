// Task events on the real Kafka broker: the relay publishes every event of a Task's life (each
// checked against its contract before it leaves), and a consumer group reads them back through
// the common pipeline (contract check again, inbox), in stream order, each once. Personal data on
// the topic (contracts/README.md, "Personal data on the topics"): a subscriber reading the raw
// records finds no clinical free text and no name, only what the contracts allow in clear; the
// consumer holding the topic key gets the events whole.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Parameters, Task } from 'fhir/r4.js';
import type { FhirResource } from 'fhir-kit-client';
import { Kafka, logLevel } from 'kafkajs';
import { randomBytes } from 'node:crypto';
import { loadContractRegistry, PROTECTED_MEMBER } from '@carenet/contracts';
import {
  headersToStrings,
  startKafkaConsumer,
  startRelay,
  topicProtection,
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
  // What any subscriber of the topic gets: the records' bytes, as the broker holds them.
  const raw: { key: string; value: string; headers: Record<string, string> }[] = [];
  const subscriber = kafka.consumer({ groupId: uniqueName('raw-subscriber') });
  const protection = topicProtection(randomBytes(32).toString('base64url'));
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
      protection,
      pollIntervalMs: 50,
    });
    consumer = await startKafkaConsumer({
      kafka,
      topics: [topic],
      groupId: uniqueName('tasks-reader'),
      db: server.db,
      contracts,
      protection,
      handler: (event) => {
        received.push(event);
        return Promise.resolve();
      },
    });
    await consumer.ready;
    await subscriber.connect();
    await subscriber.subscribe({ topics: [topic], fromBeginning: true });
    await subscriber.run({
      eachMessage: ({ message }) => {
        raw.push({
          key: message.key?.toString('utf8') ?? '',
          value: message.value?.toString('utf8') ?? '',
          headers: headersToStrings(message.headers),
        });
        return Promise.resolve();
      },
    });
  });
  afterAll(async () => {
    await subscriber.disconnect();
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

  it('publishes no clinical free text and no name in clear: only the INS and identifiers the contracts allow', async () => {
    const gp = await server.clientFor(GP);
    const note = 'Patient HIV+, wear gloves';
    const body: Task = {
      resourceType: 'Task',
      status: 'requested',
      intent: 'order',
      code: { text: 'Dressing of the leg ulcer' },
      description: 'Venous ulcer, left leg: daily dressing',
      note: [{ text: note }],
      for: { identifier: { system: INS, value: '279035121518989' }, display: 'Jeanne Dupont' },
      owner: {
        type: 'Practitioner',
        identifier: { system: IDNPS, value: '810000000002' },
        display: 'Nina Leroy',
      },
      text: {
        status: 'generated',
        div: '<div xmlns="http://www.w3.org/1999/xhtml">Jeanne Dupont, HIV+</div>',
      },
      restriction: { period: { end: '2026-06-21T18:00:00.000Z' } },
    };
    const created = (await gp.create({ resourceType: 'Task', body: asFhir(body) })) as unknown as Task;
    const id = created.id ?? '';
    const nurse = await server.clientFor(NURSE);
    const current = (await nurse.read({ resourceType: 'Task', id })) as unknown as Task;
    await nurse.update({
      resourceType: 'Task',
      id,
      body: asFhir({ ...current, status: 'rejected', statusReason: { text: 'Jeanne Dupont refuses: HIV+' } }),
    });
    const stored = await server.tasks.store.readStream(`Task-${id}`);
    expect(stored.map((e) => e.type)).toEqual(['TaskRequested', 'TaskRejected']);
    // The store keeps the event whole.
    expect(JSON.stringify(stored[0]?.data)).toContain(note);

    const records = () => raw.filter((record) => record.key === `Task-${id}`);
    await until(() => records().length >= stored.length);
    await until(() => received.filter((e) => e.subject === `Task-${id}`).length >= stored.length);
    for (const record of records()) {
      const bytes = `${record.key} ${record.value} ${Object.values(record.headers).join(' ')}`;
      for (const secret of [
        'HIV',
        'gloves',
        'ulcer',
        'Venous',
        'dressing',
        'Dressing',
        'Jeanne',
        'Dupont',
        'Nina',
        'Leroy',
        'Anne Martin',
        'refuses',
      ]) {
        expect({
          ce_type: record.headers.ce_type,
          leaked: bytes.includes(secret) ? secret : undefined,
        }).toEqual({
          ce_type: record.headers.ce_type,
          leaked: undefined,
        });
      }
      const data = JSON.parse(record.value) as Record<string, unknown>;
      // Nothing the contract does not declare (closed objects), and the sealed part only encrypted.
      expect(contracts.validate(record.headers.ce_type ?? '', data)).toEqual({ ok: true });
      expect(data[PROTECTED_MEMBER]).toMatch(/^[\w-]+\.\.[\w-]+\.[\w-]+\.[\w-]+$/);
      const { clear } = contracts.splitSealed(record.headers.ce_type ?? '', data);
      expect(clear).toEqual(data);
    }
    // What the contracts keep in clear: the patient's INS (the key of care relations), the
    // professionals' identifiers, the Task's ids and codes, dates.
    const requested = JSON.parse(records()[0]?.value ?? '{}') as { task: Record<string, unknown> };
    expect(requested.task.for).toEqual({ system: INS, value: '279035121518989' });
    expect(requested.task.owner).toMatchObject({ identifier: { system: IDNPS, value: '810000000002' } });
    expect(requested.task.notes).toEqual([]);

    // The consumer holding the key gets each event as stored.
    const whole = received.filter((e) => e.subject === `Task-${id}`);
    expect(whole.map((e) => e.data)).toEqual(stored.map((e) => e.data));
  });
});
