// The read model at a realistic size: write rate, and the work-queue query served by index
// lookups (EXPLAIN) within a few milliseconds. Figures are printed for the record.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from '@carenet/testing';
import { postgresDatabase, type SqlDatabase } from '@carenet/eventsourcing';
import { PostgresSearchStore } from '../../src/storage/index.js';
import { extractor, IDNPS, INS, makeTask, random, search } from './storage-fixtures.js';

const TASKS = 20_000;
const WRITERS = 8;

describe('PostgresSearchStore at 20,000 Tasks', () => {
  let database: TestDatabase;
  let db: SqlDatabase;
  let store: PostgresSearchStore;
  let putsPerSecond = 0;

  beforeAll(async () => {
    database = await createTestDatabase('fhir-storage-scale');
    db = postgresDatabase({ connectionString: database.url, max: WRITERS });
    store = await PostgresSearchStore.open(db);
    const next = random(1);
    const tasks = Array.from({ length: TASKS }, (_, i) => makeTask(i, next));
    const started = performance.now();
    for (let w = 0; w < TASKS; w += WRITERS * 50) {
      await Promise.all(
        Array.from({ length: WRITERS }, (_, k) =>
          db.transaction(async (tx) => {
            for (const task of tasks.slice(w + k * 50, w + (k + 1) * 50)) {
              const lastUpdated = new Date(Date.UTC(2026, 5, 1) + w * 1000 + k).toISOString();
              const stored = { ...task, meta: { ...task.meta, versionId: '1', lastUpdated } };
              await store.put(tx, task, { versionId: 1, lastUpdated }, extractor.extract(stored));
            }
          }),
        ),
      );
    }
    putsPerSecond = TASKS / ((performance.now() - started) / 1000);
    await db.query('ANALYZE');
  });

  afterAll(async () => {
    await db.close();
    await database.drop();
  });

  async function timed(query: string, runs = 20): Promise<{ ms: number; found: number }> {
    const request = search('Task', query);
    let found = 0;
    await store.search(request);
    const started = performance.now();
    for (let i = 0; i < runs; i++) found = (await store.search(request)).resources.length;
    return { ms: (performance.now() - started) / runs, found };
  }

  it('writes resources and their index rows at a useful rate', () => {
    console.log(`put (extraction included), ${WRITERS} writers: ${Math.round(putsPerSecond)} Tasks/s`);
    expect(putsPerSecond).toBeGreaterThan(200);
  });

  it('answers selective searches in milliseconds', async () => {
    const queries = [
      `owner:identifier=${IDNPS}|810000000001&status=requested,received,accepted&_sort=-priority,period&_count=20`,
      `patient:identifier=${INS}|1840572123402&_count=20`,
      'identifier=https://carenet.example.org/fhir/task-id|T-12345',
      'period=2026-06-15&status=requested&_count=20&_sort=-_lastUpdated',
      'code:text=realiser a&_count=20&_total=accurate',
    ];
    for (const query of queries) {
      const { ms, found } = await timed(query);
      console.log(`${ms.toFixed(2)} ms, ${found} found: Task?${query}`);
      expect(found).toBeGreaterThan(0);
      expect(ms).toBeLessThan(250);
    }
  });

  it('looks identifiers up through the index (no sequential scan of the index tables)', async () => {
    const rows = await db.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN SELECT r.id FROM fhir.resources r WHERE r.resource_type = 'Task'
         AND EXISTS (SELECT 1 FROM fhir.reference_index x WHERE x.resource_type = 'Task' AND x.id = r.id
           AND x.param = 'owner' AND x.identifier_value = '810000000001' AND x.identifier_system = $1)
         AND EXISTS (SELECT 1 FROM fhir.token_index x WHERE x.resource_type = 'Task' AND x.id = r.id
           AND x.param = 'status' AND x.code = 'requested')`,
      [IDNPS],
    );
    const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
    expect(plan).toMatch(/reference_index_identifier|reference_index_resource/);
    expect(plan).not.toMatch(/Seq Scan on reference_index/);
  });

  it('empties the read model on reset (before a rebuild from the log)', async () => {
    await db.transaction((tx) => store.reset(tx));
    expect((await store.search(search('Task', '_total=accurate'))).total).toBe(0);
    await expect(store.read('Task', 'task-00001')).resolves.toBeUndefined();
  });
});
