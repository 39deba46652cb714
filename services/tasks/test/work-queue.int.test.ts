// The work queue from the Tasks read model's own index gives exactly what the search store gives
// for the same search, page by page, and its cursors carry on in the search store.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Bundle, Task } from 'fhir/r4.js';
import type { FhirResource } from 'fhir-kit-client';
import { seededRandom } from '@carenet/testing';
import { IDNPS, INS, professional, startTasksServer, type TasksServer } from './support/tasks-server.js';

const GP = professional('810000000001', '10', 'Dr Anne Martin');
const NURSES = ['810000000021', '810000000022', '810000000023'].map((id, i) =>
  professional(id, '60', `Nurse ${i + 1}`),
);
const asFhir = (resource: object) => resource as unknown as FhirResource;

describe('the work queue, from its own index', () => {
  let server: TasksServer;

  beforeAll(async () => {
    server = await startTasksServer('tasks-work-queue');
    const gp = await server.clientFor(GP);
    const nurses = await Promise.all(NURSES.map((n) => server.clientFor(n)));
    const next = seededRandom(42);
    const pick = <T>(values: readonly T[]): T => values[Math.floor(next() * values.length)] as T;
    for (let i = 0; i < 90; i++) {
      const n = i % NURSES.length;
      const nurse = NURSES[n];
      const client = nurses[n]!;
      const created = (await gp.create({
        resourceType: 'Task',
        body: asFhir({
          resourceType: 'Task',
          status: 'requested',
          intent: 'order',
          priority: pick(['routine', 'routine', 'urgent', 'asap', 'stat'] as const),
          code: { text: `act ${i}` },
          for: { identifier: { system: INS, value: `2790351215189${String(i).padStart(2, '0')}` } },
          owner: {
            identifier: {
              system: IDNPS,
              value: nurse?.kind === 'professional' ? nurse.identifier.value : '',
            },
          },
        }),
      })) as unknown as Task;
      // Some move on; started ones get an execution period (the clock moves between them).
      const path = pick([
        [],
        [],
        ['received'],
        ['accepted'],
        ['accepted', 'in-progress'],
        ['accepted', 'in-progress'],
      ]);
      let current = created;
      for (const status of path) {
        server.now = new Date(server.now.getTime() + 3_600_000 * (1 + Math.floor(next() * 5)));
        current = (await client.patch({
          resourceType: 'Task',
          id: current.id ?? '',
          jsonPatch: [{ op: 'replace', path: '/status', value: status }],
        })) as unknown as Task;
      }
    }
  });
  afterAll(async () => {
    await server.close();
  });

  /** Every page of a search through HTTP: the ids in order, and the pages' links. */
  async function pages(query: string) {
    const client = await server.clientFor(GP);
    const ids: string[][] = [];
    const links: Bundle['link'][] = [];
    let url: string | undefined = `${server.base}/Task?${query}`;
    while (url !== undefined) {
      const bundle = (await client.request(url)) as unknown as Bundle;
      ids.push((bundle.entry ?? []).map((e) => e.resource?.id ?? ''));
      links.push(bundle.link);
      url = bundle.link?.find((l) => l.relation === 'next')?.url;
    }
    return { ids, links };
  }

  it.each(
    NURSES.flatMap((nurse) => {
      const owner = `owner:identifier=${IDNPS}|${nurse.kind === 'professional' ? nurse.identifier.value : ''}`;
      return [
        `${owner}&status=requested,received,accepted&_sort=-priority,period&_count=4`,
        `${owner}&status=requested,received,accepted,in-progress&_sort=-priority,period&_count=3`,
        `${owner}&status=in-progress&_sort=-priority&_count=2`,
      ];
    }),
  )('Task?%s: the same Tasks in the same order as the search store', async (query) => {
    // `,_id` at the end of the sort changes nothing to the order (the id breaks ties anyway) but
    // is not the work-queue shape: the search store answers it.
    const fast = await pages(query);
    const store = await pages(query.replace(/_sort=([^&]*)/, '_sort=$1,_id'));
    expect(fast.ids.flat()).toEqual(store.ids.flat());
    expect(fast.ids.flat().length).toBeGreaterThan(0);
    expect(new Set(fast.ids.flat()).size).toBe(fast.ids.flat().length);
  });

  it('hands over to the search store for previous pages, which lead back to the same pages', async () => {
    const owner = `owner:identifier=${IDNPS}|810000000021`;
    const { ids, links } = await pages(
      `${owner}&status=requested,received,accepted,in-progress&_sort=-priority,period&_count=3`,
    );
    expect(ids.length).toBeGreaterThan(2);
    const previous = links[2]?.find((l) => l.relation === 'previous')?.url ?? '';
    const client = await server.clientFor(GP);
    const back = (await client.request(previous)) as unknown as Bundle;
    expect((back.entry ?? []).map((e) => e.resource?.id)).toEqual(ids[1]);
  });
});
