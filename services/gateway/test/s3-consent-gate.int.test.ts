// Scenario S3, the consent gate (DOMAIN.md §7, issue 18), end to end through the gateway's router
// over the real broker: the relays publish the audit records on this run's `carenet.audit` topic,
// shared-info's consumer group keeps them as AuditEvents. Social worker S (social sector, outside
// Y's care team) asks for Y's PPCS: 403, and the attempt is in Y's access history; coordinator C
// records Y's consent to share medico-social information with the social sector: S then sees the
// PPCS (medico-social) and still not the Tasks (medical); Y withdraws: S is denied again; Y's
// access history lists every attempt of S.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Actor } from '@carenet/access';
import { postgresDatabase, type SqlDatabase } from '@carenet/eventsourcing';
import { createTestDatabase, testKafkaBrokers, uniqueName, type TestDatabase } from '@carenet/testing';
import {
  startInProcessGateway,
  type FhirAnswer,
  type InProcessGateway,
} from './support/in-process-gateway.js';

const INS = 'urn:oid:1.2.250.1.213.1.4.8';
const IDNPS = 'urn:oid:1.2.250.1.71.4.2.1';
const CATEGORY = 'https://carenet.example.org/fhir/CodeSystem/shared-information-category';
const INFORMATION_GIVEN = 'https://carenet.example.org/fhir/StructureDefinition/consent-information-given';
const RECIPIENT_SECTOR = 'https://carenet.example.org/fhir/StructureDefinition/consent-recipient-sector';
const NIR = '279035121518989';
const WORKER_IDNPS = '880000000001';

const socialWorker: Actor = {
  kind: 'professional',
  identifier: { system: IDNPS, value: WORKER_IDNPS },
  profession: {
    system: 'https://carenet.example.org/fhir/CodeSystem/test-profession',
    code: 'social-worker',
  },
  sector: 'social',
  name: 'S',
};
const patientY: Actor = { kind: 'patient', identifier: { system: INS, value: NIR } };
const subject = { type: 'Patient', identifier: { system: INS, value: NIR } };

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
  patient: subject,
  dateTime: new Date(Date.now() - 60_000).toISOString(),
  policyRule: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'OPTIN' }] },
  provision: {
    type: 'permit',
    actor: [
      {
        role: {
          coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType', code: 'IRCP' }],
        },
        reference: {
          extension: [{ url: RECIPIENT_SECTOR, valueCode: 'social' }],
          display: 'Social sector',
        },
      },
    ],
    code: [{ coding: [{ system: CATEGORY, code: 'medico-social' }] }],
  },
};

interface AuditEventShape {
  readonly outcome: string;
  readonly subtype?: { readonly code?: string }[];
  readonly entity: { readonly what?: { readonly reference?: string } }[];
}

const entries = (answer: FhirAnswer): unknown[] => (answer.body.entry ?? []) as unknown[];

async function until<T>(what: string, probe: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('S3: the consent gate, end to end over Kafka', () => {
  let database: TestDatabase;
  let db: SqlDatabase;
  let gateway: InProcessGateway;
  let worker: string;
  let patient: string;

  beforeAll(async () => {
    database = await createTestDatabase('gateway-s3');
    db = postgresDatabase({ connectionString: database.url });
    // This run's own topics and groups: the broker is shared with other tests.
    const run = uniqueName('s3');
    gateway = await startInProcessGateway(db, {
      background: true,
      kafkaBrokers: testKafkaBrokers(),
      kafkaNaming: {
        topicOf: (context) => `carenet.${context}.${run}`,
        groupIdOf: (group) => `${group}.${run}`,
      },
    });
    worker = await gateway.tokenFor(socialWorker);
    patient = await gateway.tokenFor(patientY, 'patient/*.rs');
  }, 60_000);
  afterAll(async () => {
    await gateway.close();
    await db.close();
    await database.drop();
  });

  /** Y's access history: the AuditEvents of S's accesses, oldest first. */
  const historyOfS = async (): Promise<AuditEventShape[]> => {
    const answer = await gateway.callWith(
      patient,
      'GET',
      `AuditEvent?patient:identifier=${INS}|${NIR}&agent:identifier=${IDNPS}|${WORKER_IDNPS}&_sort=date&_count=100`,
    );
    expect(answer.status).toBe(200);
    return entries(answer).map((e) => (e as { resource: AuditEventShape }).resource);
  };
  const summary = (events: AuditEventShape[]) =>
    events.map((e) => [e.subtype?.[0]?.code, e.outcome, e.entity[0]?.what?.reference]);

  it('denies S, logs it; after consent S sees the PPCS only; after withdrawal S is denied again', async () => {
    // C (here the GP, the plan's author) drafts Y's PPCS; a Task of Y's care exists too.
    const plan = await gateway.call('POST', 'CarePlan', {
      resourceType: 'CarePlan',
      status: 'draft',
      intent: 'plan',
      title: 'PPCS',
      subject,
      author: { type: 'Practitioner', identifier: { system: IDNPS, value: '810000000001' } },
    });
    expect(plan.status).toBe(201);
    const planPath = `CarePlan/${String(plan.body.id)}`;
    const task = await gateway.createTask();
    expect(task.status).toBe(201);
    const taskPath = `Task/${String(task.body.id)}`;
    expect((await gateway.call('GET', planPath)).status).toBe(200);

    // 1. S asks for the PPCS: denied, and the attempt is in Y's access history.
    expect((await gateway.callWith(worker, 'GET', planPath)).status).toBe(403);
    expect(
      entries(await gateway.callWith(worker, 'GET', `CarePlan?patient:identifier=${INS}|${NIR}`)),
    ).toEqual([]);
    await until('the denied attempt in Y\u2019s history', historyOfS, (events) => events.length === 1);
    expect(summary(await historyOfS())).toEqual([['read', '4', planPath]]);

    // 2. C informs Y and records the consent: S sees the PPCS (medico-social), not the Task (medical).
    const recorded = await gateway.call('POST', 'Consent', consent);
    expect(recorded.status).toBe(201);
    expect((await gateway.callWith(worker, 'GET', planPath)).status).toBe(200);
    const found = await gateway.callWith(worker, 'GET', `CarePlan?patient:identifier=${INS}|${NIR}`);
    expect(entries(found)).toHaveLength(1);
    expect((await gateway.callWith(worker, 'GET', taskPath)).status).toBe(403);
    expect(entries(await gateway.callWith(worker, 'GET', `Task?patient:identifier=${INS}|${NIR}`))).toEqual(
      [],
    );

    // 3. Y withdraws: S is denied again.
    const withdrawn = await gateway.call('PUT', `Consent/${String(recorded.body.id)}`, {
      ...recorded.body,
      status: 'inactive',
    });
    expect(withdrawn.status).toBe(200);
    expect((await gateway.callWith(worker, 'GET', planPath)).status).toBe(403);

    // 4. Y's access history lists every attempt of S, in order.
    const all = await until('every attempt of S', historyOfS, (events) => events.length >= 5);
    expect(summary(all)).toEqual([
      ['read', '4', planPath],
      ['read', '0', planPath],
      ['search-type', '0', planPath],
      ['read', '4', taskPath],
      ['read', '4', planPath],
    ]);
  }, 120_000);
});
