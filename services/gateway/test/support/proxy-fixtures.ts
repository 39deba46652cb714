// The distributed mode's FHIR proxy under test, over real HTTP on loopback: small express servers
// that play a service (canned FHIR answers, every request they got recorded), the proxy router
// mounted at /fhir of its own server, and bearer tokens of a dev issuer it verifies.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createTokenVerifier, openDevIssuer, type Actor } from '@carenet/access';
import express, { type Request, type Response } from 'express';
import { pino } from 'pino';
import { fhirProxyRouter, type FhirProxyOptions, type FhirProxyRouter } from '../../src/proxy/index.js';

/** The gateway's public FHIR base in these tests: what clients see, not where it listens. */
export const PUBLIC_BASE = 'https://carenet.example/fhir';

const IDNPS = 'urn:oid:1.2.250.1.71.4.2.1';
const PROFESSION = 'https://mos.esante.gouv.fr/NOS/TRE_G15-ProfessionSante/FHIR/TRE-G15-ProfessionSante';

export const gp: Actor = {
  kind: 'professional',
  identifier: { system: IDNPS, value: '810000000001' },
  profession: { system: PROFESSION, code: '10' },
  sector: 'primary-care',
  name: 'Dr A',
};

/** A request a fake service received. */
export interface Hit {
  readonly method: string;
  /** Path and query as received, under the service's root (`/fhir/Task/1?x=y`). */
  readonly url: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

export type Handler = (req: Request & { rawBody: string }, res: Response) => void | Promise<void>;

export interface FakeService {
  readonly name: string;
  /** `http://127.0.0.1:<port>/fhir` */
  readonly base: string;
  readonly port: number;
  readonly hits: Hit[];
  /** What it answers (`/fhir/metadata` included unless `types` were given); default 404. */
  handler: Handler;
  /** The types its CapabilityStatement lists. */
  types: readonly string[];
  close(): Promise<void>;
}

export const FHIR_JSON = 'application/fhir+json; charset=utf-8';

/** Sends a FHIR resource as a service would. */
export function sendResource(
  res: Response,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  res.status(status).set(headers).setHeader('content-type', FHIR_JSON);
  res.end(JSON.stringify(body));
}

export const operationOutcome = (code: string, diagnostics: string) => ({
  resourceType: 'OperationOutcome',
  issue: [{ severity: 'error', code, diagnostics }],
});

/** A service's CapabilityStatement, as the FHIR router builds it, for `types`. */
export function capabilityOf(name: string, base: string, types: readonly string[]) {
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: '2026-01-01T00:00:00Z',
    publisher: 'carenet',
    kind: 'instance',
    software: { name: 'carenet', version: `test-${name}` },
    implementation: { description: 'carenet', url: base },
    fhirVersion: '4.0.1',
    format: ['application/fhir+json', 'json'],
    patchFormat: ['application/json-patch+json'],
    rest: [
      {
        mode: 'server',
        security: { cors: false, description: `security of ${name}` },
        resource: [
          ...types.map((type) => ({ type, interaction: [{ code: 'read' }, { code: 'search-type' }] })),
          { type: 'OperationDefinition', interaction: [{ code: 'read' }] },
        ],
        interaction: [
          { code: 'batch', documentation: name },
          { code: 'transaction', documentation: name },
        ],
        operation: [
          {
            name: `op-of-${name}`,
            definition: `https://carenet.example.org/fhir/OperationDefinition/${name}`,
          },
        ],
      },
    ],
  };
}

/** A service on an ephemeral port, recording every request, answering `/fhir/metadata` for `types`. */
export async function startFakeService(name: string, types: readonly string[] = []): Promise<FakeService> {
  const app = express();
  const service = {
    name,
    hits: [] as Hit[],
    types,
    handler: ((_req, res) => {
      sendResource(res, 404, operationOutcome('not-found', 'nothing here'));
    }) as Handler,
  };
  app.use((req, res, next) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      service.hits.push({ method: req.method, url: req.url, headers: { ...req.headers }, body: rawBody });
      Object.assign(req, { rawBody });
      next();
    });
  });
  app.use(async (req, res) => {
    if (req.method === 'GET' && req.url === '/fhir/metadata' && service.types.length > 0) {
      sendResource(res, 200, capabilityOf(name, base, service.types));
      return;
    }
    await service.handler(req as Request & { rawBody: string }, res);
  });
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const port = (server.address() as AddressInfo).port;
  const base = `http://127.0.0.1:${port}/fhir`;
  return Object.assign(service, {
    base,
    port,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  });
}

/** A port nothing listens on (a service that is down). */
export async function closedPort(): Promise<number> {
  const server = express().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The body as JSON (undefined when it is not). */
  readonly body: Record<string, unknown> & { resourceType?: string };
}

