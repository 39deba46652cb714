// The plan → tasks consumer on a real PostgreSQL, fed by the store log (the embedded mode's
// source; the Kafka source runs the same pipeline): care-plan events written as the care-plans
// service writes them (checked against their contracts by the pipeline) become Tasks, once.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Bundle, Task } from 'fhir/r4.js';
import { loadContractRegistry } from '@carenet/contracts';
import { startEventSubscriber, type RunningConsumer } from '@carenet/messaging';
import { uniqueName } from '@carenet/testing';
import {
  actionTaskId,
  alertTaskId,
  CARE_PLAN_ACTION_SYSTEM,
  carePlanActionsSubscriber,
} from '../src/index.js';
import { IDNPS, INS, professional, startTasksServer, type TasksServer } from './support/tasks-server.js';

const COORDINATOR = {
  kind: 'professional',
  identifier: { system: IDNPS, value: '870000000001' },
  display: 'C',
};
const IDEL = { kind: 'professional', identifier: { system: IDNPS, value: '860000000001' }, display: 'IDEL' };
const PHARMACIST = {
  kind: 'professional',
  identifier: { system: IDNPS, value: '821000000001' },
  display: 'Ph',
};
const SAD = {
  kind: 'organization',
  identifier: { system: 'https://finess.esante.gouv.fr', value: '330000001' },
  display: 'SAD',
};
const PATIENT = { system: INS, value: '279035121518989' };
const BY = { kind: 'system', clientId: 'carenet-care-plans' };

async function until<T>(probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('care-plan actions become Tasks', () => {
  let server: TasksServer;
  const consumers: RunningConsumer[] = [];
  const carePlanId = randomUUID();
  const stream = `CarePlan-${carePlanId}`;
  const contracts = loadContractRegistry();

  const start = async (groupSuffix: string) => {
    const subscriber = carePlanActionsSubscriber({ store: server.tasks.store });
    const consumer = await startEventSubscriber(
      { ...subscriber, groupId: `${subscriber.groupId}.${groupSuffix}` },
      { kind: 'store-log', store: server.tasks.store, pollIntervalMs: 20 },
      { db: server.db, contracts },
    );
    consumers.push(consumer);
    return consumer;
  };

  const planTasks = async () => {
    const client = await server.clientFor(professional('870000000001', '60', 'C'));
    const bundle = (await client.search({
      resourceType: 'Task',
      searchParams: { 'based-on': `CarePlan/${carePlanId}`, _sort: 'owner' },
    })) as unknown as Bundle;
    return (bundle.entry ?? []).map((e) => e.resource as Task);
  };

  beforeAll(async () => {
    server = await startTasksServer('tasks-care-plan-actions');
    await start(uniqueName('first'));
  });
  afterAll(async () => {
    for (const consumer of consumers) await consumer.stop();
    await server.close();
  });

  it('creates one Task per scheduled action: owner the performer, due the action due, basedOn the plan', async () => {
    const actions = [
      {
        actionId: 'a1',
        occurrence: 1,
        code: { text: 'Wound care' },
        performer: IDEL,
        priority: 'routine',
        due: '2026-06-03T23:59:59.999Z',
      },
      {
        actionId: 'a2',
        occurrence: 1,
        code: { text: 'Medication reconciliation' },
        performer: PHARMACIST,
        priority: 'urgent',
        due: '2026-05-22T08:00:00.000Z',
      },
      {
        actionId: 'a3',
        occurrence: 1,
        code: { text: 'Daily help' },
        performer: SAD,
        priority: 'routine',
        due: '2026-06-19T23:59:59.999Z',
      },
    ];
    const data = {
      carePlanId,
      by: BY,
      at: '2026-05-20T08:00:00.000Z',
      patient: PATIENT,
      coordinator: COORDINATOR,
      version: 1,
      actions,
    };
    expect(contracts.validate('carenet.care-plans.CarePlanActionsScheduled.v1', data)).toEqual({ ok: true });
    await server.tasks.store.append(
      stream,
      [{ id: randomUUID(), type: 'CarePlanActionsScheduled', data }],
      'no-stream',
    );

    const tasks = await until(async () => {
      const found = await planTasks();
      return found.length === 3 ? found : undefined;
    });
    const byAction = new Map(
      tasks.map((t) => [t.identifier?.find((i) => i.system === CARE_PLAN_ACTION_SYSTEM)?.value ?? '', t]),
    );
    for (const action of actions) {
      const task = byAction.get(`${carePlanId}#${action.actionId}`);
      expect(task).toMatchObject({
        id: actionTaskId(carePlanId, action.actionId, 1),
        status: 'requested',
        owner: { identifier: action.performer.identifier },
        requester: { identifier: COORDINATOR.identifier },
        restriction: { period: { end: action.due } },
        basedOn: [{ reference: `CarePlan/${carePlanId}` }],
        for: { type: 'Patient', identifier: PATIENT },
      });
    }
  });

  it('creates nothing twice when the events are delivered again (a new consumer group replays them)', async () => {
    await start(uniqueName('replay'));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await planTasks()).toHaveLength(3);
    const events = await server.tasks.store.readStream(`Task-${actionTaskId(carePlanId, 'a1', 1)}`);
    expect(events.map((e) => e.type)).toEqual(['TaskRequested']);
  });

  it('cancels the open Task of a withdrawn action', async () => {
    const data = {
      carePlanId,
      by: BY,
      at: '2026-05-21T08:00:00.000Z',
      actionIds: ['a3'],
      reason: { text: 'removed from the plan' },
    };
    await server.tasks.store.append(
      stream,
      [{ id: randomUUID(), type: 'CarePlanActionsWithdrawn', data }],
      0,
    );
    const cancelled = await until(async () => {
      const task = (await planTasks()).find((t) => t.id === actionTaskId(carePlanId, 'a3', 1));
      return task?.status === 'cancelled' ? task : undefined;
    });
    expect(cancelled.statusReason?.text).toBe('removed from the plan');
  });

  it('creates one alert Task for the coordinator per alert', async () => {
    const data = {
      carePlanId,
      by: BY,
      at: '2026-05-23T08:00:00.000Z',
      alertId: 'action-a2-2026-05-22T08:00:00.000Z',
      kind: 'action-overdue',
      coordinator: COORDINATOR,
      patient: PATIENT,
      reason: 'Medication reconciliation is overdue',
      due: '2026-05-22T08:00:00.000Z',
      actionId: 'a2',
      taskId: actionTaskId(carePlanId, 'a2', 1),
    };
    expect(contracts.validate('carenet.care-plans.CarePlanAlertRaised.v1', data)).toEqual({ ok: true });
    await server.tasks.store.append(stream, [{ id: randomUUID(), type: 'CarePlanAlertRaised', data }], 1);
    const id = alertTaskId(carePlanId, data.alertId);
    const alert = await until(async () => (await planTasks()).find((t) => t.id === id));
    expect(alert).toMatchObject({
      status: 'requested',
      priority: 'urgent',
      owner: { identifier: COORDINATOR.identifier },
      focus: { reference: `Task/${data.taskId}` },
    });
  });
});
