// A service running as several replicas behind the distributed mode's FHIR proxy (issue 16): the
// proxy balances requests across them (undici's BalancedPool), rewrites each replica's base URL to
// the public one, sends an idempotent request a replica refused to another one, and never sends a
// POST or a PATCH twice.
import { afterEach, describe, expect, it } from '@jest/globals';
import {
  closedPort,
  PUBLIC_BASE,
  searchset,
  sendResource,
  startFakeService,
  startProxy,
  TEST_ROUTES,
  type Answer,
  type FakeService,
  type ProxyUnderTest,
} from './support/proxy-fixtures.js';

/** A Task as a replica answers it, with its own base in the Location header. */
function answerTask(replica: FakeService): void {
  replica.handler = (req, res) => {
    const id = req.method === 'POST' ? `t-${replica.hits.length}` : (req.path.split('/')[3] ?? '');
    sendResource(
      res,
      req.method === 'POST' ? 201 : 200,
      { resourceType: 'Task', id, meta: { versionId: '1' } },
      { location: `${replica.base}/Task/${id}/_history/1`, etag: 'W/"1"' },
    );
  };
}

describe('a service of several replicas behind the FHIR proxy', () => {
  const started: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    for (const item of started.splice(0).reverse()) await item.close();
  });

  async function replicas(count: number): Promise<FakeService[]> {
    const made = await Promise.all(Array.from({ length: count }, () => startFakeService('tasks', ['Task'])));
    started.push(...made);
    return made;
  }

  /** The proxy with `tasks` at `urls` (care-plans and shared-info on the first, unused here). */
  async function proxyOf(urls: readonly string[]): Promise<ProxyUnderTest> {
    const proxy = await startProxy({
      upstreams: new Map<string, readonly string[]>([
        ['tasks', urls],
        ['care-plans', [urls[0] ?? '']],
        ['shared-info', [urls[0] ?? '']],
      ]),
      routes: TEST_ROUTES,
      timeouts: { connectMs: 1000, responseMs: 2000 },
    });
    started.push(proxy);
    return proxy;
  }

  it("balances requests across the replicas, each replica's base rewritten to the public one", async () => {
    const [one, two] = await replicas(2);
    if (one === undefined || two === undefined) throw new Error('two replicas');
    for (const replica of [one, two]) answerTask(replica);
    const proxy = await proxyOf([one.base, two.base]);

    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        i % 2 === 0
          ? proxy.call('GET', `/Task/t-${i}`)
          : proxy.call('POST', '/Task', { body: { resourceType: 'Task', status: 'requested' } }),
      ),
    );
    const statuses = answers.map((a) => a.status);
    expect([statuses.filter((s) => s === 200).length, statuses.filter((s) => s === 201).length]).toEqual([
      20, 20,
    ]);
    // Both replicas got some of the traffic, and no request was sent twice.
    expect(one.hits.length).toBeGreaterThan(0);
    expect(two.hits.length).toBeGreaterThan(0);
    expect(one.hits.length + two.hits.length).toBe(40);
    for (const answer of answers) {
      expect(answer.headers.get('location')).toMatch(
        /^https:\/\/carenet\.example\/fhir\/Task\/t-\d+\/_history\/1$/,
      );
    }

    // A searchset each replica writes with its own base: the public base in every link.
    for (const replica of [one, two]) {
      replica.handler = (_req, res) => {
        sendResource(
          res,
          200,
          searchset(replica.base, 'Task?status=ready', [{ resourceType: 'Task', id: 'a' }]),
        );
      };
    }
    const searches = await Promise.all(
      Array.from({ length: 10 }, () => proxy.call('GET', '/Task?status=ready')),
    );
    for (const search of searches) {
      expect(search.text).not.toContain('127.0.0.1');
      expect(search.body).toMatchObject({
        link: [{ relation: 'self', url: `${PUBLIC_BASE}/Task?status=ready` }],
        entry: [{ fullUrl: `${PUBLIC_BASE}/Task/a` }],
      });
    }
  });

  it('answers GET, PUT and DELETE from the other replica while one refuses connections', async () => {
    const [live] = await replicas(1);
    if (live === undefined) throw new Error('a replica');
    answerTask(live);
    const dead = `http://127.0.0.1:${await closedPort()}/fhir`;
    const proxy = await proxyOf([dead, live.base]);

    // At once: the retries of some interleave with other requests' first attempts.
    const gets = await Promise.all(Array.from({ length: 40 }, (_, i) => proxy.call('GET', `/Task/t-${i}`)));
    expect(gets.map((a) => a.status)).toEqual(Array(40).fill(200));
    const put = await proxy.call('PUT', '/Task/t-1', {
      body: { resourceType: 'Task', id: 't-1', status: 'accepted' },
      headers: { 'if-match': 'W/"1"' },
    });
    expect(put.status).toBe(200);
    expect((await proxy.call('DELETE', '/Task/t-2')).status).toBe(200);
    // Each request reached the live replica once.
    expect(live.hits).toHaveLength(42);
    const attempts = proxy.logLines
      .filter((l) => l.msg === 'proxied to a service')
      .map((l) => l.attempts as number);
    expect(Math.max(...attempts)).toBe(2);
  });

  it('answers 502 to a POST the balancer sent to the replica that is down, and does not send it again', async () => {
    const [live] = await replicas(1);
    if (live === undefined) throw new Error('a replica');
    answerTask(live);
    const dead = `http://127.0.0.1:${await closedPort()}/fhir`;
    const proxy = await proxyOf([dead, live.base]);

    const statuses: number[] = [];
    let refused: Answer | undefined;
    // The balancer takes turns (weighted down for the refusing replica): the dead one gets some.
    for (let i = 0; i < 20 && refused === undefined; i++) {
      const answer = await proxy.call('POST', '/Task', {
        body: { resourceType: 'Task', status: 'requested' },
      });
      statuses.push(answer.status);
      if (answer.status === 502) refused = answer;
    }
    expect(refused?.body).toMatchObject({ issue: [{ code: 'transient' }] });
    expect(refused?.text).toContain('the tasks service is unreachable (connection refused)');
    expect(refused?.text).not.toContain('127.0.0.1');
    // The live replica got the POSTs answered 201, and none of those answered 502.
    expect(live.hits.filter((h) => h.method === 'POST')).toHaveLength(
      statuses.filter((s) => s === 201).length,
    );
    // Same for PATCH.
    live.hits.length = 0;
    const patches: number[] = [];
    const fresh = await proxyOf([dead, live.base]);
    for (let i = 0; i < 20 && !patches.includes(502); i++) {
      const answer = await fresh.call('PATCH', '/Task/t-1', {
        body: '[]',
        headers: { 'content-type': 'application/json-patch+json' },
      });
      patches.push(answer.status);
    }
    expect(patches).toContain(502);
    expect(live.hits).toHaveLength(patches.filter((s) => s === 200).length);
  });

  it('sends a GET whose connection closed before any answer to the other replica, once', async () => {
    const [failing, live] = await replicas(2);
    if (failing === undefined || live === undefined) throw new Error('two replicas');
    failing.handler = (req) => {
      req.socket.destroy();
    };
    answerTask(live);
    const proxy = await proxyOf([failing.base, live.base]);

    for (let i = 0; i < 10; i++) expect((await proxy.call('GET', `/Task/t-${i}`)).status).toBe(200);
    expect(failing.hits.length).toBeGreaterThan(0);
    expect(live.hits).toHaveLength(10);

    // Both failing: each replica got the GET once, then the 502.
    live.handler = failing.handler;
    failing.hits.length = 0;
    live.hits.length = 0;
    const answer = await proxy.call('GET', '/Task/t-1');
    expect(answer.status).toBe(502);
    expect(answer.text).toContain('the tasks service closed the connection before it answered');
    expect([failing.hits.length, live.hits.length]).toEqual([1, 1]);

    // A POST whose connection closed: 502, sent to one replica only.
    failing.hits.length = 0;
    live.hits.length = 0;
    expect((await proxy.call('POST', '/Task', { body: { resourceType: 'Task' } })).status).toBe(502);
    expect(failing.hits.length + live.hits.length).toBe(1);
  });

  it('tries each replica at most once: two of three down, a GET still answered, in three attempts at most', async () => {
    const [live] = await replicas(1);
    if (live === undefined) throw new Error('a replica');
    answerTask(live);
    const dead = [await closedPort(), await closedPort()].map((port) => `http://127.0.0.1:${port}/fhir`);
    const proxy = await proxyOf([dead[0] ?? '', live.base, dead[1] ?? '']);

    const gets = await Promise.all(Array.from({ length: 30 }, (_, i) => proxy.call('GET', `/Task/t-${i}`)));
    expect(gets.map((a) => a.status)).toEqual(Array(30).fill(200));
    expect(live.hits).toHaveLength(30);
    const attempts = proxy.logLines
      .filter((l) => l.msg === 'proxied to a service')
      .map((l) => l.attempts as number);
    expect(Math.max(...attempts)).toBeLessThanOrEqual(3);

    // All three down: a 502 once each has refused it.
    await live.close();
    const answer = await proxy.call('GET', '/Task/t-1');
    expect(answer.status).toBe(502);
    expect(answer.text).toContain('the tasks service is unreachable (connection refused)');
    expect(proxy.logLines.filter((l) => l.msg === 'proxied to a service').at(-1)).toMatchObject({
      status: 502,
    });
  });

  it('refuses replicas of one service with different base paths', async () => {
    await expect(proxyOf(['http://127.0.0.1:1/fhir', 'http://127.0.0.1:2/api/fhir'])).rejects.toThrow(
      'the replicas of the tasks service must share one FHIR base path',
    );
  });
});
