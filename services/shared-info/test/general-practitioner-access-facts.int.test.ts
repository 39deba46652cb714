// The médecin traitant as a care relation (issue 18): a Patient's generalPractitioner is kept in
// the access facts by an inline projection in the append's transaction, read back by
// @carenet/access (factsOf → decideAccess; visiblePatients for searches), on a real PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { decideAccess, LITERAL_REFERENCE_SYSTEM, PostgresAccessFacts, type Actor } from '@carenet/access';
import { COORDINATOR, GP, NURSE, PATIENT_INS } from './support/actors.js';
import { patientBody } from './support/fhir-fixtures.js';
import { startSharedInfoServer, type SharedInfoServer } from './support/shared-info-server.js';

const facts = new PostgresAccessFacts('access');
const KEY = `${PATIENT_INS.system}|${PATIENT_INS.value}`;

describe('the médecin traitant in the access facts', () => {
  let server: SharedInfoServer;
  beforeAll(async () => {
    server = await startSharedInfoServer('shared-info-gp-access-facts', { accessFacts: facts });
  });
  afterAll(async () => {
    await server.close();
  });

  const decide = async (actor: Actor) =>
    decideAccess(
      {
        actor,
        patient: PATIENT_INS,
        category: 'medical',
        purpose: 'treatment',
        at: new Date().toISOString(),
      },
      await facts.factsOf(server.db, PATIENT_INS),
    );
  const visible = async (actor: Actor) => {
    const query = facts.visiblePatients(actor, 'medical', new Date().toISOString());
    if (query.kind !== 'some') return query.kind;
    return (await server.db.query<Record<string, string>>(query.sql, [...query.params])).map(
      (row) => Object.values(row)[0],
    );
  };
  const gp = (actor: typeof GP) => [{ type: 'Practitioner', identifier: actor.identifier }];

  it('the GP named on the record is in the care team; changing the GP moves the relation', async () => {
    expect(await decide(GP)).toMatchObject({ permit: false, denied: 'no-care-relation' });
    const created = await server.call(
      COORDINATOR,
      'POST',
      'Patient',
      patientBody({ generalPractitioner: gp(GP) }),
    );
    expect(created.status).toBe(201);
    const id = String(created.body.id);
    expect((await facts.factsOf(server.db, PATIENT_INS)).relations).toMatchObject([
      {
        source: `Patient/${id}`,
        basis: 'care-team',
        party: { kind: 'professional', identifier: GP.identifier },
      },
    ]);
    expect(await decide(GP)).toMatchObject({ permit: true, basis: 'care-team', source: `Patient/${id}` });
    // The patient, under the INS and the record's literal reference (an alias of the INS).
    expect(await visible(GP)).toEqual([KEY, `${LITERAL_REFERENCE_SYSTEM}|Patient/${id}`]);

    const changed = await server.call(COORDINATOR, 'PUT', `Patient/${id}`, {
      ...created.body,
      generalPractitioner: gp(NURSE),
    });
    expect(changed.status).toBe(200);
    expect(await decide(GP)).toMatchObject({ permit: false });
    expect(await visible(GP)).toEqual([]);
    expect(await decide(NURSE)).toMatchObject({ permit: true, basis: 'care-team' });

    const { generalPractitioner: _gp, ...without } = changed.body;
    expect((await server.call(COORDINATOR, 'PUT', `Patient/${id}`, without)).status).toBe(200);
    expect((await facts.factsOf(server.db, PATIENT_INS)).relations).toEqual([]);
  });
});
