// The distributed mode's FHIR proxy in front of the real services (issue 16): the embedded
// services on PGlite behind their FHIR router, on a base URL of their own, play every service;
// through the proxy, a client gets what the embedded mode answers, cross-service includes
// resolved by the gateway, URLs on the public base. Needs no PostgreSQL or Kafka (PGlite in memory).
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PGlite } from '@electric-sql/pglite';
import { createTokenVerifier, openDevIssuer } from '@carenet/access';
import { pgliteDatabase } from '@carenet/eventsourcing';
import { fhirRouter, operationDefinitionRouter } from '@carenet/fhir';
import express from 'express';
import type { Bundle, CapabilityStatement } from 'fhir/r4.js';
import { pino } from 'pino';
import { openEmbeddedServices, type EmbeddedServices } from '../src/embedded-services.js';
import { fhirProxyRouter, routingTable, type FhirProxyRouter } from '../src/proxy/index.js';
import { gp, PUBLIC_BASE } from './support/proxy-fixtures.js';

const INS = 'urn:oid:1.2.250.1.213.1.4.8';
const IDNPS = 'urn:oid:1.2.250.1.71.4.2.1';
const subject = { identifier: { system: INS, value: '279035121518989' } };

const listen = async (app: express.Express): Promise<Server> => {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return server;
};
const portOf = (server: Server) => (server.address() as AddressInfo).port;

