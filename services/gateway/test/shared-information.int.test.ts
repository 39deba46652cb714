// Communication and DocumentReference through the gateway (issue 18), on PostgreSQL: served at the
// one FHIR base and in the CapabilityStatement with the search parameters an EHR needs; the
// access decision made for the category each one states (a consent to share social information
// opens the social ones, never the medical ones; a professional outside the care team reads,
// finds and counts none); the médecin traitant named on the Patient reads the patient's data; a
// denied read is in the patient's access log; an inline attachment over the configured size is a
// 413.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Actor } from '@carenet/access';
import { postgresDatabase, type SqlDatabase } from '@carenet/eventsourcing';
import { createTestDatabase, type TestDatabase } from '@carenet/testing';
import {
  startInProcessGateway,
  type FhirAnswer,
  type InProcessGateway,
} from './support/in-process-gateway.js';

const INS = 'urn:oid:1.2.250.1.213.1.4.8';
const IDNPS = 'urn:oid:1.2.250.1.71.4.2.1';
const CATEGORY = 'https://carenet.example.org/fhir/CodeSystem/shared-information-category';
const NIR = '279035121518989';
/** Dr A, the caller of `gateway.call`: the patient's médecin traitant once the Patient says so. */
const GP_IDNPS = '810000000001';
const WORKER_IDNPS = '880000000001';
const PHARMACIST_IDNPS = '830000000009';
const PROFESSION = 'https://mos.esante.gouv.fr/NOS/TRE_G15-ProfessionSante/FHIR/TRE-G15-ProfessionSante';

const professional = (value: string, code: string, sector: 'social' | 'primary-care'): Actor => ({
  kind: 'professional',
  identifier: { system: IDNPS, value },
  profession: { system: PROFESSION, code },
  sector,
});
const socialWorker = professional(WORKER_IDNPS, '80', 'social');
const pharmacist = professional(PHARMACIST_IDNPS, '21', 'primary-care');
const patientActor: Actor = { kind: 'patient', identifier: { system: INS, value: NIR } };

const practitioner = (value: string) => ({ type: 'Practitioner', identifier: { system: IDNPS, value } });
const category = (code: string) => [{ coding: [{ system: CATEGORY, code }] }];
const SENT = '2026-05-20T08:00:00.000Z';

const communication = (code: string, text: string) => ({
  resourceType: 'Communication',
  identifier: [{ system: 'urn:oid:1.2.250.1.999.5', value: `msg-${code}` }],
  status: 'completed',
  category: category(code),
  subject: { identifier: { system: INS, value: NIR } },
  sent: SENT,
  recipient: [practitioner('860000000001')],
  sender: practitioner(GP_IDNPS),
  payload: [{ contentString: text }],
});

const document = (data: string) => ({
  resourceType: 'DocumentReference',
  identifier: [{ system: 'urn:oid:1.2.250.1.999.6', value: 'doc-1' }],
  status: 'current',
  docStatus: 'final',
  type: { coding: [{ system: 'http://loinc.org', code: '18842-5' }] },
  category: category('medical'),
  subject: { identifier: { system: INS, value: NIR } },
  date: SENT,
  author: [practitioner(GP_IDNPS)],
  content: [{ attachment: { contentType: 'application/pdf', data } }],
});

