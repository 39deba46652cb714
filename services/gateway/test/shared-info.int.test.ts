// The shared-information service composed in the gateway (issue 18): Patient and Consent are
// served at the one FHIR base, listed in the CapabilityStatement, created, read, searched and
// withdrawn through the gateway's router, on PostgreSQL and on PGlite (the embedded default).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PGlite } from '@electric-sql/pglite';
import { pgliteDatabase, postgresDatabase, type SqlDatabase } from '@carenet/eventsourcing';
import { createTestDatabase, type TestDatabase } from '@carenet/testing';
import { startInProcessGateway, type InProcessGateway } from './support/in-process-gateway.js';

const INS = 'urn:oid:1.2.250.1.213.1.4.8';
const IDNPS = 'urn:oid:1.2.250.1.71.4.2.1';
const CATEGORY = 'https://carenet.example.org/fhir/CodeSystem/shared-information-category';
const RELIABILITY = 'https://hl7.fr/ig/fhir/core/StructureDefinition/fr-core-identity-reliability';
const INFORMATION_GIVEN = 'https://carenet.example.org/fhir/StructureDefinition/consent-information-given';
const NIR = '279035121518989';

const patient = (status: 'QUAL' | 'VALI', family = 'Martin') => ({
  resourceType: 'Patient',
  meta: { tag: [{ system: 'urn:oid:1.2.250.1.999.3', code: 'dac' }] },
  extension: [
    {
      url: RELIABILITY,
      extension: [
        {
          url: 'identityStatus',
          valueCoding: { system: 'https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-v2-0445', code: status },
        },
      ],
    },
  ],
  identifier: [{ system: INS, value: NIR }],
  name: [{ family, given: ['Yvonne'] }],
  gender: 'female',
  birthDate: '1979-03-12',
  generalPractitioner: [{ type: 'Practitioner', identifier: { system: IDNPS, value: '810000000001' } }],
});

const consent = {
  resourceType: 'Consent',
  extension: [
    {
      url: INFORMATION_GIVEN,
      extension: [
        { url: 'date', valueDateTime: '2026-05-20T07:30:00.000Z' },
        { url: 'category', valueCoding: { system: CATEGORY, code: 'social' } },
      ],
    },
  ],
  status: 'active',
  scope: {
    coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'patient-privacy' }],
  },
  category: [{ coding: [{ system: 'http://loinc.org', code: '59284-0' }] }],
  patient: { type: 'Patient', identifier: { system: INS, value: NIR } },
  dateTime: '2026-05-20T08:00:00.000Z',
  policyRule: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'OPTIN' }] },
  provision: {
    type: 'permit',
    period: { start: '2026-05-20', end: '2026-12-31' },
    actor: [
      {
        role: {
          coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType', code: 'IRCP' }],
        },
        reference: {
          type: 'Practitioner',
          identifier: { system: IDNPS, value: '880000000001' },
          display: 'S',
        },
      },
    ],
    code: [{ coding: [{ system: CATEGORY, code: 'social' }] }],
  },
};

/** A resource as served, without what the server owns (id, meta, the recorded-by extension). */
function asGiven(resource: Record<string, unknown>): Record<string, unknown> {
  const { id: _id, meta, extension, ...rest } = resource;
  const { versionId: _v, lastUpdated: _l, ...given } = meta as Record<string, unknown>;
  const kept = (extension as { url: string }[]).filter((e) => !e.url.endsWith('/recorded-by'));
  return {
    ...rest,
    ...(kept.length > 0 && { extension: kept }),
    ...(Object.keys(given).length > 0 && { meta: given }),
  };
}

const ids = (bundle: Record<string, unknown>) =>
  ((bundle.entry ?? []) as { resource: { id: string } }[]).map((entry) => entry.resource.id);

/** The database of a run: PostgreSQL (distributed mode) or PGlite (the embedded default, `npm start`). */
interface Database {
  readonly db: SqlDatabase;
  close(): Promise<void>;
}

async function postgres(): Promise<Database> {
  const database: TestDatabase = await createTestDatabase('gateway-shared-info');
  const db = postgresDatabase({ connectionString: database.url });
  return {
    db,
    async close() {
      await db.close();
      await database.drop();
    },
  };
}

async function pglite(): Promise<Database> {
  const lite = await PGlite.create();
  const db = pgliteDatabase(lite);
  return { db, close: () => db.close() };
}

