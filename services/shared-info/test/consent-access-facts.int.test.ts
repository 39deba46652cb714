// The consents and objections of the shared-information service in the access facts (issue 18):
// kept by an inline projection in the append's transaction, read back by @carenet/access
// (factsOf → decideAccess; visiblePatients for searches), on a real PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { decideAccess, PostgresAccessFacts, type Actor } from '@carenet/access';
import type { Consent } from 'fhir/r4.js';
import { COORDINATOR, NURSE, PATIENT_INS, SOCIAL_WORKER } from './support/actors.js';
import { category, IRCP } from './support/consent-fixtures.js';
import { consentBody } from './support/fhir-fixtures.js';
import { startSharedInfoServer, type SharedInfoServer } from './support/shared-info-server.js';

const facts = new PostgresAccessFacts('access');

describe('Consent facts for the access decision', () => {
  let server: SharedInfoServer;
  beforeAll(async () => {
    server = await startSharedInfoServer('shared-info-access-facts', { accessFacts: facts });
  });
  afterAll(async () => {
    await server.close();
  });

  const factsOfPatient = () => facts.factsOf(server.db, PATIENT_INS);
  const decide = async (actor: Actor, category: 'medical' | 'social', at: string) =>
    decideAccess(
      { actor, patient: PATIENT_INS, category, purpose: 'coordination', at },
      await factsOfPatient(),
    );
  const visible = async (actor: Actor, at: string) => {
    const query = facts.visiblePatients(actor, 'social', at);
    if (query.kind !== 'some') return query.kind;
    return (await server.db.query<Record<string, string>>(query.sql, [...query.params])).map(
      (row) => Object.values(row)[0],
    );
  };

  it('a consent given is in the facts over its period; its withdrawal ends it', async () => {
    const created = await server.call(COORDINATOR, 'POST', 'Consent', consentBody());
    expect(created.status).toBe(201);
    const id = String(created.body.id);
    const [consent] = (await factsOfPatient()).consents;
    expect(consent).toMatchObject({
      source: `Consent/${id}`,
      recipients: [{ kind: 'party', party: { identifier: SOCIAL_WORKER.identifier } }],
      period: { start: '2026-05-20T00:00:00.000Z', end: '2027-01-01T00:00:00.000Z' },
    });
    expect(await decide(SOCIAL_WORKER, 'social', '2026-06-01T10:00:00.000Z')).toMatchObject({
      permit: true,
      basis: 'consent',
    });
    expect(await visible(SOCIAL_WORKER, '2026-06-01T10:00:00.000Z')).toEqual([
      `${PATIENT_INS.system}|${PATIENT_INS.value}`,
    ]);

    const withdrawn = await server.call(COORDINATOR, 'PUT', `Consent/${id}`, {
      ...(created.body as unknown as Consent),
      status: 'inactive',
    });
    expect(withdrawn.status).toBe(200);
    const withdrawal = (withdrawn.body.meta as { lastUpdated: string }).lastUpdated;
    expect((await factsOfPatient()).consents).toMatchObject([{ period: { end: withdrawal } }]);
    const after = new Date(Date.parse(withdrawal) + 1000).toISOString();
    expect(await decide(SOCIAL_WORKER, 'social', after)).toMatchObject({
      permit: false,
      denied: 'no-care-relation',
    });
    expect(await visible(SOCIAL_WORKER, after)).toEqual([]);
  });

  it('an objection is in the facts; entered in error, it is gone', async () => {
    const { extension: _information, ...objection } = consentBody({
      policyRule: {
        coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'OPTOUT' }],
      },
      provision: {
        type: 'deny',
        actor: [{ role: IRCP, reference: { type: 'Practitioner', identifier: NURSE.identifier } }],
        code: [category('medical')],
      },
    });
    const created = await server.call(COORDINATOR, 'POST', 'Consent', objection);
    expect(created.status).toBe(201);
    const id = String(created.body.id);
    expect((await factsOfPatient()).objections).toMatchObject([
      {
        source: `Consent/${id}`,
        against: { kind: 'party', party: { identifier: NURSE.identifier } },
        categories: ['medical'],
      },
    ]);
    const error = await server.call(COORDINATOR, 'PUT', `Consent/${id}`, {
      ...created.body,
      status: 'entered-in-error',
    });
    expect(error.status).toBe(200);
    expect((await factsOfPatient()).objections).toEqual([]);
  });

  it('a draft states nothing', async () => {
    const before = await factsOfPatient();
    const draft = await server.call(COORDINATOR, 'POST', 'Consent', consentBody({ status: 'draft' }));
    expect(draft.status).toBe(201);
    expect(await factsOfPatient()).toEqual(before);
  });
});
