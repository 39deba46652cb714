// The distributed mode's FHIR proxy (issue 16), over loopback HTTP only (no infrastructure): it
// routes each request shape to the service owning the type, authenticates once, forwards the
// headers a service needs, and passes the service's answer with its URLs on the public base.
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

describe('the FHIR proxy: routing, authentication, headers', () => {
  let tasks: FakeService;
  let carePlans: FakeService;
  let sharedInfo: FakeService;
  let proxy: ProxyUnderTest;

  beforeAll(async () => {
    ({ tasks, carePlans, sharedInfo } = await startFakeServices());
    proxy = await startProxy({
      upstreams: upstreamsOf({ tasks, carePlans, sharedInfo }),
      routes: TEST_ROUTES,
      maxBodyBytes: 64 * 1024,
    });
  });
  afterAll(async () => {
    await proxy.close();
    await Promise.all([tasks.close(), carePlans.close(), sharedInfo.close()]);
  });
  beforeEach(() => {
    for (const service of [tasks, carePlans, sharedInfo]) {
      service.hits.length = 0;
      service.handler = (req, res) => {
        sendResource(res, 200, {
          resourceType: 'Parameters',
          parameter: [{ name: 'echo', valueString: `${req.method} ${req.url} ${req.rawBody}` }],
        });
      };
    }
  });

  const echoOf = (body: Record<string, unknown>) =>
    (body as { parameter?: { valueString?: string }[] }).parameter?.[0]?.valueString;

  it('routes every request shape by its resource type, path, query and body unchanged', async () => {
    const shapes: [string, string, FakeService, string?][] = [
      ['GET', '/Task/t-1', tasks],
      ['GET', '/Task/t-1/_history/2', tasks],
      ['GET', '/Task/t-1/_history', tasks],
      ['GET', '/Task/_history?_count=5', tasks],
      ['GET', '/Task?status=requested&_count=10', tasks],
      ['PUT', '/Task/t-1', tasks, '{"resourceType":"Task","id":"t-1"}'],
      ['DELETE', '/Goal/g-1', carePlans],
      ['POST', '/Task/t-1/$transfer', tasks, '{"resourceType":"Parameters"}'],
      ['GET', '/Task/t-1/$responsibility', tasks],
      ['POST', '/CarePlan/$validate', carePlans, '{"resourceType":"CarePlan"}'],
      ['POST', '/CarePlan/cp-1/$validate-plan', carePlans, '{"resourceType":"Parameters"}'],
      ['GET', '/CareTeam?patient=Patient%2Fp-1', carePlans],
      ['GET', '/Patient/p-1', sharedInfo],
    ];
    for (const [method, path, service, body] of shapes) {
      const answer = await proxy.call(method, path, body === undefined ? {} : { body });
      expect([method, path, answer.status]).toEqual([method, path, 200]);
      expect(echoOf(answer.body)).toBe(`${method} /fhir${path} ${body ?? ''}`);
      expect(service.hits.at(-1)?.url).toBe(`/fhir${path}`);
    }
    expect(tasks.hits).toHaveLength(8);
    expect(carePlans.hits).toHaveLength(4);
    expect(sharedInfo.hits).toHaveLength(1);
  });

  it('sends POST _search with its form to the owner, and a JSON Patch with its content type', async () => {
    const search = await proxy.call('POST', '/Task/_search', {
      body: 'status=ready&_count=2',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(search.status).toBe(200);
    expect(tasks.hits.at(-1)).toMatchObject({
      method: 'POST',
      url: '/fhir/Task/_search',
      body: 'status=ready&_count=2',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    const patch = '[{"op":"replace","path":"/status","value":"ready"}]';
    await proxy.call('PATCH', '/Task/t-1', {
      body: patch,
      headers: { 'content-type': 'application/json-patch+json' },
    });
    expect(tasks.hits.at(-1)).toMatchObject({
      method: 'PATCH',
      body: patch,
      headers: { 'content-type': 'application/json-patch+json' },
    });
  });

  it('answers an unknown type, or no type, with a 404 OperationOutcome and asks no service', async () => {
    for (const path of [
      '/Observation/o-1',
      '/Observation?code=x',
      '/task/t-1',
      '/',
      '/$export',
      '/_history',
    ]) {
      const answer = await proxy.call('GET', path);
      expect([path, answer.status]).toEqual([path, 404]);
      expect(answer.body.resourceType).toBe('OperationOutcome');
      expect(answer.headers.get('content-type')).toContain('application/fhir+json');
    }
    expect((await proxy.call('GET', '/Observation/o-1')).text).toContain(
      'resource type \\"Observation\\" is not supported by this server',
    );
    expect([...tasks.hits, ...carePlans.hits, ...sharedInfo.hits]).toEqual([]);
  });

  it('refuses a request without a valid token with the authenticator 401, before any service is asked', async () => {
    for (const authorization of [null, 'Bearer not-a-jwt', 'Basic dXNlcjpwdw==', `Bearer ${proxy.token}x`]) {
      const answer = await proxy.call('GET', '/Task/t-1', { headers: { authorization } });
      expect([authorization, answer.status]).toEqual([authorization, 401]);
      expect(answer.body).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ code: 'login' }] });
      expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
    const post = await proxy.call('POST', '/', {
      body: { resourceType: 'Bundle', type: 'batch' },
      headers: { authorization: null },
    });
    expect(post.status).toBe(401);
    expect([...tasks.hits, ...carePlans.hits, ...sharedInfo.hits]).toEqual([]);
  });

  it('forwards the Authorization header unchanged: each service verifies the token itself', async () => {
    await proxy.call('GET', '/CarePlan/cp-1');
    expect(carePlans.hits.at(-1)?.headers.authorization).toBe(`Bearer ${proxy.token}`);
  });

  it('forwards the trace context, the request id, conditional and Prefer headers', async () => {
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    await proxy.call('PUT', '/Task/t-1', {
      body: { resourceType: 'Task', id: 't-1' },
      headers: {
        traceparent,
        tracestate: 'vendor=abc',
        'x-request-id': 'req-from-client-1',
        'if-match': 'W/"3"',
        prefer: 'return=minimal',
        'x-carenet-break-glass': 'emergency: unconscious patient',
        cookie: 'session=1',
      },
    });
    const headers = tasks.hits.at(-1)?.headers ?? {};
    expect(headers).toMatchObject({
      traceparent,
      tracestate: 'vendor=abc',
      'x-request-id': 'req-from-client-1',
      'if-match': 'W/"3"',
      prefer: 'return=minimal',
      'content-type': 'application/fhir+json',
      'x-carenet-break-glass': 'emergency: unconscious patient',
    });
    expect(headers.cookie).toBeUndefined();
    await proxy.call('POST', '/Task', {
      body: { resourceType: 'Task' },
      headers: { 'if-none-exist': 'identifier=urn:x|1', 'if-none-match': '*' },
    });
    expect(tasks.hits.at(-1)?.headers).toMatchObject({
      'if-none-exist': 'identifier=urn:x|1',
      'if-none-match': '*',
    });
    // Without one from the client: the gateway's request id, and a trace of its own.
    const answer = await proxy.call('GET', '/Task/t-1');
    const forwarded = tasks.hits.at(-1)?.headers ?? {};
    expect(forwarded['x-request-id']).toBe(answer.headers.get('x-request-id'));
    expect(forwarded.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/);
  });

  it("passes the service's status, ETag, Last-Modified and Location, rewritten to the public base", async () => {
    tasks.handler = (req, res) => {
      sendResource(
        res,
        201,
        { resourceType: 'Task', id: 't-9', meta: { versionId: '1' } },
        {
          ETag: 'W/"1"',
          'Last-Modified': 'Thu, 01 Jan 2026 10:00:00 GMT',
          Location: `${tasks.base}/Task/t-9/_history/1`,
          'Content-Location': `${tasks.base}/Task/t-9/_history/1`,
          'X-Request-Id': String(req.headers['x-request-id']),
          'X-Powered-By': 'internal',
        },
      );
    };
    const answer = await proxy.call('POST', '/Task', { body: { resourceType: 'Task' } });
    expect(answer.status).toBe(201);
    expect(answer.headers.get('etag')).toBe('W/"1"');
    expect(answer.headers.get('last-modified')).toBe('Thu, 01 Jan 2026 10:00:00 GMT');
    expect(answer.headers.get('location')).toBe(`${PUBLIC_BASE}/Task/t-9/_history/1`);
    expect(answer.headers.get('content-location')).toBe(`${PUBLIC_BASE}/Task/t-9/_history/1`);
    expect(answer.headers.get('x-powered-by')).toBeNull();
    expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    expect(answer.headers.get('cache-control')).toBe('no-store');
    // A service that already writes the public base: nothing to rewrite.
    tasks.handler = (_req, res) => {
      sendResource(
        res,
        201,
        { resourceType: 'Task', id: 't-9' },
        { Location: `${PUBLIC_BASE}/Task/t-9/_history/1` },
      );
    };
    const again = await proxy.call('POST', '/Task', { body: { resourceType: 'Task' } });
    expect(again.headers.get('location')).toBe(`${PUBLIC_BASE}/Task/t-9/_history/1`);
  });

  it("rewrites the service's base in a Bundle's links and fullUrls, and leaves other URLs as they are", async () => {
    const own = tasks.base;
    tasks.handler = (_req, res) => {
      sendResource(res, 200, {
        resourceType: 'Bundle',
        type: 'searchset',
        link: [
          { relation: 'self', url: `${own}/Task?status=ready` },
          { relation: 'next', url: `${own}/Task?status=ready&_cursor=abc` },
        ],
        entry: [
          {
            fullUrl: `${own}/Task/t-1`,
            resource: {
              resourceType: 'Task',
              id: 't-1',
              basedOn: [{ reference: 'https://ehr.example/fhir/CarePlan/x' }],
              note: [{ text: `${own}x is not a URL of the service` }],
            },
            search: { mode: 'match' },
          },
        ],
      });
    };
    const answer = await proxy.call('GET', '/Task?status=ready');
    const bundle = answer.body as {
      link: { url: string }[];
      entry: { fullUrl: string; resource: unknown }[];
    };
    expect(bundle.link.map((l) => l.url)).toEqual([
      `${PUBLIC_BASE}/Task?status=ready`,
      `${PUBLIC_BASE}/Task?status=ready&_cursor=abc`,
    ]);
    expect(bundle.entry[0]?.fullUrl).toBe(`${PUBLIC_BASE}/Task/t-1`);
    expect(bundle.entry[0]?.resource).toMatchObject({
      basedOn: [{ reference: 'https://ehr.example/fhir/CarePlan/x' }],
      note: [{ text: `${own}x is not a URL of the service` }],
    });
  });

  it("passes the service's errors as they are: status, OperationOutcome, WWW-Authenticate", async () => {
    carePlans.handler = (_req, res) => {
      sendResource(res, 412, operationOutcome('conflict', 'CarePlan/cp-1 is at version 4, If-Match says 3'));
    };
    const stale = await proxy.call('PUT', '/CarePlan/cp-1', {
      body: { resourceType: 'CarePlan', id: 'cp-1' },
      headers: { 'if-match': 'W/"3"' },
    });
    expect(stale.status).toBe(412);
    expect(stale.body).toEqual(
      operationOutcome('conflict', 'CarePlan/cp-1 is at version 4, If-Match says 3'),
    );
    carePlans.handler = (_req, res) => {
      sendResource(res, 401, operationOutcome('login', 'the token audience is not this service'), {
        'WWW-Authenticate': 'Bearer error="invalid_token"',
      });
    };
    const refused = await proxy.call('GET', '/CarePlan/cp-1');
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
  });

  it('refuses a body over the limit with a 413 and asks no service', async () => {
    const big = JSON.stringify({ resourceType: 'Task', note: [{ text: 'x'.repeat(70 * 1024) }] });
    const answer = await proxy.call('PUT', '/Task/t-1', {
      body: big,
      headers: { 'content-type': 'application/fhir+json' },
    });
    expect(answer.status).toBe(413);
    expect(answer.body).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ code: 'too-costly' }] });
    expect(tasks.hits).toHaveLength(0);
  });

  it('serves GET /metadata and OperationDefinitions without a token, from the owning service', async () => {
    const metadata = await proxy.call('GET', '/metadata', { headers: { authorization: null } });
    expect(metadata.status).toBe(200);
    tasks.handler = (req, res) => {
      if (req.url === '/fhir/OperationDefinition/Task-transfer') {
        sendResource(res, 200, { resourceType: 'OperationDefinition', id: 'Task-transfer' });
      } else sendResource(res, 404, operationOutcome('not-found', 'unknown'));
    };
    carePlans.handler = (req, res) => {
      if (req.url === '/fhir/OperationDefinition/shared-thing') {
        sendResource(res, 200, { resourceType: 'OperationDefinition', id: 'shared-thing' });
      } else sendResource(res, 404, operationOutcome('not-found', 'unknown'));
    };
    sharedInfo.handler = carePlans.handler;
    for (const service of [tasks, carePlans, sharedInfo]) service.hits.length = 0;
    const transfer = await proxy.call('GET', '/OperationDefinition/Task-transfer', {
      headers: { authorization: null },
    });
    expect(transfer.status).toBe(200);
    expect(transfer.body).toMatchObject({ id: 'Task-transfer' });
    expect([tasks.hits.length, carePlans.hits.length, sharedInfo.hits.length]).toEqual([1, 0, 0]);
    // No type prefix: every service in turn, the first that knows it answers.
    const other = await proxy.call('GET', '/OperationDefinition/shared-thing', {
      headers: { authorization: null },
    });
    expect(other.body).toMatchObject({ id: 'shared-thing' });
    const unknown = await proxy.call('GET', '/OperationDefinition/nothing-like-it', {
      headers: { authorization: null },
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ code: 'not-found' }] });
    expect(tasks.hits.every((h) => h.headers.authorization === undefined)).toBe(true);
  });

  it('logs one debug line per proxied request: service, status, duration, never the path or query', async () => {
    const before = proxy.logLines.length;
    await proxy.call(
      'GET',
      '/Patient/p-279035121518989?identifier=urn:oid:1.2.250.1.213.1.4.8|279035121518989',
    );
    const lines = proxy.logLines.slice(before).filter((l) => l.msg === 'proxied to a service');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 20,
      service: 'shared-info',
      method: 'GET',
      type: 'Patient',
      status: 200,
    });
    expect(typeof lines[0]?.durationMs).toBe('number');
    expect(JSON.stringify(proxy.logLines.slice(before))).not.toContain('279035121518989');
  });
});
