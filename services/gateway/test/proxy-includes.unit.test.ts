// Cross-service _include and _revinclude through the distributed mode's FHIR proxy (issue 16):
// the owner answers the search without them, the gateway asks the other service for the included
// resources with the caller's token, and the links keep the parameters for the next page.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import {
  operationOutcome,
  PUBLIC_BASE,
  searchset,
  sendResource,
  startFakeService,
  startProxy,
  TEST_ROUTES,
  type FakeService,
  type ProxyUnderTest,
} from './support/proxy-fixtures.js';

interface SearchEntry {
  fullUrl?: string;
  resource: { resourceType: string; id: string; issue?: { severity: string; diagnostics: string }[] };
  search: { mode: string };
}
interface Searchset {
  resourceType: string;
  type: string;
  total?: number;
  link: { relation: string; url: string }[];
  entry?: SearchEntry[];
}

const carePlan = (id: string) => ({ resourceType: 'CarePlan', id, status: 'active', intent: 'plan' });
const task = (id: string, basedOn: string[]) => ({
  resourceType: 'Task',
  id,
  status: 'requested',
  intent: 'order',
  basedOn: basedOn.map((reference) => ({ reference })),
});

describe('the FHIR proxy: _include and _revinclude across services', () => {
  let tasks: FakeService;
  let carePlans: FakeService;
  let proxy: ProxyUnderTest;

  beforeAll(async () => {
    tasks = await startFakeService('tasks', ['Task']);
    carePlans = await startFakeService('care-plans', ['CarePlan', 'CareTeam', 'Goal']);
    proxy = await startProxy({
      upstreams: new Map([
        ['tasks', tasks.base],
        ['care-plans', carePlans.base],
        ['shared-info', tasks.base],
      ]),
      routes: TEST_ROUTES,
    });
  });
  afterAll(async () => {
    await proxy.close();
    await Promise.all([tasks.close(), carePlans.close()]);
  });
  beforeEach(() => {
    tasks.hits.length = 0;
    carePlans.hits.length = 0;
  });

  const modes = (bundle: Searchset) =>
    (bundle.entry ?? []).map((e) => `${e.search.mode} ${e.resource.resourceType}/${e.resource.id}`);

  it('CarePlan?_revinclude=Task:based-on: the Tasks pointing to the plans, from the tasks service', async () => {
    carePlans.handler = (_req, res) => {
      sendResource(
        res,
        200,
        searchset(
          PUBLIC_BASE,
          'CarePlan?status=active&_include=CarePlan%3Acare-team',
          [carePlan('a'), carePlan('b')],
          {
            included: [{ resourceType: 'CareTeam', id: 'ct-1' }],
          },
        ),
      );
    };
    tasks.handler = (_req, res) => {
      sendResource(
        res,
        200,
        searchset(tasks.base, 'Task', [
          task('t-1', ['CarePlan/a']),
          task('t-2', ['CarePlan/b', 'CarePlan/a']),
        ]),
      );
    };
    const answer = await proxy.call(
      'GET',
      '/CarePlan?status=active&_revinclude=Task:based-on&_include=CarePlan:care-team',
      { headers: { 'x-carenet-break-glass': 'emergency' } },
    );
    expect(answer.status).toBe(200);
    const bundle = answer.body as unknown as Searchset;
    expect(modes(bundle)).toEqual([
      'match CarePlan/a',
      'match CarePlan/b',
      'include CareTeam/ct-1',
      'include Task/t-1',
      'include Task/t-2',
    ]);
    expect(bundle.entry?.[3]?.fullUrl).toBe(`${PUBLIC_BASE}/Task/t-1`);
    // The owner got the search without the parameter it cannot resolve, with the same-service one.
    expect(carePlans.hits.map((h) => h.url)).toEqual([
      '/fhir/CarePlan?status=active&_include=CarePlan%3Acare-team',
    ]);
    // The tasks service was asked for the Tasks based on the matches, with the caller's token.
    expect(tasks.hits).toHaveLength(1);
    expect(tasks.hits[0]?.method).toBe('GET');
    const asked = new URL(`http://x${tasks.hits[0]?.url ?? ''}`);
    expect(asked.pathname).toBe('/fhir/Task');
    expect(asked.searchParams.get('based-on')).toBe('CarePlan/a,CarePlan/b');
    expect(asked.searchParams.get('_count')).toBe('100');
    expect(tasks.hits[0]?.headers).toMatchObject({
      authorization: `Bearer ${proxy.token}`,
      'x-carenet-break-glass': 'emergency',
    });
    // The self link says what was applied, the cross-service parameter included.
    expect(bundle.link[0]?.url).toBe(
      `${PUBLIC_BASE}/CarePlan?status=active&_include=CarePlan%3Acare-team&_revinclude=Task%3Abased-on`,
    );
  });

  it('Task?_include=Task:based-on: the CarePlans the Tasks point to, by id from care-plans, once each', async () => {
    tasks.handler = (_req, res) => {
      sendResource(
        res,
        200,
        searchset(
          PUBLIC_BASE,
          'Task?_include=Task%3Abased-on',
          [
            task('t-1', ['CarePlan/a']),
            task('t-2', [
              `${PUBLIC_BASE}/CarePlan/b`,
              'CarePlan/a',
              'Task/t-1',
              'https://ehr.example/fhir/CarePlan/z',
            ]),
          ],
          // The owner includes what it has: the Task it points to (already a match here).
          { included: [task('t-1', ['CarePlan/a'])] },
        ),
      );
    };
    carePlans.handler = (_req, res) => {
      sendResource(res, 200, searchset(PUBLIC_BASE, 'CarePlan', [carePlan('a'), carePlan('b')]));
    };
    const answer = await proxy.call('GET', '/Task?_include=Task:based-on');
    expect(answer.status).toBe(200);
    const bundle = answer.body as unknown as Searchset;
    expect(modes(bundle)).toEqual([
      'match Task/t-1',
      'match Task/t-2',
      'include Task/t-1',
      'include CarePlan/a',
      'include CarePlan/b',
    ]);
    // The owner keeps the parameter (Task:based-on may point to Tasks too); care-plans is asked by id.
    expect(tasks.hits.map((h) => h.url)).toEqual(['/fhir/Task?_include=Task%3Abased-on']);
    expect(carePlans.hits).toHaveLength(1);
    const asked = new URL(`http://x${carePlans.hits[0]?.url ?? ''}`);
    expect(asked.pathname).toBe('/fhir/CarePlan');
    expect(asked.searchParams.get('_id')).toBe('a,b');
    expect(carePlans.hits[0]?.headers.authorization).toBe(`Bearer ${proxy.token}`);
  });

  it('keeps the include parameters in the next link: the next page, through the gateway, includes again', async () => {
    carePlans.handler = (req, res) => {
      const cursor = new URL(`http://x${req.url}`).searchParams.get('_cursor');
      if (cursor === null) {
        sendResource(
          res,
          200,
          searchset(carePlans.base, 'CarePlan?_count=1', [carePlan('a')], {
            next: 'CarePlan?_count=1&_cursor=p2',
          }),
        );
      } else {
        sendResource(res, 200, searchset(carePlans.base, 'CarePlan?_count=1&_cursor=p2', [carePlan('b')]));
      }
    };
    tasks.handler = (req, res) => {
      const basedOn = new URL(`http://x${req.url}`).searchParams.get('based-on') ?? '';
      sendResource(
        res,
        200,
        searchset(
          PUBLIC_BASE,
          'Task',
          basedOn.split(',').map((ref) => task(`t-of-${ref.split('/')[1] ?? ''}`, [ref])),
        ),
      );
    };
    const first = (await proxy.call('GET', '/CarePlan?_count=1&_revinclude=Task:based-on'))
      .body as unknown as Searchset;
    expect(modes(first)).toEqual(['match CarePlan/a', 'include Task/t-of-a']);
    const next = first.link.find((l) => l.relation === 'next')?.url ?? '';
    expect(next).toBe(`${PUBLIC_BASE}/CarePlan?_count=1&_cursor=p2&_revinclude=Task%3Abased-on`);
    const second = (await proxy.call('GET', next.slice(PUBLIC_BASE.length))).body as unknown as Searchset;
    expect(modes(second)).toEqual(['match CarePlan/b', 'include Task/t-of-b']);
    expect(carePlans.hits.map((h) => h.url)).toEqual([
      '/fhir/CarePlan?_count=1',
      '/fhir/CarePlan?_count=1&_cursor=p2',
    ]);
  });

  it('resolves them in a POST _search too, the form sent on without them', async () => {
    carePlans.handler = (_req, res) => {
      sendResource(res, 200, searchset(PUBLIC_BASE, 'CarePlan?status=active', [carePlan('a')]));
    };
    tasks.handler = (_req, res) => {
      sendResource(res, 200, searchset(PUBLIC_BASE, 'Task', [task('t-1', ['CarePlan/a'])]));
    };
    const answer = await proxy.call('POST', '/CarePlan/_search', {
      body: 'status=active&_revinclude=Task%3Abased-on',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(modes(answer.body as unknown as Searchset)).toEqual(['match CarePlan/a', 'include Task/t-1']);
    expect(carePlans.hits[0]).toMatchObject({
      method: 'POST',
      url: '/fhir/CarePlan/_search',
      body: 'status=active',
    });
  });

  it('leaves out what the other service refuses, and says so in an outcome entry', async () => {
    carePlans.handler = (_req, res) => {
      sendResource(res, 200, searchset(PUBLIC_BASE, 'CarePlan', [carePlan('a')]));
    };
    tasks.handler = (_req, res) => {
      sendResource(
        res,
        403,
        operationOutcome('forbidden', "the token's scopes do not grant search (s) on Task"),
      );
    };
    const answer = await proxy.call('GET', '/CarePlan?_revinclude=Task:based-on');
    expect(answer.status).toBe(200);
    const bundle = answer.body as unknown as Searchset;
    expect(modes(bundle)).toEqual(['match CarePlan/a', expect.stringMatching(/^outcome OperationOutcome\//)]);
    expect(bundle.entry?.[1]?.resource.issue?.[0]).toMatchObject({ severity: 'warning' });
    expect(bundle.entry?.[1]?.resource.issue?.[0]?.diagnostics).toContain('the tasks service answered 403');
  });

  it('fails the search with a 502 when the other service is down, rather than answer it incomplete', async () => {
    const down = await startProxy({
      upstreams: new Map([
        ['tasks', 'http://127.0.0.1:1/fhir'],
        ['care-plans', carePlans.base],
        ['shared-info', carePlans.base],
      ]),
      routes: TEST_ROUTES,
    });
    try {
      carePlans.handler = (_req, res) => {
        sendResource(res, 200, searchset(PUBLIC_BASE, 'CarePlan', [carePlan('a')]));
      };
      const answer = await down.call('GET', '/CarePlan?_revinclude=Task:based-on');
      expect(answer.status).toBe(502);
      expect(answer.text).toContain('the tasks service is unreachable');
    } finally {
      await down.close();
    }
  });

  it("passes the owner's error as it is, and refuses :iterate across services with a 400", async () => {
    carePlans.handler = (_req, res) => {
      sendResource(res, 400, operationOutcome('invalid', '_count: must be a whole number'));
    };
    const bad = await proxy.call('GET', '/CarePlan?_count=x&_revinclude=Task:based-on');
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('_count: must be a whole number');
    const iterate = await proxy.call('GET', '/CarePlan?_revinclude:iterate=Task:based-on');
    expect(iterate.status).toBe(400);
    expect(iterate.text).toContain('_revinclude:iterate=Task:based-on');
    expect(tasks.hits).toHaveLength(0);
  });
});
