// The access facts on a real PostgreSQL: what a source states replaces what it stated before, a
// patient's facts read back decide like the facts written, and the visible-patients SELECT of a
// search agrees with the per-read decision for generated facts, actors, categories and instants.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { migrate, postgresDatabase, type SqlDatabase } from '@carenet/eventsourcing';
import { createTestDatabase, seededRandom, type TestDatabase } from '@carenet/testing';
import {
  DATA_CATEGORIES,
  decideAccess,
  IDENTIFIER_SYSTEMS,
  LITERAL_REFERENCE_SYSTEM,
  patientKey,
  PostgresAccessFacts,
  type Actor,
  type ConsentRecipient,
  type DataCategory,
  type FactPeriod,
  type Party,
  type ProfessionalActor,
  type SourceFacts,
} from '../src/index.js';

const SCHEMA = 'test_access';
const PROFESSION = 'https://mos.esante.gouv.fr/NOS/TRE_G15-ProfessionSante/FHIR/TRE-G15-ProfessionSante';
const patientOf = (n: number) => ({
  system: IDENTIFIER_SYSTEMS.ins,
  value: `2790351215${String(n).padStart(5, '0')}`,
});
const professional = (n: number, organization?: number): ProfessionalActor => ({
  kind: 'professional',
  identifier: { system: IDENTIFIER_SYSTEMS.idnps, value: `81000000${String(n).padStart(4, '0')}` },
  profession: { system: PROFESSION, code: n % 2 === 0 ? '60' : '10' },
  sector: n % 3 === 0 ? 'social' : 'primary-care',
  ...(organization === undefined
    ? {}
    : { organization: { system: IDENTIFIER_SYSTEMS.finess, value: `3300000${organization}` } }),
});
const partyOf = (actor: ProfessionalActor): Party => ({ kind: 'professional', identifier: actor.identifier });
const organization = (n: number): Party => ({
  kind: 'organization',
  identifier: { system: IDENTIFIER_SYSTEMS.finess, value: `3300000${n}` },
});

