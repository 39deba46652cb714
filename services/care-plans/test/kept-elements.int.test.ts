// Elements kept as given (issue 15): what CarePlan, CareTeam and Goal do not model travels in the
// content events (each checked against its contract), is served back exactly, and changes
// by a PUT like the rest of the content (one new version, an event that says so); modifiers the
// network cannot honour are refused with 422 naming the element. Over HTTP, on a real PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Actor } from '@carenet/access';
import { loadContractRegistry } from '@carenet/contracts';
import type { Bundle, CarePlan, CareTeam, Goal, Narrative } from 'fhir/r4.js';
import { COORDINATOR } from './support/care-plan-fixtures.js';
import { s2Body } from './support/fhir-care-plan-fixtures.js';
import { careTeamBody } from './support/fhir-care-team-fixtures.js';
import { goalBody } from './support/fhir-goal-fixtures.js';
import { startCarePlansServer, type CarePlansServer } from './support/care-plans-server.js';

type Json = Record<string, unknown>;
const EHR: Actor = { kind: 'system', clientId: 'ehr-dac' };
const contracts = loadContractRegistry();

const TEXT: Narrative = {
  status: 'generated',
  div: '<div xmlns="http://www.w3.org/1999/xhtml">PPCS de Y</div>',
};
const IDENTIFIER = [{ system: 'https://ehr.example.org/careplans', value: 'CP-1' }];
const OTHER_EXTENSION = {
  url: 'https://ehr.example.org/fhir/StructureDefinition/origin',
  valueString: 'DAC 33',
};