describe.each([
  ['PostgreSQL', postgres],
  ['PGlite', pglite],
])('Patient and Consent through the gateway (%s)', (_name, open) => {
  let database: Database;
  let gateway: InProcessGateway;

  beforeAll(async () => {
    database = await open();
    gateway = await startInProcessGateway(database.db);
    // Dr A (the caller) asks a nurse for wound care for this patient: a Task makes Dr A take part
    // in the patient's care, what the access decision asks before a read of the patient's data.
    const task = await gateway.createTask();
    if (task.status !== 201) throw new Error(`the Task was not created: ${JSON.stringify(task.body)}`);
  });
  afterAll(async () => {
    await gateway.close();
    await database.close();
  });

  it('lists Patient and Consent in the CapabilityStatement, with their search parameters', async () => {
    const metadata = await gateway.call('GET', 'metadata');
    const resources = (
      metadata.body.rest as { resource: { type: string; searchParam?: { name: string }[] }[] }[]
    )[0]!.resource;
    const of = (type: string) => resources.find((resource) => resource.type === type);
    expect(of('Patient')?.searchParam?.map((p) => p.name)).toEqual(
      expect.arrayContaining([
        'identifier',
        'name',
        'family',
        'given',
        'birthdate',
        'gender',
        'general-practitioner',
        'active',
        'link',
      ]),
    );
    expect(of('Consent')?.searchParam?.map((p) => p.name)).toEqual(
      expect.arrayContaining(['patient', 'status', 'actor', 'category', 'period', 'date']),
    );
  });

  it('creates, reads and searches a Patient; refuses an INS-NIR on an identity not qualified (422 naming the rule)', async () => {
    const refused = await gateway.call('POST', 'Patient', patient('VALI'));
    expect(refused.status).toBe(422);
    expect(JSON.stringify(refused.body)).toContain('patient-ins-nir-requires-qualified-identity');

    const created = await gateway.call('POST', 'Patient', patient('QUAL'));
    expect([created.status, created.body.issue]).toEqual([201, undefined]);
    const id = String(created.body.id);
    const read = await gateway.call('GET', `Patient/${id}`);
    expect([read.status, read.body.issue]).toEqual([200, undefined]);
    expect(asGiven(read.body)).toEqual(patient('QUAL'));
    expect(read.headers.get('etag')).toBe('W/"1"');

    for (const query of [
      `identifier=${INS}|${NIR}`,
      'family=martin',
      'name=yvonne',
      'birthdate=1979-03-12',
      'gender=female',
      `general-practitioner:identifier=${IDNPS}|810000000001`,
      '_tag=urn:oid:1.2.250.1.999.3|dac',
    ]) {
      const found = await gateway.call('GET', `Patient?${query}`);
      expect([query, ids(found.body)]).toEqual([query, [id]]);
    }
    expect(ids((await gateway.call('GET', 'Patient?family=dupont')).body)).toEqual([]);

    const second = await gateway.call('POST', 'Patient', patient('QUAL', 'Martin-Dupont'));
    expect(second.status).toBe(422);
    expect(JSON.stringify(second.body)).toContain('patient-identifier-taken');
  });

  it('records, reads, searches and withdraws a Consent', async () => {
    const created = await gateway.call('POST', 'Consent', consent);
    expect([created.status, created.body.issue]).toEqual([201, undefined]);
    const id = String(created.body.id);
    const read = await gateway.call('GET', `Consent/${id}`);
    expect([read.status, read.body.issue]).toEqual([200, undefined]);
    expect(asGiven(read.body)).toEqual(consent);

    for (const query of [
      `patient:identifier=${INS}|${NIR}`,
      'status=active',
      `actor:identifier=${IDNPS}|880000000001`,
      'category=http://loinc.org|59284-0',
      'period=ge2026-06-01',
      'period=le2026-06-01',
      'date=2026-05-20',
    ]) {
      const found = await gateway.call('GET', `Consent?${query}`);
      expect([query, ids(found.body)]).toEqual([query, [id]]);
    }

    expect(ids((await gateway.call('GET', 'Consent?period=lt2026-05-01')).body)).toEqual([]);
    const withdrawn = await gateway.call('PUT', `Consent/${id}`, { ...read.body, status: 'inactive' });
    expect([withdrawn.status, withdrawn.body.status]).toEqual([200, 'inactive']);
    expect(ids((await gateway.call('GET', 'Consent?status=active')).body)).toEqual([]);
    const again = await gateway.call('PUT', `Consent/${id}`, { ...read.body, status: 'active' });
    expect(again.status).toBe(422);
    expect(JSON.stringify(again.body)).toContain('consent-withdrawn');
    const history = await gateway.call('GET', `Consent/${id}/_history`);
    expect((history.body.entry as unknown[]).length).toBe(2);
  });
});
