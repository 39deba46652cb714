// A Task naming its patient by the literal reference of the network's Patient record
// (`for: { reference: 'Patient/<id>' }`, issue 18): the access decision knows it for the patient
// registered with that record's INS. The patient reads and finds it with their own token; a
// consent given by INS opens it to the professionals it names; another patient sees nothing.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Actor } from '@carenet/access';
import { postgresDatabase, type SqlDatabase } from '@carenet/eventsourcing';
import { createTestDatabase, type TestDatabase } from '@carenet/testing';
import { startInProcessGateway, type InProcessGateway } from './support/in-process-gateway.js';

const INS = 'urn:oid:1.2.250.1.213.1.4.8';
const IDNPS = 'urn:oid:1.2.250.1.71.4.2.1';
const CATEGORY = 'https://carenet.example.org/fhir/CodeSystem/shared-information-category';
const RELIABILITY = 'https://hl7.fr/ig/fhir/core/StructureDefinition/fr-core-identity-reliability';
const INFORMATION_GIVEN = 'https://carenet.example.org/fhir/StructureDefinition/consent-information-given';
const RECIPIENT_SECTOR = 'https://carenet.example.org/fhir/StructureDefinition/consent-recipient-sector';
const NIR = '279035121518989';

const patientRecord = {
  resourceType: 'Patient',
  extension: [
    {
      url: RELIABILITY,
      extension: [
        {
          url: 'identityStatus',
          valueCoding: { system: 'https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-v2-0445', code: 'QUAL' },
        },
      ],
    },
  ],
  identifier: [{ system: INS, value: NIR }],
  name: [{ family: 'Martin', given: ['Yvonne'] }],
  gender: 'female',
  birthDate: '1979-03-12',
};

/** The patient's consent, by INS: medical information, to every professional of the social sector. */
const consent = {
  resourceType: 'Consent',
  extension: [
    {
      url: INFORMATION_GIVEN,
      extension: [
        { url: 'date', valueDateTime: new Date(Date.now() - 3_600_000).toISOString() },
        { url: 'category', valueCoding: { system: CATEGORY, code: 'medical' } },
      ],
    },
  ],
  status: 'active',
  scope: {
    coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'patient-privacy' }],
  },
  category: [{ coding: [{ system: 'http://loinc.org', code: '59284-0' }] }],
  patient: { type: 'Patient', identifier: { system: INS, value: NIR } },
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
    code: [{ coding: [{ system: CATEGORY, code: 'medical' }] }],
  },
};

const socialWorker: Actor = {
  kind: 'professional',
  identifier: { system: IDNPS, value: '880000000001' },
  profession: {
    system: 'https://carenet.example.org/fhir/CodeSystem/test-profession',
    code: 'social-worker',
  },
  sector: 'social',
  name: 'S',
};
const patient: Actor = { kind: 'patient', identifier: { system: INS, value: NIR } };
const otherPatient: Actor = { kind: 'patient', identifier: { system: INS, value: '180017512345678' } };

describe('a Task naming its patient by the literal reference of their record (PostgreSQL)', () => {
  let database: TestDatabase;
  let db: SqlDatabase;
  let gateway: InProcessGateway;

  beforeAll(async () => {
    database = await createTestDatabase('gateway-literal-patient');
    db = postgresDatabase({ connectionString: database.url });
    gateway = await startInProcessGateway(db);
  });
  afterAll(async () => {
    await gateway.close();
    await db.close();
    await database.drop();
  });

  it('is the data of the patient registered with that record: their token, their consent', async () => {
    const registered = await gateway.call('POST', 'Patient', patientRecord);
    expect(registered.status).toBe(201);
    const patientId = String(registered.body.id);
    const task = await gateway.call('POST', 'Task', {
      resourceType: 'Task',
      status: 'requested',
      intent: 'order',
      code: { text: 'Wound care' },
      for: { reference: `Patient/${patientId}` },
      owner: { identifier: { system: IDNPS, value: '810000000002' } },
    });
    expect(task.status).toBe(201);
    const taskId = String(task.body.id);
    expect((task.body.for as { reference?: string }).reference).toBe(`Patient/${patientId}`);

    const [own, other, worker] = await Promise.all([
      gateway.tokenFor(patient, 'patient/*.rs'),
      gateway.tokenFor(otherPatient, 'patient/*.rs'),
      gateway.tokenFor(socialWorker),
    ]);
    const found = async (token: string) => {
      const answer = await gateway.callWith(token, 'GET', `Task?_id=${taskId}&_total=accurate`);
      expect(answer.status).toBe(200);
      return answer.body.total;
    };
    // The patient: by id and by search, with their own token.
    expect((await gateway.callWith(own, 'GET', `Task/${taskId}`)).status).toBe(200);
    expect(await found(own)).toBe(1);
    // Another patient, and a professional outside the care team without consent: nothing.
    expect((await gateway.callWith(other, 'GET', `Task/${taskId}`)).status).toBe(403);
    expect(await found(other)).toBe(0);
    expect((await gateway.callWith(worker, 'GET', `Task/${taskId}`)).status).toBe(403);
    expect(await found(worker)).toBe(0);

    // The patient consents, by INS, to share medical information with the social sector.
    expect((await gateway.call('POST', 'Consent', consent)).status).toBe(201);
    expect((await gateway.callWith(worker, 'GET', `Task/${taskId}`)).status).toBe(200);
    expect(await found(worker)).toBe(1);
  });
});
