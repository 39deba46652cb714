// Scenario S2 of DOMAIN.md over the real Kafka broker: a PPCS drafted by the coordinator becomes
// Tasks only once the médecin traitant validated it and the patient agreed; the plan follows its
// Tasks; the care-plans consumer is killed and restarted in the middle (no duplicate, no missed
// status); an overdue action alerts the coordinator once; revision v2 keeps v1; a second active
// PPCS for the patient is refused. The services talk only through Kafka (relays, consumer groups).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Bundle, CarePlan, OperationOutcome, Parameters, Reference, Task } from 'fhir/r4.js';
import type { Client, FhirResource } from 'fhir-kit-client';
import { CARE_PLAN_EXTENSIONS, startReviewClock } from '@carenet/care-plans';
import { startOverdueClock } from '@carenet/tasks';
import { activity, C, D, draftPpcs, DR_B, IDEL, PHARMACIST, ref, Y } from './support/ppcs-scenario.js';
import { FINESS, type professional, startPpcsPlatform, type PpcsPlatform } from './support/ppcs-platform.js';
import { until as pollUntil } from './support/until.js';

const SAD: Reference = {
  type: 'Organization',
  identifier: { system: FINESS, value: '330000002' },
  display: 'SAD',
};

const asFhir = (resource: object) => resource as unknown as FhirResource;
const as = async <T>(call: Promise<unknown>): Promise<T> => (await call) as T;
async function failure(call: Promise<unknown>): Promise<{ status: number; data: OperationOutcome }> {
  try {
    await call;
  } catch (error) {
    return (error as { response: { status: number; data: OperationOutcome } }).response;
  }
  throw new Error('expected the request to fail');
}
/** Polls until the probe gives a value (15_000 ms at most unless told). */
const until = <T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 15_000) =>
  pollUntil(probe, what, timeoutMs);

/** S2: IDEL wound care 3×/week, pharmacist medication reconciliation within 48 h, SAD daily help; review D+30. */
function s2Plan(): CarePlan {
  return draftPpcs('PPCS of Y after discharge from the CHU', [
    activity(ref(IDEL), 'Wound care', {
      scheduledTiming: {
        repeat: {
          frequency: 3,
          period: 1,
          periodUnit: 'wk',
          boundsPeriod: { start: D, end: '2026-06-03T18:00:00.000Z' },
        },
      },
    }),
    activity(
      ref(PHARMACIST),
      'Medication reconciliation',
      { scheduledPeriod: { start: D, end: '2026-05-22T08:00:00.000Z' } },
      'urgent',
    ),
    activity(SAD, 'Daily help at home', {
      scheduledTiming: { repeat: { frequency: 1, period: 1, periodUnit: 'd' } },
    }),
  ]);
}

