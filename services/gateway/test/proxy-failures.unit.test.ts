// The distributed mode's FHIR proxy when a service fails (issue 16): a service down is a 502, a
// slow one a 504, both OperationOutcomes naming the service and not its URL; POST is never sent
// twice, a GET once more after a connection closed before any answer.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import {
  closedPort,
  sendResource,
  startFakeService,
  startProxy,
  TEST_ROUTES,
  type FakeService,
  type ProxyUnderTest,
} from './support/proxy-fixtures.js';

describe('the FHIR proxy when a service fails', () => {
  let tasks: FakeService;
  let carePlansPort: number;
  let proxy: ProxyUnderTest;

  beforeAll(async () => {
    tasks = await startFakeService('tasks', ['Task']);
    carePlansPort = await closedPort();
    proxy = await startProxy({
      upstreams: new Map([
        ['tasks', tasks.base],
        ['care-plans', `http://127.0.0.1:${carePlansPort}/fhir`],
        ['shared-info', tasks.base],
      ]),
      routes: TEST_ROUTES,
      timeouts: { connectMs: 1000, responseMs: 400 },
    });
  });
  afterAll(async () => {
    await proxy.close();
    await tasks.close();
  });
  afterEach(() => {
    tasks.hits.length = 0;
  });

  it('answers 502 (transient) naming the service, never its URL, when the service is down', async () => {
    for (const [method, body] of [
      ['GET', undefined],
      ['POST', { resourceType: 'CarePlan' }],
    ] as const) {
      const answer = await proxy.call(method, method === 'GET' ? '/CarePlan/cp-1' : '/CarePlan', { body });
      expect([method, answer.status]).toEqual([method, 502]);
      expect(answer.body).toMatchObject({
        resourceType: 'OperationOutcome',
        issue: [{ severity: 'error', code: 'transient' }],
      });
      expect(answer.text).toContain('the care-plans service is unreachable');
      expect(answer.text).not.toContain(String(carePlansPort));
      expect(answer.text).not.toContain('127.0.0.1');
    }
  });

  it('answers 504 (timeout) when the service does not answer in time', async () => {
    tasks.handler = async (_req, res) => {
      await new Promise((resolve) => setTimeout(resolve, 1500));
      if (!res.destroyed) sendResource(res, 200, { resourceType: 'Task', id: 't-1' });
    };
    const started = performance.now();
    const answer = await proxy.call('GET', '/Task/t-1');
    expect(answer.status).toBe(504);
    expect(answer.body).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ code: 'timeout' }] });
    expect(answer.text).toContain('the tasks service did not answer within 0.4 s');
    expect(performance.now() - started).toBeLessThan(1400);
  });

  it('drops the exchange, quietly, when the client leaves before the service answers', async () => {
    let closed = false;
    tasks.handler = async (req) => {
      req.socket.once('close', () => (closed = true));
      await new Promise((resolve) => setTimeout(resolve, 300));
    };
    const before = proxy.logLines.length;
    await expect(
      fetch(`${proxy.base}/Task/t-1`, {
        headers: { authorization: `Bearer ${proxy.token}` },
        signal: AbortSignal.timeout(100),
      }),
    ).rejects.toThrow();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(closed).toBe(true);
    expect(proxy.logLines.slice(before).filter((l) => Number(l.level) >= 40)).toEqual([]);
  });

  it('never sends a POST twice: a connection closed before the answer is a 502 after one attempt', async () => {
    tasks.handler = (req) => {
      req.socket.destroy();
    };
    const post = await proxy.call('POST', '/Task', { body: { resourceType: 'Task' } });
    expect(post.status).toBe(502);
    expect(post.text).toContain('the tasks service closed the connection before it answered');
    expect(tasks.hits).toHaveLength(1);
    tasks.hits.length = 0;
    const patch = await proxy.call('PATCH', '/Task/t-1', {
      body: '[]',
      headers: { 'content-type': 'application/json-patch+json' },
    });
    expect(patch.status).toBe(502);
    expect(tasks.hits).toHaveLength(1);
  });

  it('sends a GET once more when its connection closed before any answer', async () => {
    let calls = 0;
    tasks.handler = (req, res) => {
      calls += 1;
      if (calls === 1) req.socket.destroy();
      else sendResource(res, 200, { resourceType: 'Task', id: 't-1' });
    };
    const answer = await proxy.call('GET', '/Task/t-1');
    expect(answer.status).toBe(200);
    expect(tasks.hits).toHaveLength(2);
    const line = proxy.logLines.filter((l) => l.msg === 'proxied to a service').at(-1);
    expect(line).toMatchObject({ service: 'tasks', status: 200, attempts: 2 });
    // Twice, not three times: a second failure is the answer.
    calls = -10;
    tasks.hits.length = 0;
    tasks.handler = (req) => {
      req.socket.destroy();
    };
    expect((await proxy.call('GET', '/Task/t-1')).status).toBe(502);
    expect(tasks.hits).toHaveLength(2);
  });

  it('ends the client connection when the answer stops coming after it began', async () => {
    tasks.handler = (_req, res) => {
      res.status(200).setHeader('content-type', 'application/fhir+json');
      res.write('{"resourceType":"Bundle","type":"searchset","entry":[');
      // …and nothing more: the body timeout (0.4 s) ends it.
    };
    await expect(proxy.call('GET', '/Task?status=ready')).rejects.toThrow();
    // The client sees its connection end as the gateway writes why.
    for (let i = 0; i < 50 && !proxy.logLines.some((l) => l.level === 40); i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const warned = proxy.logLines.filter((l) => l.level === 40).at(-1);
    expect(warned).toMatchObject({ service: 'tasks' });
    expect(String(warned?.msg)).toContain('stopped before its end');
  });
});