describe('access facts in PostgreSQL', () => {
  let database: TestDatabase;
  let db: SqlDatabase;
  const facts = new PostgresAccessFacts(SCHEMA);

  beforeAll(async () => {
    database = await createTestDatabase('access-facts');
    db = postgresDatabase({ connectionString: database.url });
    await migrate(db, facts.migrations, SCHEMA);
  });
  afterAll(async () => {
    await db.close();
    await database.drop();
  });

  async function visible(actor: Actor, category: DataCategory, at: string): Promise<string[]> {
    const set = facts.visiblePatients(actor, category, at);
    if (set.kind !== 'some') throw new Error(`expected a SELECT, got ${set.kind}`);
    const rows = await db.query<{ patient_key: string }>(
      `SELECT patient_key FROM (${set.sql}) v(patient_key)`,
      set.params,
    );
    return rows.map((r) => r.patient_key).sort();
  }

  it('replaces what a source stated, and forgets it when it states nothing any more', async () => {
    const nurse = professional(2);
    const patient = patientOf(1);
    const at = '2026-06-10T10:00:00Z';
    await db.transaction((tx) =>
      facts.replaceSource(tx, 'Task/t-1', {
        patient,
        relations: [{ party: partyOf(nurse), basis: 'task', period: { start: '2026-06-01' } }],
      }),
    );
    expect(await visible(nurse, 'medical', at)).toContain(patientKey(patient));
    await db.transaction((tx) =>
      facts.replaceSource(tx, 'Task/t-1', {
        patient,
        relations: [
          { party: partyOf(nurse), basis: 'task', period: { start: '2026-06-01', end: '2026-06-05' } },
        ],
      }),
    );
    expect(await visible(nurse, 'medical', at)).not.toContain(patientKey(patient));
    expect(await visible(nurse, 'medical', '2026-06-02T00:00:00Z')).toContain(patientKey(patient));
    await db.transaction((tx) => facts.replaceSource(tx, 'Task/t-1', undefined));
    expect((await facts.factsOf(db, patient)).relations).toEqual([]);
  });

  it("joins the facts of a patient named by an alias (their record's literal reference) to theirs", async () => {
    const nurse = professional(50);
    const worker = professional(51);
    const patient = patientOf(50);
    const alias = { system: LITERAL_REFERENCE_SYSTEM, value: 'Patient/p-50' };
    const self: Actor = { kind: 'patient', identifier: patient };
    const at = '2026-06-10T10:00:00Z';
    const decide = async (
      actor: Actor,
      named: { system: string; value: string },
      category: DataCategory = 'medical',
    ) =>
      decideAccess(
        { actor, patient: named, category, purpose: 'treatment', at },
        await facts.factsOf(db, named),
      );
    // A Task names the patient by the literal reference of their record only.
    await db.transaction((tx) =>
      facts.replaceSource(tx, 'Task/t-alias', {
        patient: alias,
        relations: [{ party: partyOf(nurse), basis: 'task', period: { start: '2026-06-01' } }],
      }),
    );
    // A consent names them by INS.
    await db.transaction((tx) =>
      facts.replaceSource(tx, 'Consent/c-alias', {
        patient,
        consents: [
          {
            recipients: [{ kind: 'party', party: partyOf(worker) }],
            categories: ['medical'],
            period: { start: '2026-06-01' },
          },
        ],
      }),
    );
    // Not known to be one patient yet: two.
    expect((await decide(self, alias)).permit).toBe(false);
    expect((await decide(worker, alias)).permit).toBe(false);
    expect(await visible(worker, 'medical', at)).not.toContain(patientKey(alias));

    await db.transaction((tx) => facts.replaceAliases(tx, 'Patient/p-50', [{ alias, patient }]));
    expect((await facts.factsOf(db, alias)).identities).toEqual([patient]);
    expect((await facts.factsOf(db, patient)).relations.map((r) => r.source)).toEqual(['Task/t-alias']);
    expect(await decide(self, alias)).toMatchObject({ permit: true, basis: 'own-record' });
    expect(await decide(worker, alias)).toMatchObject({ permit: true, basis: 'consent' });
    expect(await decide(nurse, patient)).toMatchObject({ permit: true, basis: 'care-team' });
    expect(await visible(worker, 'medical', at)).toEqual(
      expect.arrayContaining([patientKey(alias), patientKey(patient)]),
    );
    expect(await visible(nurse, 'medical', at)).toEqual(
      expect.arrayContaining([patientKey(alias), patientKey(patient)]),
    );
    expect(await visible(self, 'medical', at)).toEqual([patientKey(patient), patientKey(alias)].sort());

    // An objection by INS holds for what names the patient by the alias, in searches too.
    await db.transaction((tx) =>
      facts.replaceSource(tx, 'Consent/c-alias-objection', {
        patient,
        objections: [{ against: { kind: 'party', party: partyOf(nurse) }, period: { start: '2026-06-01' } }],
      }),
    );
    expect(await decide(nurse, alias)).toMatchObject({ permit: false, denied: 'objection' });
    expect(await visible(nurse, 'medical', at)).not.toEqual(expect.arrayContaining([patientKey(alias)]));
    expect(await visible(nurse, 'medical', at)).not.toContain(patientKey(patient));

    // The record no longer states the alias: two patients again.
    await db.transaction((tx) => facts.replaceAliases(tx, 'Patient/p-50', []));
    expect((await decide(self, alias)).permit).toBe(false);
    expect(await visible(nurse, 'medical', at)).toContain(patientKey(alias));
  });

  it('a patient token sees its own record only; an administrator system sees all', () => {
    const self = { kind: 'patient' as const, identifier: patientOf(7) };
    expect(facts.visiblePatients(self, 'medical', '2026-06-10T00:00:00Z')).toMatchObject({
      kind: 'some',
      params: [patientKey(patientOf(7))],
    });
    expect(
      facts.visiblePatients(
        { kind: 'system', clientId: 'ops', administrator: true },
        'social',
        '2026-06-10T00:00:00Z',
      ),
    ).toEqual({
      kind: 'all',
    });
  });

  it('the search filter and the per-read decision agree on generated facts (seed printed on failure)', async () => {
    const seed = 20261207;
    const random = seededRandom(seed);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    const days = ['2026-05-01', '2026-05-20', '2026-06-01', '2026-06-10', '2026-06-20', '2026-07-01'];
    const somePeriod = (): FactPeriod => {
      const start = random() < 0.7 ? pick(days) : undefined;
      const end = random() < 0.4 ? pick(days) : undefined;
      return { ...(start && { start }), ...(end && { end }) };
    };
    const actors = Array.from({ length: 8 }, (_, n) =>
      professional(100 + n, n % 3 === 0 ? n % 2 : undefined),
    );
    const recipient = (): ConsentRecipient => {
      const r = random();
      const actor = pick(actors);
      if (r < 0.5) return { kind: 'party', party: partyOf(actor) };
      if (r < 0.65) return { kind: 'party', party: organization(pick([0, 1])) };
      if (r < 0.85) return { kind: 'profession', system: PROFESSION, code: pick(['10', '60']) };
      return { kind: 'sector', sector: pick(['social', 'primary-care'] as const) };
    };
    const categories = () => DATA_CATEGORIES.filter(() => random() < 0.5);
    const patients = Array.from({ length: 40 }, (_, n) => patientOf(1000 + n));
    const written = new Map<string, SourceFacts[]>();
    await db.transaction(async (tx) => {
      for (const [n, patient] of patients.entries()) {
        for (let source = 0; source < 3; source++) {
          const stated: SourceFacts = {
            patient,
            relations: Array.from({ length: Math.floor(random() * 3) }, () => ({
              party: random() < 0.8 ? partyOf(pick(actors)) : organization(pick([0, 1])),
              basis: pick(['care-team', 'care-plan', 'task'] as const),
              period: somePeriod(),
            })),
            consents:
              random() < 0.4
                ? [{ recipients: [recipient(), recipient()], categories: categories(), period: somePeriod() }]
                : [],
            objections:
              random() < 0.3
                ? [
                    {
                      against: recipient(),
                      ...(random() < 0.5 ? { categories: categories() } : {}),
                      period: somePeriod(),
                    },
                  ]
                : [],
          };
          await facts.replaceSource(tx, `Source/${n}-${source}`, stated);
          written.set(patientKey(patient), [...(written.get(patientKey(patient)) ?? []), stated]);
        }
      }
    });
    let permits = 0;
    let checked = 0;
    for (const at of ['2026-05-10T00:00:00Z', '2026-06-05T12:00:00Z', '2026-06-30T00:00:00Z']) {
      for (const actor of actors) {
        for (const category of DATA_CATEGORIES) {
          const fromSql = new Set(await visible(actor, category, at));
          for (const patient of patients) {
            const decision = decideAccess(
              { actor, patient, category, purpose: 'treatment', at },
              await facts.factsOf(db, patient),
            );
            checked++;
            if (decision.permit) permits++;
            if (decision.permit !== fromSql.has(patientKey(patient))) {
              throw new Error(
                `seed ${seed}: ${actor.identifier.value} ${category} at ${at} on ${patient.value}: decision ${JSON.stringify(decision)}, SQL ${fromSql.has(patientKey(patient))}`,
              );
            }
          }
        }
      }
    }
    // Both outcomes occur, or the agreement proves little.
    expect(checked).toBe(3 * actors.length * DATA_CATEGORIES.length * patients.length);
    expect(permits).toBeGreaterThan(checked / 10);
    expect(permits).toBeLessThan(checked * 0.9);
  });
});
