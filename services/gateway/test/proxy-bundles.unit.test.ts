// Batch and transaction Bundles through the distributed mode's FHIR proxy (issue 16): a batch is
// split, each entry sent to its owner as its own request; a transaction goes whole to the one
// service that owns all its types, and one across services is a 422 naming them.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import {
  operationOutcome,
  PUBLIC_BASE,
  sendResource,
  startFakeServices,
  startProxy,
  TEST_ROUTES,
  upstreamsOf,
  type FakeService,
  type ProxyUnderTest,
} from './support/proxy-fixtures.js';

interface ResponseEntry {
  fullUrl?: string;
  resource?: { resourceType: string; id?: string };
  response: {
    status: string;
    location?: string;
    etag?: string;
    lastModified?: string;
    outcome?: { issue: { code: string; diagnostics?: string }[] };
  };
}

describe('the FHIR proxy: batch and transaction Bundles', () => {
  let tasks: FakeService;
  let carePlans: FakeService;
  let sharedInfo: FakeService;
  let proxy: ProxyUnderTest;

  beforeAll(async () => {
    ({ tasks, carePlans, sharedInfo } = await startFakeServices());
    proxy = await startProxy({
      upstreams: upstreamsOf({ tasks, carePlans, sharedInfo }),
      routes: TEST_ROUTES,
      bundle: { maxEntries: 10, concurrency: 3 },
    });
  });
  afterAll(async () => {
    await proxy.close();
    await Promise.all([tasks.close(), carePlans.close(), sharedInfo.close()]);
  });
  beforeEach(() => {
    for (const service of [tasks, carePlans, sharedInfo]) service.hits.length = 0;
    tasks.handler = (req, res) => {
      if (req.method === 'POST' && req.url === '/fhir/Task') {
        sendResource(
          res,
          201,
          {
            resourceType: 'Task',
            id: 't-new',
            meta: { versionId: '1', lastUpdated: '2026-03-01T10:00:00.000Z' },
          },
          { ETag: 'W/"1"', Location: `${tasks.base}/Task/t-new/_history/1` },
        );
      } else if (req.method === 'PATCH') {
        sendResource(
          res,
          200,
          { resourceType: 'Task', id: 't-1', meta: { versionId: '4' } },
          { ETag: 'W/"4"' },
        );
      } else if (req.method === 'POST' && req.url === '/fhir/') {
        sendResource(res, 200, {
          resourceType: 'Bundle',
          type: 'transaction-response',
          entry: [{ fullUrl: `${tasks.base}/Task/t-2`, response: { status: '201 Created' } }],
        });
      } else sendResource(res, 404, operationOutcome('not-found', 'Task/t-404 is not known'));
    };
    carePlans.handler = (req, res) => {
      sendResource(res, 200, {
        resourceType: 'Bundle',
        type: 'searchset',
        link: [{ relation: 'self', url: `${carePlans.base}${req.url.replace('/fhir', '')}` }],
      });
    };
    sharedInfo.handler = (_req, res) => {
      sendResource(
        res,
        200,
        {
          resourceType: 'Patient',
          id: 'p-1',
          meta: { versionId: '2', lastUpdated: '2026-02-01T08:00:00.000Z' },
        },
        { ETag: 'W/"2"' },
      );
    };
  });

  it('splits a batch: each entry to its owner as its own request, answers in order with each status', async () => {
    const patch = Buffer.from('[{"op":"replace","path":"/status","value":"ready"}]').toString('base64');
    const answer = await proxy.call('POST', '/', {
      body: {
        resourceType: 'Bundle',
        type: 'batch',
        entry: [
          {
            resource: { resourceType: 'Task', status: 'requested', intent: 'order' },
            request: { method: 'POST', url: 'Task', ifNoneExist: 'identifier=urn:x|1' },
          },
          { request: { method: 'GET', url: 'CarePlan?status=active' } },
          { request: { method: 'GET', url: `${PUBLIC_BASE}/Patient/p-1` } },
          { request: { method: 'GET', url: 'Task/t-404' } },
          { request: { method: 'GET', url: 'Observation/o-1' } },
          {
            resource: { resourceType: 'Binary', contentType: 'application/json-patch+json', data: patch },
            request: { method: 'PATCH', url: 'Task/t-1', ifMatch: 'W/"3"' },
          },
          { request: { method: 'TRACE', url: 'Task/t-1' } },
        ],
      },
      headers: { 'x-request-id': 'batch-1' },
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ resourceType: 'Bundle', type: 'batch-response' });
    const entries = (answer.body as unknown as { entry: ResponseEntry[] }).entry;
    expect(entries.map((e) => e.response.status)).toEqual([
      '201 Created',
      '200 OK',
      '200 OK',
      '404 Not Found',
      '404 Not Found',
      '200 OK',
      '400 Bad Request',
    ]);
    expect(entries[0]).toEqual({
      fullUrl: `${PUBLIC_BASE}/Task/t-new`,
      resource: {
        resourceType: 'Task',
        id: 't-new',
        meta: { versionId: '1', lastUpdated: '2026-03-01T10:00:00.000Z' },
      },
      response: {
        status: '201 Created',
        location: 'Task/t-new/_history/1',
        etag: 'W/"1"',
        lastModified: '2026-03-01T10:00:00.000Z',
      },
    });
    expect(entries[1]?.resource).toMatchObject({
      resourceType: 'Bundle',
      link: [{ url: `${PUBLIC_BASE}/CarePlan?status=active` }],
    });
    expect(entries[2]).toMatchObject({ fullUrl: `${PUBLIC_BASE}/Patient/p-1`, response: { etag: 'W/"2"' } });
    expect(entries[3]?.response.outcome?.issue[0]?.diagnostics).toBe('Task/t-404 is not known');
    expect(entries[4]?.response.outcome?.issue[0]?.diagnostics).toContain('"Observation" is not supported');
    // Each entry its own request, with the client's token, the request id and its own conditions.
    expect(tasks.hits.map((h) => `${h.method} ${h.url}`).sort()).toEqual([
      'GET /fhir/Task/t-404',
      'PATCH /fhir/Task/t-1',
      'POST /fhir/Task',
    ]);
    const create = tasks.hits.find((h) => h.method === 'POST');
    expect(create?.headers).toMatchObject({
      authorization: `Bearer ${proxy.token}`,
      'x-request-id': 'batch-1',
      'if-none-exist': 'identifier=urn:x|1',
      'content-type': 'application/fhir+json',
    });
    expect(JSON.parse(create?.body ?? '{}')).toEqual({
      resourceType: 'Task',
      status: 'requested',
      intent: 'order',
    });
    const patched = tasks.hits.find((h) => h.method === 'PATCH');
    expect(patched?.headers).toMatchObject({
      'if-match': 'W/"3"',
      'content-type': 'application/json-patch+json',
    });
    expect(patched?.body).toBe('[{"op":"replace","path":"/status","value":"ready"}]');
    expect(carePlans.hits.map((h) => h.url)).toEqual(['/fhir/CarePlan?status=active']);
    expect(sharedInfo.hits.map((h) => h.url)).toEqual(['/fhir/Patient/p-1']);
  });

  it('gives a created entry its fullUrl from its Location when the service answers without a body', async () => {
    tasks.handler = (_req, res) => {
      res
        .status(201)
        .set({ ETag: 'W/"1"', Location: `${tasks.base}/Task/t-min/_history/1` })
        .end();
    };
    const answer = await proxy.call('POST', '/', {
      body: {
        resourceType: 'Bundle',
        type: 'batch',
        entry: [{ resource: { resourceType: 'Task' }, request: { method: 'POST', url: 'Task' } }],
      },
      headers: { prefer: 'return=minimal' },
    });
    expect((answer.body as unknown as { entry: ResponseEntry[] }).entry).toEqual([
      {
        fullUrl: `${PUBLIC_BASE}/Task/t-min`,
        response: { status: '201 Created', location: 'Task/t-min/_history/1', etag: 'W/"1"' },
      },
    ]);
    expect(tasks.hits[0]?.headers.prefer).toBe('return=minimal');
  });

  it('answers an entry whose service is down with its 502 and the others as usual', async () => {
    const down = await startProxy({
      upstreams: new Map([
        ['tasks', tasks.base],
        ['care-plans', 'http://127.0.0.1:1/fhir'],
        ['shared-info', sharedInfo.base],
      ]),
      routes: TEST_ROUTES,
    });
    try {
      const answer = await down.call('POST', '/', {
        body: {
          resourceType: 'Bundle',
          type: 'batch',
          entry: [
            { request: { method: 'GET', url: 'CarePlan/cp-1' } },
            { request: { method: 'GET', url: 'Patient/p-1' } },
          ],
        },
      });
      const entries = (answer.body as unknown as { entry: ResponseEntry[] }).entry;
      expect(entries.map((e) => e.response.status)).toEqual(['502 Bad Gateway', '200 OK']);
      expect(entries[0]?.response.outcome?.issue[0]).toMatchObject({ code: 'transient' });
    } finally {
      await down.close();
    }
  });

  it('sends a transaction whole to the one service owning its types, and passes its answer', async () => {
    const bundle = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        {
          fullUrl: 'urn:uuid:7d2c8a0e-4b7a-4b8e-9f0c-3b1f5e6a2d10',
          resource: { resourceType: 'Task', status: 'requested', intent: 'order' },
          request: { method: 'POST', url: 'Task' },
        },
        { request: { method: 'GET', url: 'Task/t-1' } },
      ],
    };
    const answer = await proxy.call('POST', '/', { body: bundle, headers: { prefer: 'return=minimal' } });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      type: 'transaction-response',
      entry: [{ fullUrl: `${PUBLIC_BASE}/Task/t-2` }],
    });
    expect(tasks.hits).toHaveLength(1);
    expect(tasks.hits[0]).toMatchObject({
      method: 'POST',
      url: '/fhir/',
      headers: { prefer: 'return=minimal' },
    });
    expect(JSON.parse(tasks.hits[0]?.body ?? '{}')).toEqual(bundle);
  });

  it('refuses a transaction across services with a 422 naming them, and sends nothing', async () => {
    const answer = await proxy.call('POST', '/', {
      body: {
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [
          { resource: { resourceType: 'Task' }, request: { method: 'POST', url: 'Task' } },
          { resource: { resourceType: 'CarePlan' }, request: { method: 'POST', url: 'CarePlan' } },
          { resource: { resourceType: 'Goal' }, request: { method: 'POST', url: 'Goal' } },
        ],
      },
    });
    expect(answer.status).toBe(422);
    expect(answer.body).toMatchObject({
      resourceType: 'OperationOutcome',
      issue: [{ code: 'not-supported' }],
    });
    expect(answer.text).toContain('spans tasks (Task) and care-plans (CarePlan, Goal)');
    expect([...tasks.hits, ...carePlans.hits]).toEqual([]);
  });

  it('answers what is wrong with the Bundle itself: not a Bundle, too many entries, a type no service owns', async () => {
    const notBundle = await proxy.call('POST', '/', { body: { resourceType: 'Task' } });
    expect(notBundle.status).toBe(400);
    const tooMany = await proxy.call('POST', '/', {
      body: {
        resourceType: 'Bundle',
        type: 'batch',
        entry: Array.from({ length: 11 }, () => ({ request: { method: 'GET', url: 'Task/t-1' } })),
      },
    });
    expect(tooMany.status).toBe(413);
    const unknown = await proxy.call('POST', '/', {
      body: {
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [{ request: { method: 'GET', url: 'Observation/o-1' } }],
      },
    });
    expect(unknown.status).toBe(404);
    expect(unknown.text).toContain('Bundle.entry[0] (GET Observation)');
    const text = await proxy.call('POST', '/', { body: 'a=b', headers: { 'content-type': 'text/plain' } });
    expect(text.status).toBe(415);
    expect([...tasks.hits, ...carePlans.hits, ...sharedInfo.hits]).toEqual([]);
  });
});
