// The access decision's filter in the search store (issue 18): a search, its total, its pages,
// its includes and the type history see only the resources of the visible patients (and those
// about no patient), whatever the query's shape (a driving reference clause or not).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Task } from 'fhir/r4.js';
import { createTestDatabase, type TestDatabase } from '@carenet/testing';
import { postgresDatabase, type SqlDatabase } from '@carenet/eventsourcing';
import type { SearchRequest } from '../../src/search/index.js';
import { PostgresSearchStore, type PatientVisibility } from '../../src/storage/index.js';
import { extractor, IDNPS, idsOf, INS, search } from './storage-fixtures.js';

const PATIENTS = 10;
const insOf = (n: number) => `27903512151${String(n).padStart(4, '0')}`;
const keyOf = (n: number) => `${INS}|${insOf(n)}`;

/** Task `t-<p>-<k>` for patient p (none for p = -1), owned by one nurse, part of the previous patient's first Task. */
function task(p: number, k: number): Task {
  return {
    resourceType: 'Task',
    id: `t-${p < 0 ? 'x' : p}-${k}`,
    status: 'requested',
    intent: 'order',
    ...(p >= 0 && { for: { type: 'Patient', identifier: { system: INS, value: insOf(p) } } }),
    owner: { type: 'Practitioner', identifier: { system: IDNPS, value: '810000000002' } },
    ...(p > 0 && { partOf: [{ reference: `Task/t-${p - 1}-0` }] }),
  };
}

const patientKeyOf = (resource: { readonly resourceType: string }) => {
  const patient = (resource as Task).for?.identifier;
  return patient?.value === undefined ? null : `${patient.system ?? ''}|${patient.value}`;
};

describe('patient visibility in the search store', () => {
  let database: TestDatabase;
  let db: SqlDatabase;
  let store: PostgresSearchStore;
  const visible = [0, 1, 2].map(keyOf);
  const visibility: PatientVisibility = { sql: 'SELECT unnest($1::text[])', params: [visible] };
  const shown = (id: string) =>
    id.startsWith('t-x-') || ['t-0-', 't-1-', 't-2-'].some((p) => id.startsWith(p));
  const all: Task[] = [];

  beforeAll(async () => {
    database = await createTestDatabase('fhir-patient-visibility');
    db = postgresDatabase({ connectionString: database.url });
    store = await PostgresSearchStore.open(db, { patientKeyOf });
    for (let p = -1; p < PATIENTS; p++) for (let k = 0; k < 3; k++) all.push(task(p, k));
    await db.transaction(async (tx) => {
      for (const t of all) {
        await store.put(tx, t, { versionId: 1, lastUpdated: '2026-06-01T10:00:00Z' }, extractor.extract(t));
        await store.put(tx, t, { versionId: 2, lastUpdated: '2026-06-02T10:00:00Z' }, extractor.extract(t));
      }
    });
  });
  afterAll(async () => {
    await db.close();
    await database.drop();
  });

  const withVisibility = (request: SearchRequest): SearchRequest => ({ ...request, visibility });

  it('leaves every other patient out of the matches and the total, with or without a driving clause', async () => {
    const expected = all
      .map((t) => t.id ?? '')
      .filter(shown)
      .sort();
    for (const query of [
      '_total=accurate',
      `owner:identifier=${IDNPS}|810000000002&_total=accurate`,
      'status=requested&_total=accurate',
    ]) {
      const found = await store.search(withVisibility(search('Task', query)));
      expect([query, idsOf(found.resources).sort()]).toEqual([query, expected]);
      expect(found.total).toBe(expected.length);
    }
    const unfiltered = await store.search(search('Task', '_total=accurate'));
    expect(unfiltered.total).toBe(all.length);
  });

  it('pages through the visible ones only, and _summary=count counts them', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.search(
        withVisibility({ ...search('Task', '_count=4'), ...(cursor !== undefined && { cursor }) }),
      );
      seen.push(...idsOf(page.resources));
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    expect(seen.every(shown)).toBe(true);
    expect(seen).toHaveLength(12);
    expect((await store.search(withVisibility(search('Task', '_summary=count')))).total).toBe(12);
  });

  it('includes and revincludes nothing of the hidden patients', async () => {
    // t-3-* are part of t-2-0 (visible); t-1-* of t-0-0; t-0-* of nothing.
    const included = await store.search(
      withVisibility(search('Task', '_id=t-2-0,t-3-0&_include=Task:part-of')),
    );
    expect(idsOf(included.resources)).toEqual(['t-2-0']);
    expect(idsOf(included.included)).toEqual(['t-1-0']);
    const revincluded = await store.search(
      withVisibility(search('Task', '_id=t-2-0&_revinclude=Task:part-of')),
    );
    expect(idsOf(revincluded.included)).toEqual([]);
    const unfiltered = await store.search(search('Task', '_id=t-2-0&_revinclude=Task:part-of'));
    expect(idsOf(unfiltered.included).sort()).toEqual(['t-3-0', 't-3-1', 't-3-2']);
  });

  it('keeps other patients out of the type history, every version of them', async () => {
    const history = await store.history('Task', { count: 500, visibility });
    expect(history.versions).toHaveLength(24);
    expect(history.versions.every((v) => shown(v.id))).toBe(true);
    expect((await store.history('Task', { count: 500 })).versions).toHaveLength(all.length * 2);
  });

  it('a caller who may see no patient sees only what is about no patient', async () => {
    const nobody = { sql: 'SELECT NULL::text WHERE false', params: [] };
    const found = await store.search({ ...search('Task', '_total=accurate'), visibility: nobody });
    expect(idsOf(found.resources).sort()).toEqual(['t-x-0', 't-x-1', 't-x-2']);
    expect(found.total).toBe(3);
  });
});
