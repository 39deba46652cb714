// Round-trip fidelity (issue 15): the official R4 examples of CarePlan, CareTeam and Goal (vendored
// in packages/fhir/test/validation/fixtures), POSTed then read back over HTTP on a real
// PostgreSQL: each is refused with 422 naming the network rule it breaks, and an adapted copy
// (the minimal change that rule needs) is kept exactly: the GET equals the body but for `id`,
// `meta` and the carenet extensions the server adds.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Actor } from '@carenet/access';
import { CARENET_CANONICAL_BASE } from '@carenet/fhir';
import { professional, startCarePlansServer, type CarePlansServer } from './support/care-plans-server.js';

const GP = professional('810000000001', '10', 'Dr Anne Martin');
/** An EHR: a care team is formed by a system or by its coordinator. */
const EHR: Actor = { kind: 'system', clientId: 'ehr-example' };
const FIXTURES = new URL('../../../packages/fhir/test/validation/fixtures/', import.meta.url);
type Json = Record<string, unknown>;
const example = (name: string): Json => JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8')) as Json;

/** A copy of `value` without the carenet extensions (the server's), nor empty `extension` arrays. */
function withoutCarenetExtensions(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutCarenetExtensions);
  if (value === null || typeof value !== 'object') return value;
  const out: Json = {};
  for (const [key, item] of Object.entries(value as Json)) {
    if (key === 'extension') {
      const others = (item as { url: string }[]).filter((e) => !e.url.startsWith(CARENET_CANONICAL_BASE));
      if (others.length > 0) out[key] = withoutCarenetExtensions(others);
      continue;
    }
    out[key] = withoutCarenetExtensions(item);
  }
  return out;
}

/** What a round trip compares: the resource but `id`, `meta` and the server's extensions. */
function comparable(resource: Json): unknown {
  const { id: _id, meta: _meta, ...rest } = resource;
  return withoutCarenetExtensions(rest);
}

interface Case {
  readonly file: string;
  /** The 422 the example as published gets: the elements named. */
  readonly refused: readonly string[];
  /** The minimal change the network rules need. */
  readonly adapt: (resource: Json) => Json;
  /**
   * What the server adds to the body, besides its extensions (README: the defaults it fills in):
   * a CarePlan's `author` (the acting professional) and `created` (when drafted) when not given,
   * a CareTeam participant's `id` (its membership id).
   */
  readonly added: (body: Json, served: Json) => Json;
}

/** A CarePlan's author and created, when the body gave none: the acting professional, now. */
function carePlanDefaults(body: Json, served: Json): Json {
  expect(served.author).toEqual({
    type: 'Practitioner',
    identifier: GP.kind === 'professional' ? GP.identifier : undefined,
    display: 'Dr Anne Martin',
  });
  expect(Date.parse(String(served.created))).toBeGreaterThan(Date.now() - 60_000);
  return { ...body, author: served.author, created: served.created };
}

const activityDetails = (resource: Json) =>
  (resource.activity as { detail: Json }[]).map((activity) => activity.detail);

const CASES: readonly Case[] = [
  {
    file: 'careplan-f001.json',
    refused: [
      'CarePlan.activity[0].detail.status',
      'CarePlan.activity[0].detail.doNotPerform',
      'CarePlan.activity[0].detail.scheduledString',
    ],
    adapt(resource) {
      const copy = structuredClone(resource);
      copy.status = 'draft';
      const [detail] = activityDetails(copy);
      if (detail === undefined) throw new Error('no activity');
      detail.status = 'not-started';
      delete detail.doNotPerform;
      delete detail.scheduledString;
      return copy;
    },
    added: carePlanDefaults,
  },
  {
    file: 'careplan-gpvisit.json',
    refused: ['CarePlan.activity[0].detail.status', 'CarePlan.activity[1].detail.status'],
    adapt(resource) {
      const copy = structuredClone(resource);
      copy.status = 'draft';
      for (const detail of activityDetails(copy)) detail.status = 'not-started';
      return copy;
    },
    added: carePlanDefaults,
  },
  {
    file: 'careteam-example.json',
    refused: ['CareTeam.participant[0].member.reference'],
    adapt(resource) {
      // The patient is the team's subject, not a member; a membership has a start (the access
      // rules count from it: the server takes now, which is after this example's end).
      const copy = structuredClone(resource);
      const participants = (copy.participant as { period?: Json }[]).slice(1);
      for (const participant of participants)
        participant.period = { start: '2012-12-01', ...participant.period };
      copy.participant = participants;
      return copy;
    },
    added: (body) => ({
      ...body,
      participant: (body.participant as Json[]).map((participant, index) => ({
        id: `m${index + 1}`,
        ...participant,
      })),
    }),
  },
  {
    file: 'goal-example.json',
    refused: [],
    adapt(resource) {
      return { ...structuredClone(resource), lifecycleStatus: 'active' };
    },
    added: (body) => body,
  },
];

describe('the official R4 examples', () => {
  let server: CarePlansServer;
  beforeAll(async () => {
    server = await startCarePlansServer('care-plans-official-examples');
  });
  afterAll(async () => {
    await server.close();
  });

  it.each(CASES)('$file as published is refused with 422 naming the rule', async ({ file, refused }) => {
    const body = example(file);
    const created = await server.call(GP, 'POST', String(body.resourceType), body);
    expect(created.status).toBe(422);
    const issues = created.body.issue as {
      expression?: string[];
      details?: { coding?: { code: string }[] };
    }[];
    expect(issues.flatMap((issue) => issue.expression ?? [])).toEqual(refused);
  });

  it.each(CASES)(
    '$file adapted round-trips exactly (POST, GET, PUT back unchanged)',
    async ({ file, adapt, added }) => {
      const body = adapt(example(file));
      expect(body).not.toEqual(example(file));
      const type = String(body.resourceType);
      const actor = type === 'CareTeam' ? EHR : GP;
      const created = await server.call(actor, 'POST', type, body);
      expect([created.status, created.body.issue]).toEqual([201, undefined]);
      const id = String(created.body.id);
      const read = await server.call(actor, 'GET', `${type}/${id}`);
      expect(read.status).toBe(200);
      const expected = comparable(added(body, read.body));
      expect(comparable(read.body)).toEqual(expected);
      expect(comparable(created.body)).toEqual(expected);
      // Read back and PUT unchanged: no new version.
      const put = await server.call(actor, 'PUT', `${type}/${id}`, read.body);
      expect([put.status, put.body.issue]).toEqual([200, undefined]);
      expect((put.body.meta as Json).versionId).toBe((read.body.meta as Json).versionId);
    },
  );
});