export interface ProxyUnderTest {
  /** `http://127.0.0.1:<port>/fhir`: where the gateway listens. */
  readonly base: string;
  readonly router: FhirProxyRouter;
  /** The proxy's log lines (debug and up), parsed. */
  readonly logLines: Record<string, unknown>[];
  readonly token: string;
  /** A FHIR call with the token (unless `authorization` is given in headers, `null` for none). */
  call(
    method: string,
    path: string,
    options?: { body?: unknown; headers?: Record<string, string | null> },
  ): Promise<Answer>;
  close(): Promise<void>;
}

export type ProxyTestOptions = Partial<Omit<FhirProxyOptions, 'authenticator' | 'logger'>> &
  Pick<FhirProxyOptions, 'upstreams' | 'routes'>;

/** The proxy router at /fhir of its own server, with the request id the gateway's HTTP layer sets. */
export async function startProxy(options: ProxyTestOptions): Promise<ProxyUnderTest> {
  const logLines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean))
        logLines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const dataDir = mkdtempSync(join(tmpdir(), 'carenet-proxy-test-'));
  const issuer = await openDevIssuer({ dataDir, mode: 'embedded', audience: PUBLIC_BASE });
  const router = fhirProxyRouter({
    publicBaseUrl: PUBLIC_BASE,
    ...options,
    authenticator: createTokenVerifier({
      keys: issuer.keys,
      issuer: issuer.issuer,
      audience: issuer.audience,
    }),
    logger: pino({ level: 'debug' }, sink),
  });
  const app = express();
  app.disable('x-powered-by');
  app.use((req, res, next) => {
    const given = req.headers['x-request-id'];
    res.setHeader('X-Request-Id', typeof given === 'string' ? given : randomUUID());
    next();
  });
  app.use('/fhir', router);
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/fhir`;
  const token = await issuer.issueToken({ actor: gp, scopes: 'user/*.cruds' });
  return {
    base,
    router,
    logLines,
    token,
    async call(method, path, { body, headers = {} } = {}) {
      const wanted: Record<string, string | null> = {
        authorization: `Bearer ${token}`,
        ...(body !== undefined && typeof body !== 'string' && { 'content-type': 'application/fhir+json' }),
        ...headers,
      };
      const given = Object.fromEntries(
        Object.entries(wanted).filter((pair): pair is [string, string] => pair[1] !== null),
      );
      const response = await fetch(`${base}${path}`, {
        method,
        headers: given,
        ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      });
      const text = await response.text();
      let json: Answer['body'] = {};
      try {
        json = JSON.parse(text) as Answer['body'];
      } catch {
        // not JSON
      }
      return { status: response.status, headers: response.headers, text, body: json };
    },
    async close() {
      await router.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Services named as the proxy knows them, on the routing table of the tests. */
export const TEST_ROUTES: ReadonlyMap<string, string> = new Map([
  ['Task', 'tasks'],
  ['CarePlan', 'care-plans'],
  ['CareTeam', 'care-plans'],
  ['Goal', 'care-plans'],
  ['Patient', 'shared-info'],
]);

/** A searchset Bundle as a service answers it. */
export function searchset(
  base: string,
  self: string,
  matches: readonly Record<string, unknown>[],
  extra: { next?: string; included?: readonly Record<string, unknown>[] } = {},
) {
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    link: [
      { relation: 'self', url: `${base}/${self}` },
      ...(extra.next !== undefined ? [{ relation: 'next', url: `${base}/${extra.next}` }] : []),
    ],
    entry: [
      ...matches.map((resource) => ({
        fullUrl: `${base}/${String(resource.resourceType)}/${String(resource.id)}`,
        resource,
        search: { mode: 'match' },
      })),
      ...(extra.included ?? []).map((resource) => ({
        fullUrl: `${base}/${String(resource.resourceType)}/${String(resource.id)}`,
        resource,
        search: { mode: 'include' },
      })),
    ],
  };
}

/** The three services the proxy fronts, as fake services owning their usual types. */
export interface FakeServices {
  readonly tasks: FakeService;
  readonly carePlans: FakeService;
  readonly sharedInfo: FakeService;
}

export async function startFakeServices(): Promise<FakeServices> {
  return {
    tasks: await startFakeService('tasks', ['Task']),
    carePlans: await startFakeService('care-plans', ['CarePlan', 'CareTeam', 'Goal']),
    sharedInfo: await startFakeService('shared-info', ['Patient']),
  };
}

/** The proxy's `upstreams` for the fake services. */
export const upstreamsOf = (services: FakeServices): ReadonlyMap<string, string> =>
  new Map([
    ['tasks', services.tasks.base],
    ['care-plans', services.carePlans.base],
    ['shared-info', services.sharedInfo.base],
  ]);