describe('elements kept as given', () => {
  let server: CarePlansServer;
  beforeAll(async () => {
    server = await startCarePlansServer('care-plans-kept-elements');
  });
  afterAll(async () => {
    await server.close();
  });

  /** The events of a stream, each checked against its contract. */
  const eventsOf = async (stream: string) => {
    const events = await server.service.store.readStream(stream);
    for (const event of events) {
      const result = contracts.validate(`carenet.care-plans.${event.type}.v1`, event.data);
      expect([event.type, result.ok ? [] : result.errors]).toEqual([event.type, []]);
    }
    return events;
  };

  const historyOf = async (actor: Actor, path: string) =>
    ((await server.call(actor, 'GET', `${path}/_history`)).body as unknown as Bundle).entry ?? [];

  it('a CarePlan keeps text, identifier, addresses, other extensions, meta tags and created; a PUT changes them', async () => {
    const body = s2Body({
      meta: { tag: [{ system: 'https://example.org/tags', code: 'pilot' }] },
      text: TEXT,
      identifier: IDENTIFIER,
      created: '2026-05-19',
      addresses: [{ reference: 'Condition/leg-ulcer', display: 'ulcère de jambe' }],
      supportingInfo: [{ reference: 'DocumentReference/discharge-letter' }],
      extension: [...(s2Body().extension ?? []), OTHER_EXTENSION],
    });
    const created = await server.call(COORDINATOR, 'POST', 'CarePlan', body);
    expect([created.status, created.body.issue]).toEqual([201, undefined]);
    const id = String(created.body.id);
    const read = (await server.call(COORDINATOR, 'GET', `CarePlan/${id}`)).body as unknown as CarePlan;
    expect(read).toMatchObject({
      text: TEXT,
      identifier: IDENTIFIER,
      created: '2026-05-19',
      addresses: body.addresses,
      supportingInfo: body.supportingInfo,
      meta: { tag: body.meta?.tag },
    });
    expect(read.extension).toContainEqual(OTHER_EXTENSION);
    const [drafted] = await eventsOf(`CarePlan-${id}`);
    expect((drafted?.data as { plan: { kept: Json } }).plan.kept).toMatchObject({
      text: TEXT,
      identifier: IDENTIFIER,
      created: '2026-05-19',
      extension: [OTHER_EXTENSION],
    });

    // Only a kept element changes: one version, CarePlanRevised saying so, the same set of actions
    // (validation and agreement, once given, still cover it).
    const identifier = [{ system: 'https://ehr.example.org/careplans', value: 'CP-2' }];
    const put = await server.call(COORDINATOR, 'PUT', `CarePlan/${id}`, { ...read, identifier });
    expect([put.status, put.body.issue]).toEqual([200, undefined]);
    expect(put.body.identifier).toEqual(identifier);
    expect(await historyOf(COORDINATOR, `CarePlan/${id}`)).toHaveLength(2);
    const revised = (await eventsOf(`CarePlan-${id}`)).at(-1);
    expect(revised?.type).toBe('CarePlanRevised');
    expect(revised?.data).toMatchObject({ changed: [], keptChanged: true, actionsVersion: 1 });

    // Left out of a PUT, they are gone from that version (PUT semantics), kept in the history.
    const {
      text: _t,
      identifier: _i,
      addresses: _a,
      supportingInfo: _s,
      ...without
    } = put.body as unknown as CarePlan;
    const removed = await server.call(COORDINATOR, 'PUT', `CarePlan/${id}`, without);
    expect([removed.status, removed.body.identifier, removed.body.text]).toEqual([200, undefined, undefined]);
    const v1 = await server.call(COORDINATOR, 'GET', `CarePlan/${id}/_history/1`);
    expect(v1.body.identifier).toEqual(IDENTIFIER);
  });

  it('activity elements not modelled are kept apart from the action: changing them changes no action', async () => {
    const [wound, ...rest] = s2Body().activity ?? [];
    const activity = {
      ...wound,
      outcomeReference: [{ reference: 'Observation/wound-1' }],
      detail: {
        ...wound?.detail,
        status: 'not-started' as const,
        kind: 'Appointment' as const,
        location: { display: 'domicile' },
      },
    };
    const created = await server.call(
      COORDINATOR,
      'POST',
      'CarePlan',
      s2Body({ activity: [activity, ...rest] }),
    );
    expect([created.status, created.body.issue]).toEqual([201, undefined]);
    const plan = created.body as unknown as CarePlan;
    const [first] = plan.activity ?? [];
    expect(first).toMatchObject({
      outcomeReference: activity.outcomeReference,
      detail: { kind: 'Appointment', location: { display: 'domicile' } },
    });
    const progressed = structuredClone(plan);
    const target = progressed.activity?.[0];
    if (target === undefined) throw new Error('no activity');
    target.progress = [{ text: 'plaie en voie de cicatrisation' }];
    const put = await server.call(COORDINATOR, 'PUT', `CarePlan/${String(plan.id)}`, progressed);
    expect([put.status, put.body.issue]).toEqual([200, undefined]);
    const revised = (await eventsOf(`CarePlan-${String(plan.id)}`)).at(-1);
    expect(revised?.data).toMatchObject({
      changed: [],
      keptChanged: true,
      actions: { added: [], removed: [], changed: [] },
      actionsVersion: 1,
    });
    expect((put.body as unknown as CarePlan).activity?.[0]?.progress).toEqual(target.progress);
  });

  it('refuses modifierExtension and implicitRules with 422 naming them', async () => {
    const refused = await server.call(
      COORDINATOR,
      'POST',
      'CarePlan',
      s2Body({
        modifierExtension: [{ url: 'https://example.org/m', valueBoolean: true }],
        implicitRules: 'https://example.org/rules',
      }),
    );
    expect(refused.status).toBe(422);
    const issues = refused.body.issue as { expression?: string[] }[];
    expect(issues.flatMap((issue) => issue.expression ?? [])).toEqual([
      'CarePlan.modifierExtension',
      'CarePlan.implicitRules',
    ]);
  });

  it('a CareTeam keeps identifier, encounter, note; their change is CareTeamDetailsChanged', async () => {
    const body = careTeamBody({
      text: TEXT,
      identifier: [{ value: 'CT-1' }],
      encounter: { reference: 'Encounter/e1' },
      note: [{ text: 'réunion de concertation le 2026-05-22' }],
    });
    const created = await server.call(EHR, 'POST', 'CareTeam', body);
    expect([created.status, created.body.issue]).toEqual([201, undefined]);
    const team = created.body as unknown as CareTeam;
    expect(team).toMatchObject({
      text: TEXT,
      identifier: body.identifier,
      encounter: body.encounter,
      note: body.note,
    });
    const put = await server.call(EHR, 'PUT', `CareTeam/${String(team.id)}`, {
      ...team,
      note: [{ text: 'reportée' }],
    });
    expect([put.status, put.body.note]).toEqual([200, [{ text: 'reportée' }]]);
    const { text: _t, identifier: _i, encounter: _e, note: _n, ...without } = put.body as unknown as CareTeam;
    const removed = await server.call(EHR, 'PUT', `CareTeam/${String(team.id)}`, without);
    expect([removed.status, removed.body.identifier, removed.body.note]).toEqual([200, undefined, undefined]);
    const changes = (await eventsOf(`CareTeam-${String(team.id)}`)).filter(
      (e) => e.type === 'CareTeamDetailsChanged',
    );
    expect(changes.map((e) => (e.data as { changed: Json }).changed)).toEqual([
      {
        kept: {
          text: TEXT,
          identifier: body.identifier,
          encounter: body.encounter,
          note: [{ text: 'reportée' }],
        },
      },
      { kept: {} },
    ]);
    expect(await historyOf(EHR, `CareTeam/${String(team.id)}`)).toHaveLength(3);
  });

  it('a Goal keeps identifier, statusDate, note, outcomeReference and statusReason; their change is GoalRevised', async () => {
    const body = goalBody({
      lifecycleStatus: 'active',
      identifier: [{ value: 'G-1' }],
      statusDate: '2026-05-20',
      statusReason: 'priorité du patient',
      note: [{ text: 'objectif fixé avec la patiente' }],
      outcomeReference: [{ reference: 'Observation/walk-1' }],
    });
    const created = await server.call(COORDINATOR, 'POST', 'Goal', body);
    expect([created.status, created.body.issue]).toEqual([201, undefined]);
    const goal = created.body as unknown as Goal;
    expect(goal).toMatchObject({
      identifier: body.identifier,
      statusDate: body.statusDate,
      statusReason: body.statusReason,
      note: body.note,
      outcomeReference: body.outcomeReference,
    });
    const put = await server.call(COORDINATOR, 'PUT', `Goal/${String(goal.id)}`, {
      ...goal,
      statusDate: '2026-05-21',
    });
    expect([put.status, put.body.statusDate]).toEqual([200, '2026-05-21']);
    const revised = (await eventsOf(`Goal-${String(goal.id)}`)).at(-1);
    expect(revised?.type).toBe('GoalRevised');
    expect((revised?.data as { changed: { kept: Json } }).changed.kept).toMatchObject({
      statusDate: '2026-05-21',
    });
  });
});