describe('S2: a hospital discharge creates a PPCS, turned into Tasks over Kafka', () => {
  let platform: PpcsPlatform;
  let coordinator: Client;
  let drB: Client;
  let plan: CarePlan;

  beforeAll(async () => {
    platform = await startPpcsPlatform('ppcs-plan-to-tasks');
    coordinator = await platform.clientFor(C);
    drB = await platform.clientFor(DR_B);
  });
  afterAll(async () => {
    await platform.close();
  });

  const planTasks = async (id = plan.id ?? '') =>
    (
      (await coordinator.search({
        resourceType: 'Task',
        searchParams: { 'based-on': `CarePlan/${id}` },
      })) as unknown as Bundle
    ).entry?.map((e) => e.resource as Task) ?? [];
  const readPlan = () => as<CarePlan>(coordinator.read({ resourceType: 'CarePlan', id: plan.id ?? '' }));
  const taskOf = (tasks: Task[], performer: ReturnType<typeof professional> | Reference) => {
    const value =
      'kind' in performer && performer.kind === 'professional'
        ? performer.identifier.value
        : (performer as Reference).identifier?.value;
    return tasks.find((t) => t.owner?.identifier?.value === value);
  };
  const activityStatus = (carePlan: CarePlan, code: string) =>
    carePlan.activity?.find((a) => a.detail?.code?.text === code)?.detail?.status;
  const move = async (client: Client, task: Task, status: Task['status']) =>
    as<Task>(
      client.patch({
        resourceType: 'Task',
        id: task.id ?? '',
        jsonPatch: [{ op: 'replace', path: '/status', value: status }],
      }),
    );

  it('drafts the plan: no Task exists until Dr B validates and Y agrees', async () => {
    plan = await as<CarePlan>(coordinator.create({ resourceType: 'CarePlan', body: asFhir(s2Plan()) }));
    expect(plan).toMatchObject({
      status: 'draft',
      meta: { versionId: '1' },
      subject: { type: 'Patient', identifier: Y },
    });
    const early = await failure(
      coordinator.update({
        resourceType: 'CarePlan',
        id: plan.id ?? '',
        body: asFhir({ ...plan, status: 'active' }),
      }),
    );
    expect(early.status).toBe(422);
    expect(early.data.issue[0]?.details?.coding?.[0]?.code).toBe('ppcs-validation-required');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await planTasks()).toEqual([]);

    // Only the médecin traitant validates.
    const notHim = await failure(
      coordinator.operation({
        resourceType: 'CarePlan',
        id: plan.id ?? '',
        name: '$validate-plan',
        input: asFhir({ resourceType: 'Parameters' }),
      }),
    );
    expect(notHim.status).toBe(403);
    await drB.operation({
      resourceType: 'CarePlan',
      id: plan.id ?? '',
      name: '$validate-plan',
      input: asFhir({ resourceType: 'Parameters' }),
    });
    const agreement: Parameters = {
      resourceType: 'Parameters',
      parameter: [
        { name: 'agreedBy', valueCode: 'patient' },
        { name: 'method', valueCode: 'oral' },
      ],
    };
    await coordinator.operation({
      resourceType: 'CarePlan',
      id: plan.id ?? '',
      name: '$record-agreement',
      input: asFhir(agreement),
    });
    expect(await planTasks()).toEqual([]);
  });

  it('activates it: one Task per action, owned by its performer and due at its due date', async () => {
    const current = await readPlan();
    const started = Date.now();
    plan = await as<CarePlan>(
      coordinator.update({
        resourceType: 'CarePlan',
        id: plan.id ?? '',
        body: asFhir({ ...current, status: 'active' }),
      }),
    );
    expect(plan.status).toBe('active');
    const tasks = await until(async () => {
      const found = await planTasks();
      return found.length === 3 ? found : undefined;
    }, 'the 3 Tasks');
    process.stdout.write(`[S2] activation → 3 Tasks visible through Kafka: ${Date.now() - started} ms\n`);
    expect(taskOf(tasks, IDEL)?.restriction?.period?.end).toBe('2026-06-03T18:00:00.000Z');
    expect(taskOf(tasks, PHARMACIST)?.restriction?.period?.end).toBe('2026-05-22T08:00:00.000Z');
    expect(taskOf(tasks, PHARMACIST)?.priority).toBe('urgent');
    expect(taskOf(tasks, SAD)?.restriction?.period?.end).toBe('2026-06-19T23:59:59.999Z');
    for (const task of tasks) {
      expect(task).toMatchObject({
        status: 'requested',
        requester: { identifier: { value: '870000000001' } },
        for: { identifier: Y },
      });
    }
    // The plan learns its Tasks back (activity link), through the task events.
    const linked = await until(async () => {
      const current = await readPlan();
      const links = current.activity?.map(
        (a) => a.extension?.find((e) => e.url === CARE_PLAN_EXTENSIONS.actionTask)?.valueReference?.reference,
      );
      return links?.every((l) => l !== undefined) ? links : undefined;
    }, 'the activity links');
    expect(new Set(linked)).toEqual(new Set(tasks.map((t) => `Task/${t.id ?? ''}`)));
  });

  it('follows the Tasks: the wound-care action completes when its Task does', async () => {
    const idel = await platform.clientFor(IDEL);
    let task = taskOf(await planTasks(), IDEL)!;
    for (const status of ['accepted', 'in-progress', 'completed'] as const)
      task = await move(idel, task, status);
    expect(task.status).toBe('completed');
    await until(
      async () => (activityStatus(await readPlan(), 'Wound care') === 'completed' ? true : undefined),
      'completed',
    );
    expect(activityStatus(await readPlan(), 'Daily help at home')).toBe('scheduled');
  });

  it('misses no status and duplicates nothing when the care-plans consumer dies and comes back', async () => {
    await platform.stopConsumer('care-plans');
    const pharmacist = await platform.clientFor(PHARMACIST);
    const accepted = await move(pharmacist, taskOf(await planTasks(), PHARMACIST)!, 'accepted');
    await move(pharmacist, accepted, 'in-progress');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(activityStatus(await readPlan(), 'Medication reconciliation')).toBe('scheduled');
    await platform.startConsumer('care-plans');
    await until(
      async () =>
        activityStatus(await readPlan(), 'Medication reconciliation') === 'in-progress' ? true : undefined,
      'in-progress after the restart',
    );
    expect(await planTasks()).toHaveLength(3);
    const events = await platform.carePlans.store.readStream(`CarePlan-${plan.id ?? ''}`);
    expect(events.filter((e) => e.type === 'CarePlanActionLinked')).toHaveLength(3);
  });

  it('alerts the coordinator once when an action is overdue', async () => {
    const clock = startOverdueClock({
      db: platform.db,
      store: platform.tasks.store,
      clock: () => platform.now,
      intervalMs: 3_600_000,
    });
    try {
      platform.now = new Date('2026-05-23T08:00:00.000Z');
      await clock.tick();
      await clock.tick();
      const alerts = await until(async () => {
        const found = (await planTasks()).filter((t) => t.owner?.identifier?.value === '870000000001');
        return found.length > 0 ? found : undefined;
      }, 'the alert Task');
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect((await planTasks()).filter((t) => t.owner?.identifier?.value === '870000000001')).toHaveLength(
        1,
      );
      expect(alerts[0]).toMatchObject({ status: 'requested', priority: 'urgent' });
    } finally {
      await clock.stop();
    }
  });

  it('alerts the coordinator once when the review date has passed', async () => {
    const coordinatorTasks = async () =>
      (await planTasks()).filter((t) => t.owner?.identifier?.value === '870000000001').length;
    const before = await coordinatorTasks();
    const clock = startReviewClock({
      db: platform.db,
      store: platform.carePlans.store,
      clock: () => platform.now,
      intervalMs: 3_600_000,
    });
    try {
      expect(await clock.tick()).toBe(0);
      platform.now = new Date('2026-06-20T08:00:00.000Z');
      expect(await clock.tick()).toBe(1);
      expect(await clock.tick()).toBe(0);
      await until(
        async () => ((await coordinatorTasks()) === before + 1 ? true : undefined),
        'the review alert Task',
      );
    } finally {
      await clock.stop();
    }
  });

  it('keeps v1 when revised to v2', async () => {
    const current = await readPlan();
    const revised = await as<CarePlan>(
      coordinator.update({
        resourceType: 'CarePlan',
        id: plan.id ?? '',
        body: asFhir({ ...current, description: 'v2: falls prevention to discuss' }),
      }),
    );
    expect(Number(revised.meta?.versionId)).toBeGreaterThan(Number(current.meta?.versionId));
    const v1 = await as<CarePlan>(
      coordinator.vread({ resourceType: 'CarePlan', id: plan.id ?? '', version: '1' }),
    );
    expect(v1).toMatchObject({ status: 'draft', title: 'PPCS of Y after discharge from the CHU' });
    expect(v1.description).toBeUndefined();
    const history = await as<Bundle>(coordinator.history({ resourceType: 'CarePlan', id: plan.id ?? '' }));
    // One version per write (issue 15): the newest entry is v2's write, and the versionIds of the
    // entries decrease (an activation that handed the actions over is one version, so they skip).
    const versionIds = (history.entry ?? []).map((entry) => Number(entry.resource?.meta?.versionId));
    expect(versionIds[0]).toBe(Number(revised.meta?.versionId));
    expect(versionIds).toEqual([...versionIds].sort((x, y) => y - x));
    expect(new Set(versionIds).size).toBe(versionIds.length);
    expect(versionIds.at(-1)).toBe(1);
  });

  it('refuses a second active PPCS for the same patient', async () => {
    const second = await as<CarePlan>(
      coordinator.create({ resourceType: 'CarePlan', body: asFhir(s2Plan()) }),
    );
    await drB.operation({
      resourceType: 'CarePlan',
      id: second.id ?? '',
      name: '$validate-plan',
      input: asFhir({ resourceType: 'Parameters' }),
    });
    await coordinator.operation({
      resourceType: 'CarePlan',
      id: second.id ?? '',
      name: '$record-agreement',
      input: asFhir({
        resourceType: 'Parameters',
        parameter: [
          { name: 'agreedBy', valueCode: 'patient' },
          { name: 'method', valueCode: 'written' },
        ],
      }),
    });
    const current = await as<CarePlan>(coordinator.read({ resourceType: 'CarePlan', id: second.id ?? '' }));
    const refused = await failure(
      coordinator.update({
        resourceType: 'CarePlan',
        id: second.id ?? '',
        body: asFhir({ ...current, status: 'active' }),
      }),
    );
    expect(refused.status).toBe(422);
    expect(refused.data.issue[0]?.details?.coding?.[0]?.code).toBe('ppcs-one-active-per-patient');
  });
});
