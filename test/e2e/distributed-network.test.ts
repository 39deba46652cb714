// The distributed mode end to end (issue 16): the tasks, care-plans and shared-info services each a
// separate OS process with its own PostgreSQL database, talking only through a Kafka broker of
// their own, behind the gateway as a stateless proxy; driven through fhir-kit-client at the
// gateway's one FHIR base URL, as an EHR would.
//
// The story: S2 (a PPCS becomes Tasks once validated and agreed; the plan follows its Tasks) with
// the tasks service killed (SIGKILL) right after the activation and started again — every Task
// created once, none lost; writes acknowledged while the tasks service is killed under load are all
// there after its restart; S3 across services (a consent recorded in shared-info opens the PPCS in
// care-plans to the social sector, not the Tasks in tasks; the patient's access history, kept by
// shared-info, lists what care-plans and tasks refused and allowed); and the cross-service
// `_revinclude` of the gateway.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AuditEvent, Bundle, CapabilityStatement, CarePlan, Parameters, Task } from 'fhir/r4.js';
import { Client, type FhirResource } from 'fhir-kit-client';
import { CARE_PLAN_EXTENSIONS } from '@carenet/care-plans';
import {
  createRunDirectory,
  startLocalNetwork,
  type LocalNetwork,
  type RunDirectory,
} from '@carenet/testing';
import { activity, C, draftPpcs, DR_B, IDEL, PHARMACIST, ref, Y } from './support/ppcs-scenario.js';
import { IDNPS, INS } from './support/ppcs-platform.js';
import { until } from './support/until.js';

const asFhir = (resource: object) => resource as unknown as FhirResource;
const as = async <T>(call: Promise<unknown>): Promise<T> => (await call) as T;
async function statusOf(call: Promise<unknown>): Promise<number> {
  try {
    await call;
    return 200;
  } catch (error) {
    return (error as { response?: { status: number } }).response?.status ?? 0;
  }
}
const CATEGORY = 'https://carenet.example.org/fhir/CodeSystem/shared-information-category';
const INFORMATION_GIVEN = 'https://carenet.example.org/fhir/StructureDefinition/consent-information-given';
const RECIPIENT_SECTOR = 'https://carenet.example.org/fhir/StructureDefinition/consent-recipient-sector';

/** Y's consent, recorded by C: medico-social information, to every professional of the social sector. */
const consent = {
  resourceType: 'Consent',
  extension: [
    {
      url: INFORMATION_GIVEN,
      extension: [
        { url: 'date', valueDateTime: new Date(Date.now() - 3_600_000).toISOString() },
        { url: 'category', valueCoding: { system: CATEGORY, code: 'medico-social' } },
      ],
    },
  ],
  status: 'active',
  scope: {
    coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'patient-privacy' }],
  },
  category: [{ coding: [{ system: 'http://loinc.org', code: '59284-0' }] }],
  patient: { type: 'Patient', identifier: Y },
  dateTime: new Date(Date.now() - 60_000).toISOString(),
  policyRule: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'OPTIN' }] },
  provision: {
    type: 'permit',
    actor: [
      {
        role: {
          coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType', code: 'IRCP' }],
        },
        reference: { extension: [{ url: RECIPIENT_SECTOR, valueCode: 'social' }], display: 'Social sector' },
      },
    ],
    code: [{ coding: [{ system: CATEGORY, code: 'medico-social' }] }],
  },
};