const patient = {
  resourceType: 'Patient',
  extension: [
    {
      url: 'https://hl7.fr/ig/fhir/core/StructureDefinition/fr-core-identity-reliability',
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
  generalPractitioner: [practitioner(GP_IDNPS)],
};

/** Y consents to share social information with social worker S, from 2026 on. */
const consent = {
  resourceType: 'Consent',
  extension: [
    {
      url: 'https://carenet.example.org/fhir/StructureDefinition/consent-information-given',
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
  patient: { identifier: { system: INS, value: NIR } },
  dateTime: '2026-05-20T08:00:00.000Z',
  policyRule: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'OPTIN' }] },
  provision: {
    type: 'permit',
    period: { start: '2026-01-01' },
    actor: [
      {
        role: {
          coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType', code: 'IRCP' }],
        },
        reference: practitioner(WORKER_IDNPS),
      },
    ],
    code: category('social'),
  },
};

const ids = (bundle: Record<string, unknown>) =>
  ((bundle.entry ?? []) as { resource: { id: string } }[]).map((entry) => entry.resource.id).sort();
const diagnostics = (answer: FhirAnswer) => JSON.stringify(answer.body.issue);

async function until<T>(what: string, probe: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('Communication and DocumentReference through the gateway (PostgreSQL)', () => {
  let database: TestDatabase;
  let db: SqlDatabase;
  let gateway: InProcessGateway;
  let tokens: { worker: string; pharmacist: string; patient: string };
  const created: Record<string, string> = {};

  beforeAll(async () => {
    database = await createTestDatabase('gateway-shared-information');
    db = postgresDatabase({ connectionString: database.url });
    gateway = await startInProcessGateway(db, { background: true });
    tokens = {
      worker: await gateway.tokenFor(socialWorker),
      pharmacist: await gateway.tokenFor(pharmacist),
      patient: await gateway.tokenFor(patientActor, 'patient/*.rs'),
    };
    for (const [name, body] of [
      ['medical', communication('medical', 'Anticoagulant stopped')],
      ['social', communication('social', 'Lives alone since May; home help requested')],
      ['document', document(Buffer.from('%PDF-1.4 discharge').toString('base64'))],
    ] as const) {
      const answer = await gateway.call('POST', body.resourceType, body);
      if (answer.status !== 201) throw new Error(`${name} not created: ${diagnostics(answer)}`);
      created[name] = String(answer.body.id);
    }
  });
  afterAll(async () => {
    await gateway.close();
    await db.close();
    await database.drop();
  });

  it('lists both types with the search parameters an EHR needs', async () => {
    const metadata = await gateway.call('GET', 'metadata');
    const resources = (
      metadata.body.rest as { resource: { type: string; searchParam?: { name: string }[] }[] }[]
    )[0]!.resource;
    const of = (type: string) =>
      resources.find((resource) => resource.type === type)?.searchParam?.map((p) => p.name);
    expect(of('Communication')).toEqual(
      expect.arrayContaining([
        'patient',
        'subject',
        'category',
        'sender',
        'recipient',
        'sent',
        'status',
        'identifier',
      ]),
    );
    expect(of('DocumentReference')).toEqual(
      expect.arrayContaining([
        'patient',
        'subject',
        'type',
        'category',
        'date',
        'author',
        'status',
        'identifier',
      ]),
    );
  });

  it('the médecin traitant named on the Patient reads the patient’s information; before, the sender alone did not', async () => {
    // Dr A sent them, but sending makes nobody a member of the care team.
    expect((await gateway.call('GET', `Communication/${created.medical!}`)).status).toBe(403);
    const registered = await gateway.call('POST', 'Patient', patient);
    expect([registered.status, registered.body.issue]).toEqual([201, undefined]);
    for (const path of [`Communication/${created.medical!}`, `DocumentReference/${created.document!}`]) {
      const read = await gateway.call('GET', path);
      expect([path, read.status]).toEqual([path, 200]);
    }
    // Fail closed: a page of shared information includes no resource of another type (keyed
    // plainly), not even the Patient it names by literal reference (with the INS).
    const patientId = String(registered.body.id);
    const named = await gateway.call('POST', 'Communication', {
      ...communication('medical', 'Seen today'),
      subject: { reference: `Patient/${patientId}`, identifier: { system: INS, value: NIR } },
    });
    expect(named.status).toBe(201);
    const included = await gateway.call(
      'GET',
      `Communication?_id=${String(named.body.id)}&_include=Communication:subject`,
    );
    expect(
      (included.body.entry as { resource: { resourceType: string; id: string } }[]).map(
        (entry) => `${entry.resource.resourceType}/${entry.resource.id}`,
      ),
    ).toEqual([`Communication/${String(named.body.id)}`]);
    expect((await gateway.call('GET', `Patient/${patientId}`)).status).toBe(200);
    // Entered in error: the searches below count the other two.
    const wrong = await gateway.call('PUT', `Communication/${String(named.body.id)}`, {
      ...named.body,
      status: 'entered-in-error',
    });
    expect(wrong.status).toBe(200);
    const found = await gateway.call(
      'GET',
      `Communication?patient:identifier=${INS}|${NIR}&status=completed&_total=accurate`,
    );
    expect([ids(found.body), found.body.total]).toEqual([[created.medical!, created.social!].sort(), 2]);
  });

  it('searches by every parameter an EHR needs', async () => {
    for (const query of [
      `subject:identifier=${INS}|${NIR}`,
      `category=${CATEGORY}|social`,
      `sender:identifier=${IDNPS}|${GP_IDNPS}`,
      `recipient:identifier=${IDNPS}|860000000001`,
      'sent=2026-05-20',
      'status=completed',
      'identifier=urn:oid:1.2.250.1.999.5|msg-social',
    ]) {
      const found = await gateway.call('GET', `Communication?${query}&category=${CATEGORY}|social`);
      expect([query, ids(found.body)]).toEqual([query, [created.social!]]);
    }
    for (const query of [
      `patient:identifier=${INS}|${NIR}`,
      'type=http://loinc.org|18842-5',
      `category=${CATEGORY}|medical`,
      'date=ge2026-05-20',
      `author:identifier=${IDNPS}|${GP_IDNPS}`,
      'status=current',
      'identifier=urn:oid:1.2.250.1.999.6|doc-1',
    ]) {
      const found = await gateway.call('GET', `DocumentReference?${query}`);
      expect([query, ids(found.body)]).toEqual([query, [created.document!]]);
    }
  });

  it('outside the care team, a consent to share social information opens the social communication only', async () => {
    const path = (name: string) => `Communication/${created[name]!}`;
    expect((await gateway.callWith(tokens.worker, 'GET', path('social'))).status).toBe(403);
    const given = await gateway.call('POST', 'Consent', consent);
    expect([given.status, given.body.issue]).toEqual([201, undefined]);
    expect((await gateway.callWith(tokens.worker, 'GET', path('social'))).status).toBe(200);
    const medical = await gateway.callWith(tokens.worker, 'GET', path('medical'));
    expect([medical.status, diagnostics(medical)]).toEqual([
      403,
      expect.stringContaining('not shown to you'),
    ]);
    expect(
      (await gateway.callWith(tokens.worker, 'GET', `DocumentReference/${created.document!}`)).status,
    ).toBe(403);
    const found = await gateway.callWith(tokens.worker, 'GET', 'Communication?_total=accurate');
    expect([ids(found.body), found.body.total]).toEqual([[created.social!], 1]);
    const history = await gateway.callWith(tokens.worker, 'GET', 'Communication/_history');
    expect(ids(history.body)).toEqual([created.social!]);
    const documents = await gateway.callWith(tokens.worker, 'GET', 'DocumentReference?_total=accurate');
    expect([ids(documents.body), documents.body.total]).toEqual([[], 0]);
  });

  it('a professional with no care relation nor consent reads, finds and counts nothing; the denial is in the patient’s log', async () => {
    const denied = await gateway.callWith(tokens.pharmacist, 'GET', `Communication/${created.social!}`);
    expect(denied.status).toBe(403);
    for (const type of ['Communication', 'DocumentReference']) {
      const found = await gateway.callWith(tokens.pharmacist, 'GET', `${type}?_total=accurate`);
      expect([type, ids(found.body), found.body.total]).toEqual([type, [], 0]);
    }
    const log = await until(
      "the pharmacist's denied read in the patient's AuditEvents",
      () =>
        gateway.callWith(
          tokens.patient,
          'GET',
          `AuditEvent?entity=Communication/${created.social!}&outcome=4&_count=100`,
        ),
      (answer) => answer.status === 200 && JSON.stringify(answer.body).includes(PHARMACIST_IDNPS),
    );
    const events = (
      (log.body.entry ?? []) as {
        resource: { agent: { who?: { identifier?: { value?: string } } }[]; outcome: string };
      }[]
    ).map((entry) => entry.resource);
    expect(events.map((event) => [event.outcome, event.agent[0]?.who?.identifier?.value])).toContainEqual([
      '4',
      PHARMACIST_IDNPS,
    ]);
  });

  it('the patient reads their own communications', async () => {
    const found = await gateway.callWith(tokens.patient, 'GET', 'Communication?status=completed');
    expect(ids(found.body)).toEqual([created.medical!, created.social!].sort());
  });

  it('an inline attachment over the configured size is a 413 OperationOutcome; nothing is stored', async () => {
    const big = Buffer.alloc(600 * 1024, 1).toString('base64');
    const refused = await gateway.call('POST', 'DocumentReference', document(big));
    expect(refused.status).toBe(413);
    expect(refused.body).toMatchObject({
      resourceType: 'OperationOutcome',
      issue: [{ severity: 'error', code: 'too-costly' }],
    });
    expect(diagnostics(refused)).toContain('CARENET_DOCUMENT_MAX_INLINE_BYTES');
    const all = await gateway.call('GET', 'DocumentReference?_total=accurate');
    expect(all.body.total).toBe(1);
  });

  it('refuses what it cannot honour with a 422 naming it; keeps the rest as given', async () => {
    const literal = await gateway.call('POST', 'Communication', {
      ...communication('social', 'x'),
      subject: { reference: 'Patient/p-1' },
    });
    expect([literal.status, diagnostics(literal)]).toEqual([
      422,
      expect.stringContaining('Communication.subject.identifier'),
    ]);
    const twoCategories = await gateway.call('POST', 'Communication', {
      ...communication('social', 'x'),
      category: [...category('social'), ...category('medical')],
    });
    expect([twoCategories.status, diagnostics(twoCategories)]).toEqual([
      422,
      expect.stringContaining('Communication.category'),
    ]);
    const read = await gateway.call('GET', `DocumentReference/${created.document!}`);
    expect(read.body).toMatchObject({ docStatus: 'final', identifier: [{ value: 'doc-1' }] });
  });
});
