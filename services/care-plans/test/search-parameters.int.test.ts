// Every search parameter the CapabilityStatement advertises for CarePlan, CareTeam and Goal finds
// what is stored (issue 15): one resource of each type carries a value for each parameter (kept
// elements included), and each advertised parameter, searched with that value, finds it and not
// the other resource of the type. References are found as given: literal (relative and
// absolute), by identifier (`:identifier`), and the patient by `patient=`.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Actor } from '@carenet/access';
import type { Bundle, CapabilityStatement, CarePlan, CareTeam, Goal } from 'fhir/r4.js';
import { COORDINATOR } from './support/care-plan-fixtures.js';
import { INS, s2Body } from './support/fhir-care-plan-fixtures.js';
import { careTeamBody } from './support/fhir-care-team-fixtures.js';
import { goalBody } from './support/fhir-goal-fixtures.js';
import { startCarePlansServer, type CarePlansServer } from './support/care-plans-server.js';

const EHR: Actor = { kind: 'system', clientId: 'ehr-dac' };
const REMOTE_PATIENT = 'https://ehr.example.org/fhir/Patient/p-42';
const META = {
  profile: ['https://example.org/StructureDefinition/ppcs'],
  tag: [{ system: 'https://example.org/tags', code: 'pilot' }],
  security: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'R' }],
  source: 'https://ehr.example.org/fhir',
};

/**
 * The searches, per type: each advertised parameter (but the always-there _id, _lastUpdated) with
 * a value of the stored one (`:modifier=value` when it needs a modifier).
 */
const SEARCHES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  CarePlan: {
    _profile: META.profile[0] ?? '',
    _tag: 'https://example.org/tags|pilot',
    _security: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality|R',
    _source: META.source,
    'activity-code': 'http://snomed.info/sct|225358003',
    'activity-date': 'ge2026-05-20',
    'based-on': 'CarePlan/earlier',
    'care-team': 'CareTeam/care-team-y',
    category: 'https://carenet.example.org/fhir/CodeSystem/care-plan-category|ppcs',
    condition: 'Condition/leg-ulcer',
    date: 'ge2026-05-20',
    encounter: 'Encounter/e1',
    goal: 'Goal/goal-healing',
    identifier: 'https://ehr.example.org/careplans|CP-1',
    'instantiates-canonical': 'PlanDefinition/ppcs-template',
    'instantiates-uri': 'https://has-sante.fr/ppcs',
    intent: 'plan',
    'part-of': 'CarePlan/parent',
    patient: REMOTE_PATIENT,
    performer: ':identifier=urn:oid:1.2.250.1.71.4.2.1|860000000001',
    replaces: 'CarePlan/older',
    status: 'draft',
    subject: REMOTE_PATIENT,
  },
  CareTeam: {
    _profile: META.profile[0] ?? '',
    _tag: 'https://example.org/tags|pilot',
    _security: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality|R',
    _source: META.source,
    category: 'http://loinc.org|LA28865-6',
    date: 'ge2026-05-20',
    encounter: 'Encounter/e1',
    identifier: 'https://ehr.example.org/careteams|CT-1',
    participant: 'Practitioner/p-7',
    patient: REMOTE_PATIENT,
    status: 'active',
    subject: REMOTE_PATIENT,
  },
  Goal: {
    _profile: META.profile[0] ?? '',
    _tag: 'https://example.org/tags|pilot',
    _security: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality|R',
    _source: META.source,
    'achievement-status': 'http://terminology.hl7.org/CodeSystem/goal-achievement|improving',
    category: 'http://terminology.hl7.org/CodeSystem/goal-category|physiotherapy',
    identifier: 'https://ehr.example.org/goals|G-1',
    'lifecycle-status': 'active',
    patient: REMOTE_PATIENT,
    'start-date': '2026-05-20',
    subject: REMOTE_PATIENT,
    'target-date': 'le2026-08-31',
  },
};

/** Parameters whose searched value the second resource of the type has too. */
const SHARED_VALUES: readonly string[] = [
  'intent',
  'status',
  'category',
  'date',
  'activity-date',
  'activity-code',
  'performer',
  'care-team',
  'goal',
  'lifecycle-status',
  'start-date',
  'target-date',
];

const carePlan = (): CarePlan =>
  s2Body({
    meta: META,
    identifier: [{ system: 'https://ehr.example.org/careplans', value: 'CP-1' }],
    instantiatesCanonical: ['PlanDefinition/ppcs-template'],
    instantiatesUri: ['https://has-sante.fr/ppcs'],
    basedOn: [{ reference: 'CarePlan/earlier' }],
    replaces: [{ reference: 'CarePlan/older' }],
    partOf: [{ reference: 'CarePlan/parent' }],
    encounter: { reference: 'Encounter/e1' },
    addresses: [{ reference: 'Condition/leg-ulcer', display: 'ulcère de jambe' }],
    subject: { reference: REMOTE_PATIENT, display: 'Y' },
  });

