// The SQL half of search against the in-memory meaning: every search runs through
// parseSearchRequest + PostgresSearchStore.search and must return exactly the resources
// searchMatches accepts over the same index values.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Resource, Task } from 'fhir/r4.js';
import { createTestDatabase, type TestDatabase } from '@carenet/testing';
import { postgresDatabase, type SqlDatabase } from '@carenet/eventsourcing';
import { searchMatches, type ResourceIndexValues, type SearchRequest } from '../../src/search/index.js';
import {
  PostgresSearchStore,
  resourceTextColumns,
  resourceTextOf,
  SearchStoreError,
} from '../../src/storage/index.js';
import { expectedOrder } from './expected-order.js';
import {
  extractor,
  idsOf,
  IDNPS,
  INS,
  makeTask,
  observations,
  patients,
  random,
  riskAssessments,
  search,
} from './storage-fixtures.js';

const TASKS = 150;
const BASE_TIME = Date.parse('2026-06-01T00:00:00.000Z');

const QUERIES: readonly [string, string][] = [
  ['Task', ''],
  ['Task', 'status=requested'],
  ['Task', 'status=requested,received,accepted'],
  ['Task', 'status:not=completed'],
  ['Task', 'status:not=completed,cancelled'],
  ['Task', 'priority:missing=true'],
  ['Task', 'priority:missing=false&status=requested'],
  ['Task', 'priority=urgent,stat'],
  ['Task', 'priority:not=routine'],
  ['Task', 'code=fulfill'],
  ['Task', 'code=http://hl7.org/fhir/CodeSystem/task-code|approve'],
  ['Task', 'code=http://hl7.org/fhir/CodeSystem/task-code|'],
  ['Task', 'code=|fulfill'],
  ['Task', 'code:text=realiser f'],
  ['Task', 'code:text=TASK'],
  ['Task', 'business-status:text=taux 50%'],
  ['Task', 'business-status:text=file_'],
  ['Task', 'business-status:text=oedeme'],
  ['Task', 'business-status:missing=true'],
  ['Task', 'identifier=https://carenet.example.org/fhir/task-id|T-7'],
  ['Task', '_id=task-001,task-010,task-999'],
  ['Task', '_id:not=task-001'],
  ['Task', `owner:identifier=${IDNPS}|810000000001`],
  ['Task', `owner:identifier=${IDNPS}|`],
  ['Task', 'owner:identifier=810000000002'],
  ['Task', 'owner=Practitioner/p-810000000001,Practitioner/p-810000000003'],
  ['Task', 'owner:Practitioner=p-810000000002'],
  ['Task', 'owner:missing=true'],
  ['Task', `owner.identifier=${IDNPS}|810000000000`],
  ['Task', `owner:Practitioner.identifier=${IDNPS}|810000000000`],
  ['Task', `requester:identifier=${IDNPS}|810000000001&status=requested,received`],
  ['Task', `patient:identifier=${INS}|1840572123400`],
  ['Task', `patient.identifier=${INS}|1840572123401`],
  ['Task', `subject:identifier=${INS}|1840572123401`],
  ['Task', `subject:Patient.identifier=${INS}|1840572123402`],
  ['Task', 'patient=Patient/pat-1840572123403'],
  ['Task', 'patient:missing=true'],
  ['Task', 'subject:missing=false'],
  ['Task', 'part-of=Task/task-002'],
  ['Task', 'part-of:missing=false'],
  ['Task', 'period=2026-06'],
  ['Task', 'period=eq2026-06-15'],
  ['Task', 'period=ne2026-06'],
  ['Task', 'period=gt2026-06-30'],
  ['Task', 'period=lt2026-06-01'],
  ['Task', 'period=ge2026-06-15'],
  ['Task', 'period=le2026-06-15'],
  ['Task', 'period=sa2026-06-09'],
  ['Task', 'period=eb2026-06-01'],
  ['Task', 'period=ap2026-06-15'],
  ['Task', 'period=gt2026-06-15T08:30:00Z'],
  ['Task', 'period=ge2026-06-01&period=le2026-06-30'],
  ['Task', 'authored-on=2026-05'],
  ['Task', 'authored-on=2026'],
  ['Task', 'authored-on=eq2026-05-28'],
  ['Task', 'authored-on=ge2026-05-28T12:05:00Z'],
  ['Task', 'authored-on=lt2026-05-28T12:05:00Z'],
  ['Task', 'authored-on=gt2026-06-15T12:00:00.250Z'],
  ['Task', 'authored-on=sa2026-05,eb2026-01'],
  ['Task', 'authored-on=ap2026-06-01'],
  ['Task', 'authored-on:missing=true'],
  ['Task', 'modified=lt2026-06-01'],
  ['Task', '_lastUpdated=ge2026-06-01T10:00:00Z'],
  ['Task', '_lastUpdated=lt2026-06-01T05:00:00Z,gt2026-06-02T16:00:00Z'],
  ['Task', '_lastUpdated=2026-06-01'],
  ['Task', 'intent=order&status:not=requested&priority=routine,asap'],
  ['Patient', 'name=dupre'],
  ['Patient', 'name=HÉL'],
  ['Patient', 'family=le_'],
  ['Patient', 'family=le%'],
  ['Patient', 'family:exact=Dupré'],
  ['Patient', 'family:exact=dupré'],
  ['Patient', 'family:contains=gal'],
  ['Patient', 'family:contains=0%'],
  ['Patient', 'family:contains=_'],
  ['Patient', 'given=oedipe'],
  ['Patient', `family=${'a'.repeat(300)}`],
  ['Patient', `family=${'a'.repeat(300)}z`],
  ['Patient', `family:exact=${'A'.repeat(300)}y`],
  ['Patient', 'gender=female,male'],
  ['Patient', 'gender:missing=true'],
  ['Patient', 'active=true'],
  ['Task', '_source=urn:carenet:gateway'],
  ['Task', '_source:below=https://carenet.example.org/fhir/'],
  ['Task', '_source:below=https://carenet.example.org/fhir/sources/app%5F'],
  ['Task', '_source:above=https://carenet.example.org/fhir/sources/app_1/more'],
  ['Task', '_profile=https://carenet.example.org/fhir/StructureDefinition/task-a'],
  ['Task', '_profile:missing=true'],
  ['Observation', 'value-quantity=100'],
  ['Observation', 'value-quantity=100.0'],
  ['Observation', 'value-quantity=1e2'],
  ['Observation', 'value-quantity=ne100'],
  ['Observation', 'value-quantity=gt100'],
  ['Observation', 'value-quantity=ge100.5'],
  ['Observation', 'value-quantity=lt0'],
  ['Observation', 'value-quantity=le5.4'],
  ['Observation', 'value-quantity=sa37.2'],
  ['Observation', 'value-quantity=eb37.2'],
  ['Observation', 'value-quantity=ap110'],
  ['Observation', 'value-quantity=100|http://unitsofmeasure.org|mm[Hg]'],
  ['Observation', 'value-quantity=gt1||mmHg'],
  ['Observation', 'value-quantity=gt1||mm[Hg]'],
  ['Observation', 'value-quantity=5.4||mmol/L,0.001|http://unitsofmeasure.org|g'],
  ['Observation', 'value-quantity=le0.001'],
  ['RiskAssessment', 'probability=0.1'],
  ['RiskAssessment', 'probability=0.10'],
  ['RiskAssessment', 'probability=gt0.1'],
  ['RiskAssessment', 'probability=ge0.1'],
  ['RiskAssessment', 'probability=le0.15,ge1'],
  ['RiskAssessment', 'probability=ap0.5'],
  ['RiskAssessment', 'probability=ne1'],
  ['RiskAssessment', 'probability=eb0.1'],
  ['RiskAssessment', 'probability:missing=false'],
];

