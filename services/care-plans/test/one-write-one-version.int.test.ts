// One write = one version (issue 15): a request that appends several events (a CareTeam formed
// with its members, a PPCS activation that hands its actions over) is one FHIR version, at the
// write's last event; the revisions inside it are no versions (vread 404). The same after a
// rebuild of the read model from the log. Over HTTP, on a real PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Actor } from '@carenet/access';
import type { Bundle, CareTeam } from 'fhir/r4.js';
import { COORDINATOR, GP } from './support/care-plan-fixtures.js';
import { careTeamBody } from './support/fhir-care-team-fixtures.js';
import { s2Body } from './support/fhir-care-plan-fixtures.js';
import { startCarePlansServer, type CarePlansServer } from './support/care-plans-server.js';
import { rebuildOnline } from '@carenet/eventsourcing';

type Json = Record<string, unknown>;
const EHR: Actor = { kind: 'system', clientId: 'ehr-dac' };

const parameters = (...parameter: Json[]) => ({ resourceType: 'Parameters', parameter });

describe('one write, one version', () => {
  let server: CarePlansServer;
  beforeAll(async () => {
    server = await startCarePlansServer('care-plans-one-write-one-version');
  });
  afterAll(async () => {
    await server.close();
  });

  const history = async (actor: Actor, path: string) => {
    const answer = await server.call(actor, 'GET', `${path}/_history`);
    expect(answer.status).toBe(200);
    return (answer.body as unknown as Bundle).entry ?? [];
  };

  it('a CareTeam formed with its members is one version: Location _history/<v>, history of one entry', async () => {
    const body: CareTeam = careTeamBody();
    expect((body.participant ?? []).length).toBeGreaterThan(1);
    const created = await server.call(EHR, 'POST', 'CareTeam', body);
    expect([created.status, created.body.issue]).toEqual([201, undefined]);
    const id = String(created.body.id);
    const versionId = String((created.body.meta as Json).versionId);
    // Formed + one MemberAdded per participant, appended together: revision = participants.
    expect(versionId).toBe(String((body.participant ?? []).length + 1));
    expect(created.headers.get('location')).toMatch(new RegExp(`/CareTeam/${id}/_history/${versionId}$`));
    expect(created.headers.get('etag')).toBe(`W/"${versionId}"`);

    const entries = await history(EHR, `CareTeam/${id}`);
    expect(entries.map((entry) => [entry.request?.method, entry.resource?.meta?.versionId])).toEqual([
      ['POST', versionId],
    ]);
    expect((entries[0]?.resource as CareTeam).participant?.length).toBe(body.participant?.length);
    // The revisions inside the write are no versions.
    expect((await server.call(EHR, 'GET', `CareTeam/${id}/_history/1`)).status).toBe(404);
    expect((await server.call(EHR, 'GET', `CareTeam/${id}/_history/${versionId}`)).status).toBe(200);
    const typeHistory = await history(EHR, 'CareTeam');
    expect(typeHistory.filter((entry) => entry.resource?.id === id)).toHaveLength(1);
  });

  it('a PPCS activation by PATCH adds exactly one history entry, with method PATCH', async () => {
    const created = await server.call(COORDINATOR, 'POST', 'CarePlan', s2Body());
    expect([created.status, created.body.issue]).toEqual([201, undefined]);
    const id = String(created.body.id);
    const validated = await server.call(GP, 'POST', `CarePlan/${id}/$validate-plan`, parameters());
    expect([validated.status, validated.body.issue]).toEqual([200, undefined]);
    const agreed = await server.call(
      COORDINATOR,
      'POST',
      `CarePlan/${id}/$record-agreement`,
      parameters({ name: 'agreedBy', valueCode: 'patient' }, { name: 'method', valueCode: 'oral' }),
    );
    expect([agreed.status, agreed.body.issue]).toEqual([200, undefined]);
    const before = await history(COORDINATOR, `CarePlan/${id}`);
    expect(before).toHaveLength(3);

    const patched = await server.call(
      COORDINATOR,
      'PATCH',
      `CarePlan/${id}`,
      JSON.stringify([{ op: 'replace', path: '/status', value: 'active' }]),
      { 'content-type': 'application/json-patch+json' },
    );
    expect([patched.status, patched.body.issue]).toEqual([200, undefined]);
    expect(patched.body.status).toBe('active');
    const after = await history(COORDINATOR, `CarePlan/${id}`);
    expect(after).toHaveLength(before.length + 1);
    const [newest] = after;
    expect(newest?.request?.method).toBe('PATCH');
    // Activated and its actions handed over (two events): one version, at the last of them.
    const versionId = Number(newest?.resource?.meta?.versionId);
    expect(String(versionId)).toBe(String((patched.body.meta as Json).versionId));
    expect(Number(before[0]?.resource?.meta?.versionId)).toBe(versionId - 2);
    expect((await server.call(COORDINATOR, 'GET', `CarePlan/${id}/_history/${versionId - 1}`)).status).toBe(
      404,
    );
  });

  it('a rebuild of the read model keeps one version per write', async () => {
    const created = await server.call(EHR, 'POST', 'CareTeam', careTeamBody());
    const id = String(created.body.id);
    const typeVersions = async () =>
      (await history(EHR, 'CareTeam'))
        .filter((entry) => entry.resource?.id === id)
        .map((entry) => [entry.request?.method, entry.resource?.meta?.versionId]);
    const before = await typeVersions();
    expect(before).toHaveLength(1);
    await server.service.store.rebuildProjection('care-plans-read-model-CareTeam');
    expect(await typeVersions()).toEqual(before);
    const read = await server.call(EHR, 'GET', `CareTeam/${id}`);
    expect(read.body.meta).toEqual(created.body.meta);
  });

  it('an online rebuild of every read model of the service gives back what was there', async () => {
    const team = await server.call(EHR, 'POST', 'CareTeam', careTeamBody());
    expect(team.status).toBe(201);
    const plan = await server.call(COORDINATOR, 'POST', 'CarePlan', s2Body());
    expect(plan.status).toBe(201);
    const types = "('CarePlan', 'CareTeam', 'Goal')";
    const snapshot = () =>
      Promise.all([
        server.db.query(
          'SELECT resource_type, id, revision, last_updated, state::text AS state FROM care_plans.aggregate_state ORDER BY 1, 2',
        ),
        server.db.query(
          `SELECT resource_type, id, version_id, content::jsonb AS content, patient_key FROM fhir.resources
            WHERE resource_type IN ${types} ORDER BY 1, 2`,
        ),
        server.db.query(
          `SELECT resource_type, id, version_id, content::jsonb AS content, method FROM fhir.resource_history
            WHERE resource_type IN ${types} ORDER BY 1, 2, 3`,
        ),
        server.db.query(
          `SELECT resource_type, id, param, system, code FROM fhir.token_index
            WHERE resource_type IN ${types} ORDER BY 1, 2, 3, 4, 5`,
        ),
        server.db.query('SELECT * FROM care_plans.active_ppcs ORDER BY 1, 2, 3'),
        server.db.query('SELECT * FROM care_plans.review_due ORDER BY 1'),
      ]);
    // The contents compared as JSON values: a replay renders from the events as stored (jsonb:
    // keys in its order), the live write from the request (the old rebuild did the same).
    const before = await snapshot();
    for (const projection of server.service.store.inlineProjections) {
      if (projection.tables === undefined) continue;
      const report = await rebuildOnline(server.db, projection);
      expect(report.switchAttempts).toBe(1);
    }
    expect(await snapshot()).toEqual(before);
    // The service keeps working on the switched tables.
    const read = await server.call(EHR, 'GET', `CareTeam/${String(team.body.id)}`);
    expect(read.status).toBe(200);
    expect((await server.call(COORDINATOR, 'POST', 'CarePlan', s2Body())).status).toBe(201);
  });
});
