// The HTTP edge of a FHIR server (content negotiation, body limits, error mapping) over real HTTP.
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import express from 'express';
import { BusinessRuleError } from '@carenet/eventsourcing';
import { fhirErrorHandler, fhirJsonBody, fhirNotSupported, negotiateJson, sendFhir } from '../src/index.js';

const logged: object[] = [];

function app() {
  const fhir = express.Router();
  fhir.use(negotiateJson, ...fhirJsonBody('2kb'));
  fhir.post('/Demo', (req, res) => {
    sendFhir(res, 201, req.body as object);
  });
  fhir.get('/Demo/rule', () => {
    throw new BusinessRuleError('demo-rule', 'the demo rule refuses');
  });
  fhir.get('/Demo/bug', () => {
    throw new Error('secret internals');
  });
  fhir.use(fhirNotSupported);
  fhir.use(fhirErrorHandler({ error: (details) => logged.push(details) }));
  return express().use('/fhir', fhir);
}

describe('FHIR HTTP edge', () => {
  let server: Server;
  let base: string;

  beforeAll(async () => {
    server = app().listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const address = server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/fhir`;
  });
  afterAll(() => {
    server.close();
  });

  const post = (body: string, contentType = 'application/fhir+json', headers: Record<string, string> = {}) =>
    fetch(`${base}/Demo`, { method: 'POST', body, headers: { 'content-type': contentType, ...headers } });

  async function expectOutcome(response: Response, status: number, code: string) {
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/^application\/fhir\+json/);
    const body = (await response.json()) as { resourceType: string; issue: { code: string }[] };
    expect(body.resourceType).toBe('OperationOutcome');
    expect(body.issue[0]?.code).toBe(code);
    return body;
  }

  it('accepts FHIR JSON and plain JSON bodies', async () => {
    expect((await post('{"resourceType":"Basic"}')).status).toBe(201);
    expect((await post('{"resourceType":"Basic"}', 'application/json; charset=utf-8')).status).toBe(201);
  });

  it('415 for another content type', async () => {
    await expectOutcome(await post('<Basic/>', 'application/fhir+xml'), 415, 'not-supported');
    await expectOutcome(await post('hello', 'text/plain'), 415, 'not-supported');
  });

  it('413 for a body over the limit', async () => {
    await expectOutcome(
      await post(JSON.stringify({ resourceType: 'Basic', text: 'x'.repeat(5000) })),
      413,
      'too-costly',
    );
  });

  it('400 for malformed JSON', async () => {
    await expectOutcome(await post('{"resourceType": "Basic",'), 400, 'invalid');
  });

  it('406 when the client accepts no JSON; _format=json wins over Accept', async () => {
    await expectOutcome(
      await fetch(`${base}/Demo/rule`, { headers: { accept: 'application/fhir+xml' } }),
      406,
      'not-supported',
    );
    await expectOutcome(await fetch(`${base}/Demo/rule?_format=xml`), 406, 'not-supported');
    const json = await fetch(`${base}/Demo/rule?_format=json`, {
      headers: { accept: 'application/fhir+xml' },
    });
    expect(json.status).toBe(422);
  });

  it('maps a business rule to 422 with its rule code', async () => {
    const body = await expectOutcome(await fetch(`${base}/Demo/rule`), 422, 'business-rule');
    expect(JSON.stringify(body)).toContain('demo-rule');
  });

  it('a bug is a 500 with a correlation id, logged, with no internals in the response', async () => {
    const response = await fetch(`${base}/Demo/bug`);
    const body = await expectOutcome(response, 500, 'exception');
    expect(JSON.stringify(body)).not.toContain('secret');
    const correlationId = response.headers.get('x-request-id');
    expect(correlationId).toBeTruthy();
    expect(JSON.stringify(body)).toContain(correlationId);
    expect(logged).toContainEqual(expect.objectContaining({ correlationId }));
  });

  it('an unknown path is a 404 OperationOutcome', async () => {
    await expectOutcome(await fetch(`${base}/Nothing/1`), 404, 'not-supported');
  });
});