describe('PostgresSearchStore', () => {
  let database: TestDatabase;
  let db: SqlDatabase;
  let store: PostgresSearchStore;
  const indexed = new Map<string, ResourceIndexValues>();
  let putMs = 0;

  async function put(
    resource: Resource,
    versionId: number,
    lastUpdated: string,
    patch: (values: ResourceIndexValues) => ResourceIndexValues = (v) => v,
  ): Promise<void> {
    const stored = { ...resource, meta: { ...resource.meta, versionId: String(versionId), lastUpdated } };
    const values = patch(extractor.extract(stored));
    indexed.set(`${resource.resourceType}/${resource.id ?? ''}`, values);
    await db.transaction((tx) => store.put(tx, resource, { versionId, lastUpdated }, values));
  }

  function expected(type: string, query: string): string[] {
    const request = search(type, query);
    return [...indexed.entries()]
      .filter(([key, values]) => key.startsWith(`${type}/`) && searchMatches(request, values))
      .map(([, values]) => values.id ?? '?')
      .sort();
  }

  beforeAll(async () => {
    database = await createTestDatabase('fhir-storage');
    db = postgresDatabase({ connectionString: database.url });
    store = await PostgresSearchStore.open(db);
    const next = random(42);
    const started = performance.now();
    for (let i = 0; i < TASKS; i++) {
      await put(makeTask(i, next), 1, new Date(BASE_TIME + i * 20 * 60_000).toISOString());
    }
    putMs = (performance.now() - started) / TASKS;
    for (const [i, resource] of observations.entries()) {
      await put(resource, 1, new Date(BASE_TIME + i * 1000).toISOString());
    }
    // The extractor skips decimals today ("not a number type"): number rows are given by hand.
    for (const [i, resource] of riskAssessments.entries()) {
      const probability = resource.prediction?.[0]?.probabilityDecimal ?? 0;
      await put(resource, 1, new Date(BASE_TIME + i * 1000).toISOString(), (values) => ({
        ...values,
        parameters: values.parameters.map((p) =>
          p.parameter === 'probability'
            ? { type: 'number', parameter: 'probability', values: [{ value: probability }] }
            : p,
        ),
      }));
    }
    for (const [i, patient] of patients.entries()) {
      await put(patient, 1, new Date(BASE_TIME + i * 1000).toISOString());
    }
  });

  afterAll(async () => {
    await db.close();
    await database.drop();
  });

  it('opens twice without migrating again, and reads back what was put', async () => {
    await expect(PostgresSearchStore.open(db)).resolves.toBeInstanceOf(PostgresSearchStore);
    const task = await store.read('Task', 'task-003');
    expect(task).toMatchObject({ resourceType: 'Task', id: 'task-003', meta: { versionId: '1' } });
    await expect(store.read('Task', 'nope')).resolves.toBeUndefined();
    expect(putMs).toBeLessThan(200);
  });

  it('stores the content as the JSON text it gives out: resourceType, id and meta first', async () => {
    const [row] = await db.query<{ content_text: string }>(
      `SELECT ${resourceTextColumns('r')} FROM fhir.resources r WHERE resource_type = 'Task' AND id = 'task-003'`,
    );
    expect(row?.content_text).toMatch(/^\{"resourceType":"Task","id":"task-003","meta":\{/);
    const text = resourceTextOf('Task', 'task-003', row ?? { content_text: '' });
    expect(text.parse()).toEqual(await store.read('Task', 'task-003'));
  });

  it.each(QUERIES)('%s?%s agrees with the in-memory matcher', async (type, query) => {
    const result = await store.search(search(type, query));
    expect(idsOf(result.resources).sort()).toEqual(expected(type, query));
  });

  it('exercises the data: only the queries meant to find nothing are empty', () => {
    const empty = QUERIES.filter(([type, query]) => expected(type, query).length === 0).map(([, q]) => q);
    expect(empty).toEqual(['code=|fulfill', 'family=le%']);
  });

  it('replaces the index rows of a resource on update, and forgets it on remove', async () => {
    const task = makeTask(900, random(7));
    const first: Task = { ...task, status: 'requested', priority: 'stat' };
    await put(first, 1, '2026-07-01T00:00:00.000Z');
    expect(idsOf((await store.search(search('Task', '_id=task-900&priority=stat'))).resources)).toEqual([
      'task-900',
    ]);
    const second: Task = { ...task, status: 'completed', priority: 'routine' };
    await put(second, 2, '2026-07-01T00:01:00.000Z');
    expect((await store.search(search('Task', '_id=task-900&priority=stat'))).resources).toEqual([]);
    const found = await store.search(search('Task', '_id=task-900&priority=routine&status=completed'));
    expect(found.resources).toMatchObject([{ id: 'task-900', meta: { versionId: '2' } }]);
    await db.transaction((tx) => store.remove(tx, 'Task', 'task-900'));
    indexed.delete('Task/task-900');
    expect((await store.search(search('Task', '_id=task-900'))).resources).toEqual([]);
    await expect(store.read('Task', 'task-900')).resolves.toBeUndefined();
  });

  it('rewrites only the index rows whose values changed, and ends with the rows of a fresh put', async () => {
    const task = makeTask(905, random(11));
    const rowsOf = async () =>
      db.query<{ t: string; xmin: string; row: string }>(
        `SELECT t, xmin::text AS xmin, row FROM (
           SELECT 'token' AS t, x.xmin, (to_jsonb(x) - 'resource_type' - 'id')::text AS row FROM fhir.token_index x
            WHERE resource_type = 'Task' AND id = 'task-905'
           UNION ALL
           SELECT 'reference', x.xmin, (to_jsonb(x) - 'resource_type' - 'id')::text FROM fhir.reference_index x
            WHERE resource_type = 'Task' AND id = 'task-905'
           UNION ALL
           SELECT 'date', x.xmin, (to_jsonb(x) - 'resource_type' - 'id')::text FROM fhir.date_index x
            WHERE resource_type = 'Task' AND id = 'task-905') r ORDER BY t, row`,
      );
    const requested: Task = { ...task, status: 'requested' };
    const accepted: Task = { ...task, status: 'accepted' };
    await put(requested, 1, '2026-07-02T00:00:00.000Z');
    const before = await rowsOf();
    await put(accepted, 2, '2026-07-02T00:01:00.000Z');
    const after = await rowsOf();
    const key = (r: { t: string; row: string }) => `${r.t} ${r.row}`;
    const kept = after.filter((r) => before.some((b) => key(b) === key(r) && b.xmin === r.xmin));
    const rewritten = after.filter((r) => !kept.includes(r));
    // The status and the `modified` instant (meta.lastUpdated moved) changed; nothing else did.
    expect(
      rewritten
        .map((r) => JSON.parse(r.row) as { param: string })
        .map((r) => r.param)
        .sort(),
    ).toEqual(['_lastUpdated', 'status']);
    expect(kept.length).toBeGreaterThan(5);
    expect(after.find((r) => r.row.includes('"status"'))?.row).toContain('"accepted"');
    // The same rows, row for row, as a resource put once at that version.
    await db.transaction((tx) => store.remove(tx, 'Task', 'task-905'));
    await put(accepted, 2, '2026-07-02T00:01:00.000Z');
    expect((await rowsOf()).map(key)).toEqual(after.map(key));
    await db.transaction((tx) => store.remove(tx, 'Task', 'task-905'));
    indexed.delete('Task/task-905');
  });

  it('takes the caller transaction: a rollback leaves nothing behind', async () => {
    const task = makeTask(901, random(8));
    await expect(
      db.transaction(async (tx) => {
        await store.put(tx, task, { versionId: 1, lastUpdated: new Date() }, extractor.extract(task));
        throw new Error('append failed');
      }),
    ).rejects.toThrow('append failed');
    await expect(store.read('Task', 'task-901')).resolves.toBeUndefined();
    expect((await store.search(search('Task', '_id=task-901'))).resources).toEqual([]);
  });

  it('leaves exactly one set of index rows when writers race on one resource', async () => {
    const task = makeTask(903, random(10));
    const statuses = ['requested', 'received', 'accepted', 'rejected', 'ready', 'cancelled'] as const;
    await Promise.all(
      statuses.map((status, i) => {
        const version: Task = { ...task, status };
        return db.transaction((tx) =>
          store.put(tx, version, { versionId: i + 1, lastUpdated: new Date() }, extractor.extract(version)),
        );
      }),
    );
    const rows = await db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM fhir.token_index WHERE resource_type = 'Task' AND id = 'task-903' AND param = 'status'",
    );
    expect(rows[0]?.n).toBe(1);
    const stored = await store.read('Task', 'task-903');
    const found = await store.search(search('Task', `_id=task-903&status=${(stored as Task).status}`));
    expect(idsOf(found.resources)).toEqual(['task-903']);
    await db.transaction((tx) => store.remove(tx, 'Task', 'task-903'));
  });

  /** Everything stored for one resource: its content, history and the rows of every index table. */
  async function storedRows(type: string, id: string): Promise<unknown[]> {
    const tables = ['token', 'reference', 'date', 'string', 'number', 'quantity', 'uri'];
    return [
      await db.query('SELECT version_id, content FROM fhir.resources WHERE resource_type = $1 AND id = $2', [
        type,
        id,
      ]),
      await db.query(
        'SELECT version_id, content FROM fhir.resource_history WHERE resource_type = $1 AND id = $2 ORDER BY version_id',
        [type, id],
      ),
      ...(await Promise.all(
        tables.map((t) =>
          db.query(
            `SELECT to_jsonb(x) - 'resource_type' - 'id' AS row FROM fhir.${t}_index x
              WHERE resource_type = $1 AND id = $2 ORDER BY 1`,
            [type, id],
          ),
        ),
      )),
    ];
  }

  it('stores the same rows in one statement when the caller serialises the writers', async () => {
    const next = random(12);
    const first = makeTask(904, next);
    const second: Task = { ...makeTask(904, next), status: 'accepted' };
    const writeBoth = async (serialised: boolean) => {
      for (const [i, version] of [first, second].entries()) {
        await db.transaction((tx) =>
          store.put(
            tx,
            version,
            { versionId: i + 1, lastUpdated: '2026-06-01T10:00:00.000Z' },
            extractor.extract(version),
            {
              serialised,
            },
          ),
        );
      }
      const rows = await storedRows('Task', 'task-904');
      await db.transaction(async (tx) => {
        await store.remove(tx, 'Task', 'task-904');
        await tx.query("DELETE FROM fhir.resource_history WHERE resource_type = 'Task' AND id = 'task-904'");
      });
      return rows;
    };
    const twoStatements = await writeBoth(false);
    expect(twoStatements.slice(2).some((rows) => (rows as unknown[]).length > 0)).toBe(true);
    expect(await writeBoth(true)).toEqual(twoStatements);
  });

  it("runs the caller's own write of the version in the same statement (together)", async () => {
    await db.query('CREATE TABLE IF NOT EXISTS side_rows (id text PRIMARY KEY, version int NOT NULL)');
    const together = {
      sql: `INSERT INTO side_rows (id, version) VALUES ($1, $2)
            ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version`,
    };
    const task = makeTask(906, random(14));
    const put = (versionId: number) =>
      db.transaction((tx) =>
        store.put(tx, task, { versionId, lastUpdated: new Date() }, extractor.extract(task), {
          serialised: true,
          together: { ...together, params: ['task-906', versionId] },
        }),
      );
    await put(1);
    await put(2);
    expect(await db.query("SELECT version FROM side_rows WHERE id = 'task-906'")).toEqual([{ version: 2 }]);
    expect((await store.read('Task', 'task-906'))?.meta?.versionId).toBe('2');
    // One statement: when the caller's part fails, the version is not stored either.
    await expect(
      db.transaction((tx) =>
        store.put(tx, task, { versionId: 3, lastUpdated: new Date() }, extractor.extract(task), {
          serialised: true,
          together: { ...together, params: [null, 3] },
        }),
      ),
    ).rejects.toThrow();
    expect((await store.read('Task', 'task-906'))?.meta?.versionId).toBe('2');
    await expect(
      db.transaction((tx) =>
        store.put(tx, task, { versionId: 3, lastUpdated: new Date() }, extractor.extract(task), {
          together: { ...together, params: ['task-906', 3] },
        }),
      ),
    ).rejects.toThrow('needs a serialised put');
    await db.transaction((tx) => store.remove(tx, 'Task', 'task-906'));
  });

  it('leaves one set of index rows when serialised writers race behind their lock', async () => {
    const task = makeTask(905, random(13));
    const statuses = ['requested', 'received', 'accepted', 'rejected', 'ready', 'cancelled'] as const;
    await Promise.all(
      statuses.map((status, i) => {
        const version: Task = { ...task, status };
        return db.transaction(async (tx) => {
          // What an append does first: the lock every writer of the resource takes.
          await tx.query("SELECT pg_advisory_xact_lock(hashtext('Task-task-905'))");
          await store.put(
            tx,
            version,
            { versionId: i + 1, lastUpdated: new Date() },
            extractor.extract(version),
            {
              serialised: true,
            },
          );
        });
      }),
    );
    const rows = await db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM fhir.token_index WHERE resource_type = 'Task' AND id = 'task-905' AND param = 'status'",
    );
    expect(rows[0]?.n).toBe(1);
    await db.transaction((tx) => store.remove(tx, 'Task', 'task-905'));
  });

  it('refuses a resource without id (typed error)', async () => {
    const task = { ...makeTask(902, random(9)), id: undefined };
    await expect(
      db.transaction((tx) =>
        store.put(tx, task, { versionId: 1, lastUpdated: new Date() }, extractor.extract(task)),
      ),
    ).rejects.toBeInstanceOf(SearchStoreError);
  });

  it('keeps injection strings as plain values', async () => {
    const attacks = [
      "' OR 1=1 --",
      "x'); DROP TABLE fhir.resources; --",
      '%',
      '_',
      '\\',
      '$1',
      "task-001' OR 'a'='a",
    ];
    for (const attack of attacks) {
      const encoded = encodeURIComponent(attack.replace(/[\\,|$]/g, '\\$&'));
      for (const query of [
        `_id=${encoded}`,
        `code:text=${encoded}`,
        `owner:identifier=${encoded}`,
        `business-status:text=${encoded}`,
      ]) {
        const result = await store.search(search('Task', query));
        expect(idsOf(result.resources).sort()).toEqual(expected('Task', query));
      }
      for (const query of [`family=${encoded}`, `family:contains=${encoded}`, `name:exact=${encoded}`]) {
        const result = await store.search(search('Patient', query));
        expect(idsOf(result.resources).sort()).toEqual(expected('Patient', query));
      }
    }
    expect((await store.search(search('Task', ''))).resources.length).toBe(TASKS);
  });

  it('counts all matches with _total=accurate, whatever the page size', async () => {
    const result = await store.search(search('Task', 'status=requested,received&_count=3&_total=accurate'));
    expect(result.resources).toHaveLength(3);
    expect(result.total).toBe(expected('Task', 'status=requested,received').length);
    expect(result.nextCursor).toBeDefined();
    const none = await store.search(search('Task', 'status=requested&_count=0&_total=accurate'));
    expect(none.resources).toEqual([]);
    expect(none.total).toBe(expected('Task', 'status=requested').length);
  });

  it('includes the targets of part-of and reverse-includes the Tasks pointing to the page', async () => {
    const included = await store.search(search('Task', '_id=task-003&_include=Task:part-of'));
    expect(idsOf(included.resources)).toEqual(['task-003']);
    expect(idsOf(included.included)).toEqual(['task-002']);
    const reverse = await store.search(search('Task', '_id=task-002&_revinclude=Task:part-of'));
    expect(idsOf(reverse.included)).toEqual(['task-003']);
  });

  it('rejects a cursor of another sort or a forged one (typed error)', async () => {
    const first = await store.search(search('Task', '_count=2&_sort=_id'));
    expect(first.nextCursor).toBeDefined();
    const cursor = first.nextCursor ?? '';
    await expect(store.search({ ...search('Task', '_count=2&_sort=-_id'), cursor })).rejects.toBeInstanceOf(
      SearchStoreError,
    );
    await expect(store.search({ ...search('Task', '_count=2'), cursor: 'not-json' })).rejects.toBeInstanceOf(
      SearchStoreError,
    );
  });

  /** Every page of a search, following nextCursor. */
  async function allPages(request: SearchRequest): Promise<{ ids: string[]; pages: number }> {
    const ids: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await store.search({ ...request, ...(cursor !== undefined && { cursor }) });
      expect(page.resources.length).toBeLessThanOrEqual(request.count);
      ids.push(...idsOf(page.resources));
      cursor = page.nextCursor;
      pages++;
    } while (cursor !== undefined && pages < 1000);
    return { ids, pages };
  }

  function orderedMatches(type: string, query: string): string[] {
    const request = search(type, query);
    const matching = [...indexed.entries()]
      .filter(([key, values]) => key.startsWith(`${type}/`) && searchMatches(request, values))
      .map(([, values]) => values);
    return expectedOrder(request.sort, matching);
  }

  it.each([
    '_sort=_id&_count=7',
    '_sort=-_id&_count=7',
    '_sort=_lastUpdated&_count=10',
    '_sort=-_lastUpdated&status=requested,received&_count=4',
    '_sort=authored-on&_count=9',
    '_sort=-authored-on&_count=9',
    '_sort=priority,-period&_count=6',
    '_sort=-priority,period,-authored-on&_count=5',
    '_sort=-period&_count=11',
    '_sort=code,_lastUpdated&_count=13',
    `owner:identifier=${IDNPS}|810000000001&status=requested,received,accepted&_sort=-priority,period&_count=3`,
    `patient:identifier=${INS}|&_sort=-priority,period&_count=4`,
  ])('pages through Task?%s in sort order, each match exactly once', async (query) => {
    const expected = orderedMatches('Task', query);
    const request = search('Task', query);
    const { ids, pages } = await allPages(request);
    expect(ids).toEqual(expected);
    expect(pages).toBe(Math.max(1, Math.ceil(expected.length / request.count)));
  });

  it.each([
    ['Patient', '_sort=family&_count=2'],
    ['Patient', '_sort=-name,_id&_count=3'],
    ['Observation', '_sort=value-quantity&_count=2'],
    ['Observation', '_sort=-value-quantity&_count=4'],
    ['RiskAssessment', '_sort=-probability&_count=2'],
  ])('pages through %s?%s in sort order (string, quantity, number keys)', async (type, query) => {
    const { ids } = await allPages(search(type, query));
    expect(ids).toEqual(orderedMatches(type, query));
  });

  it('serves the work queue query of a practitioner (urgent first, then by period)', async () => {
    const query = `owner:identifier=${IDNPS}|810000000001&status=requested,received,accepted&_sort=-priority,period`;
    const result = await store.search(search('Task', query));
    expect(result.resources.length).toBeGreaterThan(2);
    expect(idsOf(result.resources)).toEqual(orderedMatches('Task', query));
    // Clinical order, not the alphabet: stat, asap, urgent, routine.
    const rank = ['stat', 'asap', 'urgent', 'routine'];
    const ranks = result.resources.map((r) => rank.indexOf((r as Task).priority ?? 'routine'));
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    expect(new Set(ranks).size).toBeGreaterThan(1);
  });

  it('keeps pages stable while resources are written between two pages', async () => {
    const query = '_sort=_id&_count=10';
    const before = orderedMatches('Task', query);
    const first = await store.search(search('Task', query));
    expect(idsOf(first.resources)).toEqual(before.slice(0, 10));
    // One resource before the cursor, one after, and a resource of the next pages updated.
    await put(makeTask(0, random(11)), 1, '2026-08-01T00:00:00.000Z');
    await put({ ...makeTask(0, random(12)), id: 'task-000a' }, 1, '2026-08-01T00:00:01.000Z');
    await put({ ...makeTask(0, random(13)), id: 'task-999' }, 1, '2026-08-01T00:00:02.000Z');
    const updated: Task = { ...makeTask(50, random(14)), status: 'completed' };
    await put(updated, 2, '2026-08-01T00:00:03.000Z');
    const rest = await allPages({
      ...search('Task', query),
      ...(first.nextCursor !== undefined && { cursor: first.nextCursor }),
    });
    const seen = [...idsOf(first.resources), ...rest.ids];
    expect(seen).toEqual([...before, 'task-999']);
    expect(new Set(seen).size).toBe(seen.length);
  });
});