const careTeam = (): CareTeam =>
  careTeamBody({
    meta: META,
    status: 'active',
    identifier: [{ system: 'https://ehr.example.org/careteams', value: 'CT-1' }],
    encounter: { reference: 'Encounter/e1' },
    period: { start: '2026-05-20' },
    subject: { reference: REMOTE_PATIENT },
    participant: [
      ...(careTeamBody().participant ?? []),
      { role: [{ text: 'kinésithérapeute' }], member: { reference: 'Practitioner/p-7', display: 'K' } },
    ],
  });

const goal = (): Goal =>
  goalBody({
    meta: META,
    lifecycleStatus: 'active',
    achievementStatus: {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/goal-achievement', code: 'improving' }],
    },
    identifier: [{ system: 'https://ehr.example.org/goals', value: 'G-1' }],
    subject: { reference: REMOTE_PATIENT },
    expressedBy: undefined,
    startDate: '2026-05-20',
    target: [{ measure: { text: 'walking time' }, dueDate: '2026-08-31' }],
  });

describe('every advertised search parameter finds what is stored', () => {
  let server: CarePlansServer;
  const stored: Record<string, string> = {};
  const others: Record<string, string> = {};

  const search = async (type: string, query: string): Promise<string[]> => {
    const answer = await server.call(EHR, 'GET', `${type}?${query}`);
    expect([answer.status, answer.body.issue]).toEqual([200, undefined]);
    return ((answer.body as unknown as Bundle).entry ?? []).map((entry) => String(entry.resource?.id));
  };

  beforeAll(async () => {
    server = await startCarePlansServer('care-plans-search-parameters');
    const post = async (actor: Actor, resource: CarePlan | CareTeam | Goal) => {
      const created = await server.call(actor, 'POST', resource.resourceType, resource);
      expect([created.status, created.body.issue]).toEqual([201, undefined]);
      return String(created.body.id);
    };
    stored.CarePlan = await post(COORDINATOR, carePlan());
    stored.CareTeam = await post(EHR, careTeam());
    stored.Goal = await post(COORDINATOR, goal());
    // One more of each, with other values (by INS, no kept elements), that no search must find.
    others.CarePlan = await post(
      COORDINATOR,
      s2Body({ status: 'draft', category: [{ text: 'ordinary' }], period: { start: '2020-01-01' } }),
    );
    others.CareTeam = await post(EHR, careTeamBody());
    others.Goal = await post(COORDINATOR, goalBody());
  });
  afterAll(async () => {
    await server.close();
  });

  it('the test covers every advertised parameter (but activity-reference, no longer advertised)', async () => {
    const metadata = await server.call(EHR, 'GET', 'metadata');
    const resources = (metadata.body as unknown as CapabilityStatement).rest?.[0]?.resource ?? [];
    for (const type of ['CarePlan', 'CareTeam', 'Goal']) {
      const advertised = (resources.find((r) => r.type === type)?.searchParam ?? []).map((p) => p.name);
      expect(advertised.filter((name) => !['_id', '_lastUpdated'].includes(name)).sort()).toEqual(
        Object.keys(SEARCHES[type] ?? {}).sort(),
      );
    }
  });

  it.each(
    Object.entries(SEARCHES).flatMap(([type, searches]) =>
      Object.entries(searches).map(([name, value]) => ({ type, name, value })),
    ),
  )('$type?$name=$value finds the stored one', async ({ type, name, value }) => {
    const [modifier, given] = value.startsWith(':') ? value.slice(1).split(/=(.*)/) : ['', value];
    const found = await search(
      type,
      `${name}${modifier === '' ? '' : `:${modifier}`}=${encodeURIComponent(given ?? '')}`,
    );
    expect(found).toContain(stored[type]);
    // Parameters whose value the other resource shares too (the same fixture) say nothing here.
    const selective = !SHARED_VALUES.includes(name);
    expect(selective && found.includes(others[type] ?? '')).toBe(false);
  });

  it('finds a patient by identifier, literal reference, absolute URL and :identifier', async () => {
    const other = others.CarePlan ?? '';
    expect(
      await search('CarePlan', `subject:identifier=${encodeURIComponent(`${INS}|279035121518989`)}`),
    ).toContain(other);
    expect(
      await search('CarePlan', `patient:identifier=${encodeURIComponent(`${INS}|279035121518989`)}`),
    ).toContain(other);
    expect(await search('CarePlan', `patient=${encodeURIComponent(REMOTE_PATIENT)}`)).toEqual([
      stored.CarePlan,
    ]);
    const relative = await server.call(
      COORDINATOR,
      'POST',
      'CarePlan',
      s2Body({ subject: { reference: 'Patient/p-9' } }),
    );
    expect(relative.status).toBe(201);
    expect(await search('CarePlan', 'subject=Patient/p-9')).toEqual([relative.body.id]);
    expect(await search('CarePlan', 'patient=Patient/p-9')).toEqual([relative.body.id]);
    expect(await search('CarePlan', 'patient=p-9')).toEqual([relative.body.id]);
    expect(
      await search(
        'CareTeam',
        `participant:identifier=${encodeURIComponent('urn:oid:1.2.250.1.71.4.2.1|810000000001')}`,
      ),
    ).toContain(stored.CareTeam);
  });
});