describe('the distributed mode: every service its own process, behind the gateway, over Kafka', () => {
  let run: RunDirectory;
  let dataDir: string;
  let network: LocalNetwork;
  const clients = new Map<string, Client>();
  let plan: CarePlan;

  /** A fhir-kit-client at the gateway, with a token of the network's issuer. */
  function client(name: string, ...tokenArgs: string[]): Client {
    const known = clients.get(name);
    if (known !== undefined) return known;
    const token = network.token(...tokenArgs);
    const made = new Client({
      baseUrl: network.fhirBase,
      customHeaders: { Authorization: `Bearer ${token}` },
    });
    clients.set(name, made);
    return made;
  }
  const professional = (actor: typeof C) => {
    if (actor.kind !== 'professional') throw new Error('a professional of the scenario');
    const { value } = actor.identifier;
    return client(
      value,
      '--professional',
      value,
      '--profession',
      actor.profession.code,
      '--name',
      actor.name ?? '',
    );
  };
  const coordinator = () => professional(C);
  const planTasks = async () =>
    (
      (await coordinator().search({
        resourceType: 'Task',
        searchParams: { 'based-on': `CarePlan/${plan.id ?? ''}` },
      })) as unknown as Bundle
    ).entry?.map((e) => e.resource as Task) ?? [];

  beforeAll(async () => {
    run = createRunDirectory();
    dataDir = mkdtempSync(join(tmpdir(), 'carenet-network-test-'));
    network = await startLocalNetwork({
      run,
      dataDir,
      log: (line) => process.stderr.write(`[network] ${line}\n`),
      // The test run's PostgreSQL server, databases of this test's own; a Kafka broker of its own
      // (the services use the default topic names).
      ...(process.env.DATABASE_URL !== undefined && { databaseUrl: process.env.DATABASE_URL }),
      databasePrefix: `net_${randomBytes(3).toString('hex')}`,
      dropDatabasesOnStop: true,
      env: { CARENET_LOG_LEVEL: 'warn' },
    });
  }, 240_000);
  afterAll(async () => {
    // What beforeAll got to start before it failed, if it did.
    await (network as LocalNetwork | undefined)?.stop();
    (run as RunDirectory | undefined)?.remove();
    if ((dataDir as string | undefined) !== undefined) rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('serves one FHIR base: the CapabilityStatement of every service, merged by the gateway', async () => {
    const metadata = (await new Client({
      baseUrl: network.fhirBase,
    }).capabilityStatement()) as unknown as CapabilityStatement;
    const types = metadata.rest?.[0]?.resource?.map((r) => r.type) ?? [];
    expect(types).toEqual(
      expect.arrayContaining(['Task', 'CarePlan', 'CareTeam', 'Goal', 'Patient', 'Consent', 'AuditEvent']),
    );
    // Without a token, the gateway refuses before any service is asked.
    expect(await statusOf(new Client({ baseUrl: network.fhirBase }).search({ resourceType: 'Task' }))).toBe(
      401,
    );
  });

  it('S2: the PPCS becomes Tasks through Kafka, once, though the tasks service is killed meanwhile', async () => {
    // Due dates ahead of the services' real clocks: no overdue alert, no review due, in this run.
    const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
    const draft = draftPpcs('PPCS of Y after discharge', [
      activity(ref(IDEL), 'Wound care', { scheduledPeriod: { start: inDays(0), end: inDays(14) } }),
      activity(ref(PHARMACIST), 'Medication reconciliation', {
        scheduledPeriod: { start: inDays(0), end: inDays(2) },
      }),
    ]);
    plan = await as<CarePlan>(
      coordinator().create({
        resourceType: 'CarePlan',
        body: asFhir({
          ...draft,
          extension: draft.extension?.map((e) =>
            e.url === CARE_PLAN_EXTENSIONS.reviewDate ? { ...e, valueDate: inDays(30).slice(0, 10) } : e,
          ),
        }),
      }),
    );
    const validate = { resourceType: 'Parameters' } satisfies Parameters;
    await professional(DR_B).operation({
      resourceType: 'CarePlan',
      id: plan.id ?? '',
      name: '$validate-plan',
      input: asFhir(validate),
    });
    await coordinator().operation({
      resourceType: 'CarePlan',
      id: plan.id ?? '',
      name: '$record-agreement',
      input: asFhir({
        resourceType: 'Parameters',
        parameter: [
          { name: 'agreedBy', valueCode: 'patient' },
          { name: 'method', valueCode: 'oral' },
        ],
      }),
    });
    const current = await as<CarePlan>(coordinator().read({ resourceType: 'CarePlan', id: plan.id ?? '' }));
    plan = await as<CarePlan>(
      coordinator().update({
        resourceType: 'CarePlan',
        id: plan.id ?? '',
        body: asFhir({ ...current, status: 'active' }),
      }),
    );
    // The tasks service dies while the plan's events are on their way to it.
    const [tasksService] = network.services.tasks;
    if (tasksService === undefined) throw new Error('no tasks service');
    await network.kill(tasksService);
    expect(await statusOf(coordinator().search({ resourceType: 'Task' }))).toBe(502);
    await network.restart(tasksService);

    const tasks = await until(
      async () => {
        const found = await planTasks();
        return found.length >= 2 ? found : undefined;
      },
      'the 2 Tasks of the plan',
      60_000,
    );
    // A moment more: nothing arrives twice.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect((await planTasks()).length).toBe(2);
    expect(tasks.map((t) => t.owner?.identifier?.value).sort()).toEqual(['821000000001', '860000000001']);
    // The plan learns its Tasks back through the tasks service's events.
    const links = await until(
      async () => {
        const read = await as<CarePlan>(coordinator().read({ resourceType: 'CarePlan', id: plan.id ?? '' }));
        const found = read.activity?.map(
          (a) =>
            a.extension?.find((e) => e.url === CARE_PLAN_EXTENSIONS.actionTask)?.valueReference?.reference,
        );
        return found?.every((l) => l !== undefined) ? found : undefined;
      },
      'the activity links',
      60_000,
    );
    expect(new Set(links)).toEqual(new Set(tasks.map((t) => `Task/${t.id ?? ''}`)));
  }, 240_000);

  it('includes across services: the plan with its Tasks (_revinclude=Task:based-on) in one Bundle', async () => {
    const bundle = (await coordinator().search({
      resourceType: 'CarePlan',
      searchParams: { _id: plan.id ?? '', _revinclude: 'Task:based-on' },
    })) as unknown as Bundle;
    const byMode = (mode: string) =>
      bundle.entry?.filter((e) => e.search?.mode === mode).map((e) => e.resource?.resourceType) ?? [];
    expect(byMode('match')).toEqual(['CarePlan']);
    expect(byMode('include')).toEqual(['Task', 'Task']);
  });

  it('keeps every acknowledged write when the tasks service is killed under load', async () => {
    const gp = professional(DR_B);
    const acknowledged: string[] = [];
    let refused = 0;
    const [tasksService] = network.services.tasks;
    if (tasksService === undefined) throw new Error('no tasks service');
    const writer = (async () => {
      for (let i = 0; i < 60; i++) {
        try {
          const task = await as<Task>(
            gp.create({
              resourceType: 'Task',
              body: asFhir({
                resourceType: 'Task',
                status: 'requested',
                intent: 'order',
                code: { text: `Dressing ${i}` },
                for: { identifier: Y },
                requester: { identifier: { system: IDNPS, value: '810000000002' } },
                owner: { identifier: { system: IDNPS, value: '860000000001' } },
              }),
            }),
          );
          acknowledged.push(task.id ?? '');
        } catch {
          refused += 1;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
    })();
    await until(() => Promise.resolve(acknowledged.length >= 10 ? true : undefined), '10 writes', 60_000);
    await network.kill(tasksService);
    await new Promise((resolve) => setTimeout(resolve, 500));
    await network.restart(tasksService);
    await writer;
    process.stdout.write(
      `[distributed] ${acknowledged.length} creates acknowledged, ${refused} refused while the tasks service was down\n`,
    );
    expect(refused).toBeGreaterThan(0);
    for (const id of acknowledged) {
      expect((await as<Task>(gp.read({ resourceType: 'Task', id }))).id).toBe(id);
    }
  }, 240_000);

  it('S3 across services: a consent in shared-info opens the PPCS in care-plans, not the Tasks', async () => {
    const worker = client(
      'S',
      '--professional',
      '880000000001',
      '--profession',
      '60',
      '--sector',
      'social',
      '--name',
      'S',
    );
    const readPlan = () => statusOf(worker.read({ resourceType: 'CarePlan', id: plan.id ?? '' }));
    expect(await readPlan()).toBe(403);
    await coordinator().create({ resourceType: 'Consent', body: asFhir(consent) });
    // care-plans learns the consent from carenet.shared-info.
    await until(
      async () => ((await readPlan()) === 200 ? true : undefined),
      'the consent in care-plans',
      60_000,
    );
    const [task] = await planTasks();
    expect(await statusOf(worker.read({ resourceType: 'Task', id: task?.id ?? '' }))).toBe(403);

    // Y's access history, kept by shared-info from every service's audit records.
    const patient = client('Y', '--patient', Y.value);
    const history = await until(
      async () => {
        const bundle = (await patient.search({
          resourceType: 'AuditEvent',
          searchParams: { _count: '200' },
        })) as unknown as Bundle;
        const events = (bundle.entry?.map((e) => e.resource) ?? []).filter(
          (r): r is AuditEvent => r?.resourceType === 'AuditEvent',
        );
        const byS = events.filter((e) => e.agent.some((a) => a.who?.identifier?.value === '880000000001'));
        const services = new Set(
          byS.flatMap((e) => e.entity?.map((x) => x.what?.reference?.split('/')[0]) ?? []),
        );
        return services.has('CarePlan') && services.has('Task') ? byS : undefined;
      },
      "S's attempts in Y's access history",
      60_000,
    );
    expect(history.some((e) => e.outcome !== '0')).toBe(true);
    expect(history.some((e) => e.outcome === '0')).toBe(true);
  }, 120_000);

  it('refuses a patient token the data of another patient, in every service', async () => {
    const other = client('other', '--patient', '179035121518912');
    expect(await statusOf(other.read({ resourceType: 'CarePlan', id: plan.id ?? '' }))).toBe(403);
    const [task] = await planTasks();
    expect(await statusOf(other.read({ resourceType: 'Task', id: task?.id ?? '' }))).toBe(403);
    expect(INS).toBe(Y.system);
  });
});