describe('the FHIR proxy in front of the real services', () => {
  let pglite: PGlite;
  let services: EmbeddedServices;
  let serviceServer: Server;
  let proxyServer: Server;
  let proxy: FhirProxyRouter;
  let dataDir: string;
  let token: string;
  let serviceBase: string;
  let gatewayBase: string;

  beforeAll(async () => {
    pglite = await PGlite.create();
    const logger = pino({ level: 'silent' });
    services = await openEmbeddedServices({ db: pgliteDatabase(pglite), logger, background: false });
    dataDir = mkdtempSync(join(tmpdir(), 'carenet-proxy-services-'));
    const issuer = await openDevIssuer({ dataDir, mode: 'embedded', audience: PUBLIC_BASE });
    const authenticator = () =>
      createTokenVerifier({ keys: issuer.keys, issuer: issuer.issuer, audience: issuer.audience });
    // The services on a base of their own: the proxy has URLs to rewrite.
    const serviceApp = express();
    serviceServer = await listen(serviceApp);
    serviceBase = `http://127.0.0.1:${portOf(serviceServer)}/fhir`;
    serviceApp.use(
      '/fhir/OperationDefinition',
      operationDefinitionRouter(services.operationDefinitions, logger),
    );
    serviceApp.use(
      '/fhir',
      fhirRouter({
        providers: services.providers,
        validator: services.validator,
        publicBaseUrl: serviceBase,
        logger,
        search: { registry: services.registry },
        access: services.access,
        audit: services.audit,
        authenticator: authenticator(),
        capability: {
          softwareVersion: 'test',
          startedAt: new Date().toISOString(),
          operationDefinitions: services.operationDefinitions,
        },
      }),
    );
    proxy = fhirProxyRouter({
      upstreams: new Map([
        ['tasks', serviceBase],
        ['care-plans', serviceBase],
        ['shared-info', serviceBase],
      ]),
      routes: routingTable(),
      publicBaseUrl: PUBLIC_BASE,
      authenticator: authenticator(),
      logger,
    });
    const gatewayApp = express();
    gatewayApp.use('/fhir', proxy);
    proxyServer = await listen(gatewayApp);
    gatewayBase = `http://127.0.0.1:${portOf(proxyServer)}/fhir`;
    token = await issuer.issueToken({ actor: gp, scopes: 'user/*.cruds' });
  });
  afterAll(async () => {
    await proxy.close();
    for (const server of [proxyServer, serviceServer]) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
    await services.stop();
    await pglite.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const call = async (base: string, method: string, path: string, body?: unknown, headers = {}) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined && { 'content-type': 'application/fhir+json' }),
        ...headers,
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    return {
      status: response.status,
      headers: response.headers,
      body: (await response.json()) as Record<string, unknown>,
    };
  };
  const viaProxy = (method: string, path: string, body?: unknown, headers = {}) =>
    call(gatewayBase, method, path, body, headers);
  const direct = (method: string, path: string) => call(serviceBase, method, path);
  const entries = (bundle: Record<string, unknown>) =>
    ((bundle as unknown as Bundle).entry ?? [])
      .map((e) => `${e.search?.mode ?? ''} ${e.resource?.resourceType ?? ''}/${e.resource?.id ?? ''}`)
      .sort();

  let planId = '';
  const taskIds: string[] = [];

  it('creates through the proxy: 201, ETag, Location on the public base', async () => {
    const created = await viaProxy('POST', '/CarePlan', {
      resourceType: 'CarePlan',
      status: 'draft',
      intent: 'plan',
      title: 'proxy plan',
      subject,
    });
    expect(created.status).toBe(201);
    planId = String(created.body.id);
    expect(created.headers.get('etag')).toBe('W/"1"');
    expect(created.headers.get('location')).toBe(`${PUBLIC_BASE}/CarePlan/${planId}/_history/1`);
  });

  it('creates Tasks and reads the plan in one batch, each entry answered with its status', async () => {
    const task = {
      resourceType: 'Task',
      status: 'requested',
      intent: 'order',
      code: { text: 'Wound care' },
      for: subject,
      owner: { identifier: { system: IDNPS, value: '810000000002' } },
      basedOn: [{ reference: `CarePlan/${planId}` }],
    };
    const answer = await viaProxy('POST', '', {
      resourceType: 'Bundle',
      type: 'batch',
      entry: [
        { resource: task, request: { method: 'POST', url: 'Task' } },
        { resource: task, request: { method: 'POST', url: 'Task' } },
        { request: { method: 'GET', url: `CarePlan/${planId}` } },
      ],
    });
    expect(answer.status).toBe(200);
    const bundle = answer.body as unknown as Bundle;
    expect(bundle.entry?.map((e) => e.response?.status)).toEqual(['201 Created', '201 Created', '200 OK']);
    for (const entry of bundle.entry?.slice(0, 2) ?? []) {
      taskIds.push(entry.resource?.id ?? '');
      expect(entry.fullUrl).toBe(`${PUBLIC_BASE}/Task/${entry.resource?.id ?? ''}`);
      expect(entry.response?.location).toMatch(/^Task\/[^/]+\/_history\/1$/);
    }
  });

  it('CarePlan?_revinclude=Task:based-on: what the embedded mode answers, the includes fetched by the gateway', async () => {
    const query = `/CarePlan?_id=${planId}&_revinclude=Task:based-on`;
    const [proxied, embedded] = await Promise.all([viaProxy('GET', query), direct('GET', query)]);
    expect(proxied.status).toBe(200);
    expect(entries(proxied.body)).toEqual(entries(embedded.body));
    expect(entries(proxied.body)).toEqual(
      [`match CarePlan/${planId}`, ...taskIds.map((id) => `include Task/${id}`)].sort(),
    );
    const links = (proxied.body as unknown as Bundle).link ?? [];
    expect(links[0]?.url).toContain(PUBLIC_BASE);
    expect(links[0]?.url).toContain('_revinclude=Task%3Abased-on');
  });

  it('Task?_include=Task:based-on: what the embedded mode answers', async () => {
    const query = `/Task?_id=${taskIds.join(',')}&_include=Task:based-on`;
    const [proxied, embedded] = await Promise.all([viaProxy('GET', query), direct('GET', query)]);
    expect(proxied.status).toBe(200);
    expect(entries(proxied.body)).toEqual(entries(embedded.body));
    expect(entries(proxied.body)).toContain(`include CarePlan/${planId}`);
    expect(JSON.stringify(proxied.body)).not.toContain(serviceBase);
  });

  it('passes a failed precondition as the service answers it', async () => {
    const read = await viaProxy('GET', `/CarePlan/${planId}`);
    const stale = await viaProxy(
      'PUT',
      `/CarePlan/${planId}`,
      { ...read.body, title: 'renamed' },
      { 'if-match': 'W/"9"' },
    );
    expect(stale.status).toBe(412);
    expect(stale.body.resourceType).toBe('OperationOutcome');
  });

  it('sends a transaction of one service whole, and refuses one across services', async () => {
    const one = await viaProxy('POST', '', {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        {
          resource: {
            resourceType: 'Goal',
            lifecycleStatus: 'proposed',
            description: { text: 'walk' },
            subject,
          },
          request: { method: 'POST', url: 'Goal' },
        },
      ],
    });
    expect(one.status).toBe(200);
    expect((one.body as unknown as Bundle).entry?.[0]?.fullUrl).toMatch(new RegExp(`^${PUBLIC_BASE}/Goal/`));
    const across = await viaProxy('POST', '', {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        { request: { method: 'GET', url: `Task/${taskIds[0] ?? ''}` } },
        { request: { method: 'GET', url: `CarePlan/${planId}` } },
      ],
    });
    expect(across.status).toBe(422);
  });

  it('merges the CapabilityStatement: the types of the services, on the public base', async () => {
    const [proxied, embedded] = await Promise.all([viaProxy('GET', '/metadata'), direct('GET', '/metadata')]);
    const types = (statement: Record<string, unknown>) =>
      ((statement as unknown as CapabilityStatement).rest?.[0]?.resource ?? []).map((r) => r.type);
    expect(types(proxied.body)).toEqual(types(embedded.body));
    expect((proxied.body as unknown as CapabilityStatement).implementation?.url).toBe(PUBLIC_BASE);
    const definition = await viaProxy('GET', '/OperationDefinition/Task-transfer');
    expect(definition.body).toMatchObject({ resourceType: 'OperationDefinition', id: 'Task-transfer' });
  });
});
