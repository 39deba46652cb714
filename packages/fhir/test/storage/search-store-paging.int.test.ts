// Paging backwards (`previous` links), `_include:iterate` / `_revinclude:iterate` over chains,
// and `_total=estimate`, on a store of its own (these tests write resources the others must not see).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Task } from 'fhir/r4.js';
import { createTestDatabase, type TestDatabase } from '@carenet/testing';
import { postgresDatabase, type SqlDatabase } from '@carenet/eventsourcing';
import { searchMatches, type ResourceIndexValues } from '../../src/search/index.js';
import { PostgresSearchStore } from '../../src/storage/index.js';
import { expectedOrder } from './expected-order.js';
import { extractor, idsOf, IDNPS, makeTask, random, search } from './storage-fixtures.js';

const TASKS = 1_100;

describe('search store: previous pages, iterated includes, estimated totals', () => {
  let database: TestDatabase;
  let db: SqlDatabase;
  let store: PostgresSearchStore;
  const indexed = new Map<string, ResourceIndexValues>();

  /** A chain of Tasks, each part of the next: chain-1 → chain-2 → … → chain-6. */
  const chain = (n: number): Task => ({
    resourceType: 'Task',
    id: `chain-${n}`,
    status: 'requested',
    intent: 'order',
    ...(n < 6 && { partOf: [{ reference: `Task/chain-${n + 1}` }] }),
  });

  beforeAll(async () => {
    database = await createTestDatabase('fhir-search-paging');
    db = postgresDatabase({ connectionString: database.url });
    store = await PostgresSearchStore.open(db);
    const next = random(5);
    const tasks = [
      ...Array.from({ length: TASKS }, (_, i) => makeTask(i + 1000, next)),
      ...[1, 2, 3, 4, 5, 6].map(chain),
    ];
    await db.transaction(async (tx) => {
      for (const task of tasks) {
        const values = extractor.extract(task);
        indexed.set(task.id ?? '', values);
        await store.put(tx, task, { versionId: 1, lastUpdated: '2026-06-01T00:00:00.000Z' }, values);
      }
    });
  });
  afterAll(async () => {
    await db.close();
    await database.drop();
  });

  function orderedMatches(query: string): string[] {
    const request = search('Task', query);
    return expectedOrder(
      request.sort,
      [...indexed.values()].filter((values) => searchMatches(request, values)),
    );
  }

  it.each([
    '_sort=_id&_count=97',
    '_sort=-priority,period&_count=50',
    '_sort=-period,authored-on&_count=64',
    `owner:identifier=${IDNPS}|&status=requested,received,accepted&_sort=-priority,period&_count=9`,
    'status=completed&_sort=priority&_count=40',
  ])('pages forward then back again through Task?%s, page for page', async (query) => {
    const request = search('Task', query);
    const expected = orderedMatches(query);
    expect(expected.length).toBeGreaterThan(request.count * 2);

    const forward: string[][] = [];
    let page = await store.search(request);
    expect(page.previousCursor).toBeUndefined();
    forward.push(idsOf(page.resources));
    while (page.nextCursor !== undefined) {
      page = await store.search({ ...request, cursor: page.nextCursor });
      expect(page.previousCursor).toBeDefined();
      forward.push(idsOf(page.resources));
    }
    expect(forward.flat()).toEqual(expected);

    // From the last page, previous links lead back through the same pages to the first.
    const backward: string[][] = [idsOf(page.resources)];
    while (page.previousCursor !== undefined) {
      page = await store.search({ ...request, cursor: page.previousCursor });
      expect(page.nextCursor).toBeDefined();
      backward.unshift(idsOf(page.resources));
    }
    expect(backward).toEqual(forward);
  });

  it('follows _include:iterate along a chain, and plain _include one step only', async () => {
    const once = await store.search(search('Task', '_id=chain-1&_include=Task:part-of'));
    expect(idsOf(once.included)).toEqual(['chain-2']);
    const iterated = await store.search(search('Task', '_id=chain-1&_include:iterate=Task:part-of'));
    // Four rounds: chain-2 … chain-5; the next one would be the fifth.
    expect(idsOf(iterated.included)).toEqual(['chain-2', 'chain-3', 'chain-4', 'chain-5']);
  });

  it('follows _revinclude:iterate down a chain, never repeating a match', async () => {
    const once = await store.search(search('Task', '_id=chain-6&_revinclude=Task:part-of'));
    expect(idsOf(once.included)).toEqual(['chain-5']);
    const iterated = await store.search(
      search('Task', '_id=chain-6,chain-4&_revinclude:iterate=Task:part-of'),
    );
    expect(idsOf(iterated.resources).sort()).toEqual(['chain-4', 'chain-6']);
    expect(idsOf(iterated.included).sort()).toEqual(['chain-1', 'chain-2', 'chain-3', 'chain-5']);
  });

  it('estimates totals: exact for small sets, at least the exact bound for large ones', async () => {
    const small = await store.search(
      search('Task', `status=requested&owner:identifier=${IDNPS}|&_total=estimate`),
    );
    expect(small.total).toBe(orderedMatches(`status=requested&owner:identifier=${IDNPS}|`).length);
    const all = await store.search(search('Task', '_total=estimate&_count=1'));
    expect(all.total).toBeGreaterThan(1_000);
    const none = await store.search(search('Task', '_count=1'));
    expect(none.total).toBeUndefined();
  });

  // Last: it empties the Tasks.
  it('resets the read model of some types only, leaving the others', async () => {
    const patient = { resourceType: 'Patient' as const, id: 'pat-1', name: [{ family: 'Martin' }] };
    await db.transaction((tx) =>
      store.put(
        tx,
        patient,
        { versionId: 1, lastUpdated: '2026-06-01T00:00:00.000Z' },
        extractor.extract(patient),
      ),
    );
    await db.transaction((tx) => store.reset(tx, ['Task']));
    expect((await store.search(search('Task', '_total=accurate&_count=0'))).total).toBe(0);
    expect((await store.history('Task', { count: 10 })).versions).toEqual([]);
    expect(await store.read('Patient', 'pat-1')).toMatchObject({ name: [{ family: 'Martin' }] });
    expect((await store.history('Patient', { count: 10 })).versions).toHaveLength(1);
  });
});
