import { describe, expect, it } from '@jest/globals';
import { parseSearchRequest, SearchParameterRegistry } from '@carenet/fhir';
import { workQueueQuery } from '../src/fhir/work-queue-search.js';

const registry = SearchParameterRegistry.r4({ supported: { Task: 'all' } });
const request = (query: string) => {
  const parsed = parseSearchRequest('Task', new URLSearchParams(query), {
    registry,
    now: new Date('2026-06-01'),
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.request;
};
const OWNER = 'owner:identifier=urn:oid:1.2.250.1.71.4.2.1|810000000021';

describe('workQueueQuery: which searches the work-queue index answers', () => {
  it('recognises the work queue, with or without the period', () => {
    expect(workQueueQuery(request(`${OWNER}&status=requested,accepted&_sort=-priority,period`))).toEqual({
      ownerSystem: 'urn:oid:1.2.250.1.71.4.2.1',
      ownerValue: '810000000021',
      statuses: ['requested', 'accepted'],
      byPeriod: true,
    });
    expect(workQueueQuery(request(`status=requested&${OWNER}&_sort=-priority`))?.byPeriod).toBe(false);
  });

  it.each([
    `${OWNER}&status=requested&_sort=-priority,period,_id`,
    `${OWNER}&status=requested&_sort=priority`,
    `${OWNER}&status=requested`,
    `${OWNER}&status:not=requested&_sort=-priority`,
    `${OWNER}&status=http://hl7.org/fhir/task-status|requested&_sort=-priority`,
    `owner:identifier=810000000021&status=requested&_sort=-priority`,
    `owner=Practitioner/p1&status=requested&_sort=-priority`,
    `${OWNER}&status=requested&code=x&_sort=-priority`,
    `${OWNER}&status=requested&_sort=-priority&_include=Task:based-on`,
    `${OWNER}&status=requested&_sort=-priority&_total=accurate`,
    `${OWNER}&status=requested&_sort=-priority&_summary=count`,
  ])('leaves %s to the search store', (query) => {
    expect(workQueueQuery(request(query))).toBeUndefined();
  });
});
