// Search semantics and valid search/read responses (issue 15), through the FHIR router on real
// PostgreSQL: unknown parameters ignored by default and left out of the self link (400 with
// `Prefer: handling=strict`), `_summary=count` without `entry`, `_elements`/`_summary` keeping the
// mandatory elements on search and read. Every Bundle is checked as the HL7 validator would.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Bundle, OperationOutcome, Resource } from 'fhir/r4.js';
import { createTestDatabase, type TestDatabase } from '@carenet/testing';
import { PostgresEventStore, postgresDatabase } from '@carenet/eventsourcing';
import {
  createResourceValidator,
  fhirRouter,
  IndexValueExtractor,
  PostgresSearchStore,
  SearchParameterRegistry,
} from '../src/index.js';
import { demoProvider, demoSearchProjection } from './support/demo-provider.js';
import { searchsetProblems } from './support/searchset-problems.js';
import { serveFhir, type ServedFhir } from './support/serve-fhir.js';

const TYPES = ['Task', 'CarePlan', 'CareTeam', 'Goal'] as const;
const INS = 'urn:oid:1.2.250.1.213.1.4.8';
const RPPS = 'https://rpps.esante.gouv.fr';
const patient = { identifier: { system: INS, value: '1840572123456' }, type: 'Patient' };
const nurse = { identifier: { system: RPPS, value: '10001234567' }, type: 'Practitioner' };
const narrative = { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">Pansement</div>' };
const SUBSETTED = { system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue', code: 'SUBSETTED' };

describe('search semantics and valid responses', () => {
  let database: TestDatabase;
  let store: PostgresEventStore;
  let served: ServedFhir;
  const ids: Record<string, string> = {};
  const registry = SearchParameterRegistry.r4({
    supported: { Task: 'all', CarePlan: 'all', CareTeam: 'all', Goal: 'all' },
  });

  async function get(path: string, headers: Record<string, string> = {}) {
    const response = await fetch(`${served.base}/${path}`, { headers });
    const body: unknown = await response.json();
    return { status: response.status, body, bundle: body as Bundle, outcome: body as OperationOutcome };
  }

  async function create(resource: Record<string, unknown>): Promise<string> {
    const response = await fetch(`${served.base}/${String(resource.resourceType)}`, {
      method: 'POST',
      body: JSON.stringify(resource),
      headers: { 'content-type': 'application/fhir+json' },
    });
    if (response.status !== 201) throw new Error(`could not create the test data: ${response.status}`);
    return ((await response.json()) as Resource).id ?? '';
  }

  const keys = (resource: unknown) =>
    Object.keys(resource as object)
      .filter((k) => !k.startsWith('_'))
      .sort();

  beforeAll(async () => {
    database = await createTestDatabase('fhir-search-subset');
    const db = postgresDatabase({ connectionString: database.url });
    const search = await PostgresSearchStore.open(db);
    store = await PostgresEventStore.open(db, {
      projections: [demoSearchProjection(TYPES, search, new IndexValueExtractor(registry))],
    });
    served = await serveFhir((base) =>
      fhirRouter({
        providers: TYPES.map((type) => demoProvider(type, store, search)),
        validator: createResourceValidator({ types: TYPES }),
        publicBaseUrl: base,
        logger: { error: () => undefined },
        search: { registry, maxCount: 50 },
      }),
    );
    ids.CarePlan = await create({
      resourceType: 'CarePlan',
      text: narrative,
      status: 'active',
      intent: 'plan',
      title: 'PPCS de Mme Dupré',
      subject: patient,
    });
    ids.Task = await create({
      resourceType: 'Task',
      text: narrative,
      status: 'requested',
      intent: 'order',
      priority: 'urgent',
      basedOn: [{ reference: `CarePlan/${ids.CarePlan}` }],
      description: 'Réfection du pansement',
      for: patient,
      owner: nurse,
      note: [{ text: 'le matin' }],
    });
    ids.CareTeam = await create({
      resourceType: 'CareTeam',
      status: 'active',
      name: 'Équipe de soins',
      subject: patient,
      participant: [{ member: nurse }],
    });
    ids.Goal = await create({
      resourceType: 'Goal',
      lifecycleStatus: 'active',
      description: { text: 'Cicatrisation' },
      subject: patient,
      target: [{ dueDate: '2026-12-31' }],
    });
  });
  afterAll(async () => {
    served.close();
    await store.close();
    await database.drop();
  });

  describe('unknown search parameters', () => {
    it('are ignored by default: 200, the known ones applied, left out of the self link, said in an outcome entry', async () => {
      const { status, bundle } = await get('Task?colour=blue&status=requested&_count=500');
      expect(status).toBe(200);
      expect(searchsetProblems(bundle)).toEqual([]);
      expect(bundle.entry?.filter((e) => e.search?.mode === 'match')).toHaveLength(1);
      const self = new URL(bundle.link?.find((l) => l.relation === 'self')?.url ?? '');
      expect(self.searchParams.has('colour')).toBe(false);
      // what was applied: the clamped _count
      expect([...self.searchParams]).toEqual([
        ['status', 'requested'],
        ['_count', '50'],
      ]);
      const outcome = bundle.entry?.find((e) => e.search?.mode === 'outcome');
      expect(outcome?.fullUrl).toMatch(/^urn:uuid:/);
      expect((outcome?.resource as OperationOutcome).issue.map((i) => i.expression)).toContainEqual([
        'colour',
      ]);
      // a filter that is ignored does not narrow the search
      expect((await get('Task?colour=blue')).bundle.entry?.some((e) => e.search?.mode === 'match')).toBe(
        true,
      );
    });

    it('with Prefer: handling=strict: 400 naming the parameter', async () => {
      const { status, outcome } = await get('Task?colour=blue&status=requested', {
        prefer: 'handling=strict',
      });
      expect(status).toBe(400);
      expect(outcome.resourceType).toBe('OperationOutcome');
      expect(outcome.issue[0]?.expression).toEqual(['colour']);
    });

    it('with Prefer: handling=lenient: an OperationOutcome entry with a fullUrl, search.mode outcome', async () => {
      const { status, bundle } = await get('Goal?lifecycle-status=active&_has:Task:focus:status=x', {
        prefer: 'handling=lenient',
      });
      expect(status).toBe(200);
      expect(searchsetProblems(bundle)).toEqual([]);
      const outcomes = bundle.entry?.filter((e) => e.search?.mode === 'outcome') ?? [];
      expect(outcomes).toHaveLength(1);
      expect(outcomes[0]?.fullUrl).toMatch(/^urn:uuid:[0-9a-f-]{36}$/);
      expect(outcomes[0]?.resource?.resourceType).toBe('OperationOutcome');
      const self = bundle.link?.find((l) => l.relation === 'self')?.url ?? '';
      expect(self).toBe(`${served.base}/Goal?lifecycle-status=active`);
    });

    it('a bad value of a known parameter is still a 400', async () => {
      expect((await get('Task?authored-on=yesterday')).status).toBe(400);
    });
  });

  describe('_summary=count and empty results', () => {
    it('_summary=count: total and no entry at all', async () => {
      const { status, body, bundle } = await get('Task?status=requested&_summary=count');
      expect(status).toBe(200);
      expect(bundle.total).toBe(1);
      expect(body).not.toHaveProperty('entry');
      expect(searchsetProblems(bundle)).toEqual([]);
    });

    it('no match: no entry', async () => {
      const { body, bundle } = await get('Task?status=cancelled');
      expect(body).not.toHaveProperty('entry');
      expect(searchsetProblems(bundle)).toEqual([]);
    });

    it('a history with no version since: no entry', async () => {
      const since = encodeURIComponent(new Date(Date.now() + 60_000).toISOString());
      const { status, body } = await get(`Task/_history?_since=${since}`);
      expect(status).toBe(200);
      expect(body).not.toHaveProperty('entry');
      expect(searchsetProblems(body)).toEqual([]);
    });
  });

  describe('_elements and _summary keep the mandatory elements', () => {
    it('Task?_elements=status keeps intent and is tagged SUBSETTED; the _included CarePlan stays whole', async () => {
      const { status, bundle } = await get('Task?_elements=status&_include=Task:based-on');
      expect(status).toBe(200);
      expect(searchsetProblems(bundle)).toEqual([]);
      const match = bundle.entry?.find((e) => e.search?.mode === 'match')?.resource;
      expect(keys(match)).toEqual(['id', 'intent', 'meta', 'resourceType', 'status']);
      expect(match?.meta?.tag).toContainEqual(SUBSETTED);
      const included = bundle.entry?.find((e) => e.search?.mode === 'include')?.resource;
      expect(keys(included)).toEqual([
        'id',
        'intent',
        'meta',
        'resourceType',
        'status',
        'subject',
        'text',
        'title',
      ]);
      expect(included?.meta?.tag).toBeUndefined();
    });

    it.each([
      ['CarePlan', 'title', ['id', 'intent', 'meta', 'resourceType', 'status', 'subject', 'title']],
      ['CareTeam', 'name', ['id', 'meta', 'name', 'resourceType']],
      [
        'Goal',
        'target',
        ['description', 'id', 'lifecycleStatus', 'meta', 'resourceType', 'subject', 'target'],
      ],
    ])('%s?_elements=%s keeps %j', async (type, elements, expected) => {
      const { bundle } = await get(`${type}?_elements=${elements}`);
      expect(searchsetProblems(bundle)).toEqual([]);
      expect(keys(bundle.entry?.[0]?.resource)).toEqual(expected);
    });

    it.each(['true', 'text', 'data'])('_summary=%s: valid Bundles of every type', async (summary) => {
      for (const type of TYPES) {
        const { status, bundle } = await get(`${type}?_summary=${summary}`);
        expect(status).toBe(200);
        expect(searchsetProblems(bundle)).toEqual([]);
        expect(bundle.entry?.[0]?.resource?.meta?.tag).toContainEqual(SUBSETTED);
      }
    });

    it('on a read: GET /Task/id?_elements=status keeps intent, tagged SUBSETTED, and is a valid Task', async () => {
      const { status, body } = await get(`Task/${ids.Task ?? ''}?_elements=status`);
      expect(status).toBe(200);
      expect(keys(body)).toEqual(['id', 'intent', 'meta', 'resourceType', 'status']);
      expect((body as Resource).meta?.tag).toContainEqual(SUBSETTED);
      expect(createResourceValidator({ types: ['Task'] }).validate(body, { type: 'Task' }).ok).toBe(true);
    });

    it('on a read: _summary=true keeps the summary elements; text keeps the narrative; data drops it', async () => {
      const summary = (await get(`Task/${ids.Task ?? ''}?_summary=true`)).body;
      expect(keys(summary)).toEqual([
        'basedOn',
        'description',
        'for',
        'id',
        'intent',
        'meta',
        'owner',
        'resourceType',
        'status',
      ]);
      const text = (await get(`Task/${ids.Task ?? ''}?_summary=text`)).body;
      expect(keys(text)).toEqual(['id', 'intent', 'meta', 'resourceType', 'status', 'text']);
      const data = (await get(`Task/${ids.Task ?? ''}?_summary=data`)).body;
      expect(keys(data)).not.toContain('text');
      expect(keys(data)).toContain('note');
      const whole = (await get(`Task/${ids.Task ?? ''}`)).body as Resource;
      expect(whole.meta?.tag).toBeUndefined();
    });

    it('on a read, what cannot be applied is a 400 naming the parameter', async () => {
      const count = await get(`Task/${ids.Task ?? ''}?_summary=count`);
      expect(count.status).toBe(400);
      expect(count.outcome.issue[0]?.expression).toEqual(['_summary']);
      const unknown = await get(`Task/${ids.Task ?? ''}?_elements=colour`);
      expect(unknown.status).toBe(400);
      expect(unknown.outcome.issue[0]?.expression).toEqual(['_elements']);
    });
  });
});
