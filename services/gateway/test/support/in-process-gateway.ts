// The gateway's FHIR base in this process (the embedded services on a given database, behind the
// FHIR router at /fhir, as main.ts mounts them), with tokens of a dev issuer and the log lines it
// writes: for tests that change the database under a running gateway (stop it, fill its disk).
import type { Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createTokenVerifier, openDevIssuer, type Actor } from '@carenet/access';
import type { SqlDatabase } from '@carenet/eventsourcing';
import { answerClientErrorsWithOutcome, fhirRouter } from '@carenet/fhir';
import express from 'express';
import { pino } from 'pino';
import { openEmbeddedServices, type EmbeddedServicesOptions } from '../../src/embedded-services.js';

const IDNPS = 'urn:oid:1.2.250.1.71.4.2.1';
const INS = 'urn:oid:1.2.250.1.213.1.4.8';
const PROFESSION = 'https://mos.esante.gouv.fr/NOS/TRE_G15-ProfessionSante/FHIR/TRE-G15-ProfessionSante';

export interface FhirAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Record<string, unknown>;
}

export interface InProcessGateway {
  /** `http://127.0.0.1:<port>/fhir` */
  readonly base: string;
  /** The gateway's log lines, parsed (pino JSON). */
  readonly logLines: Record<string, unknown>[];
  /** A FHIR call as a GP of the tests (a string body is sent as it is, with `headers`). */
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<FhirAnswer>;
  /** A bearer token of the dev issuer for `actor` (default scopes `user/*.cruds`). */
  tokenFor(actor: Actor, scopes?: string): Promise<string>;
  /** A FHIR call with a given bearer token. */
  callWith(
    token: string,
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<FhirAnswer>;
  /** POST of a new Task (a GP asks a nurse for wound care). */
  createTask(): Promise<FhirAnswer>;
  close(): Promise<void>;
}

const gp: Actor = {
  kind: 'professional',
  identifier: { system: IDNPS, value: '810000000001' },
  profession: { system: PROFESSION, code: '10' },
  sector: 'primary-care',
  name: 'Dr A',
};

export interface InProcessGatewayOptions {
  /** Run the relays and consumers (default false): the audit records become AuditEvents. */
  readonly background?: boolean;
  /** Kafka brokers for the relays and consumers (none: the store log). */
  readonly kafkaBrokers?: readonly string[];
  /** Names of this gateway's own topics and consumer groups (a broker shared by tests). */
  readonly kafkaNaming?: EmbeddedServicesOptions['kafkaNaming'];
}

export async function startInProcessGateway(
  db: SqlDatabase,
  options: InProcessGatewayOptions = {},
): Promise<InProcessGateway> {
  const logLines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean))
        logLines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const logger = pino({ level: 'info' }, sink);
  const dataDir = mkdtempSync(join(tmpdir(), 'carenet-gateway-db-test-'));
  const issuer = await openDevIssuer({ dataDir, mode: 'embedded' });
  const services = await openEmbeddedServices({
    db,
    logger,
    background: options.background ?? false,
    ...(options.kafkaBrokers !== undefined && { kafkaBrokers: options.kafkaBrokers }),
    ...(options.kafkaNaming !== undefined && { kafkaNaming: options.kafkaNaming }),
  });
  const app = express();
  app.use(
    '/fhir',
    fhirRouter({
      providers: services.providers,
      validator: services.validator,
      publicBaseUrl: 'http://127.0.0.1/fhir',
      logger,
      search: { registry: services.registry },
      access: services.access,
      audit: services.audit,
      authenticator: createTokenVerifier({
        keys: issuer.keys,
        issuer: issuer.issuer,
        audience: issuer.audience,
      }),
      capability: { softwareVersion: 'test', startedAt: new Date().toISOString() },
    }),
  );
  const http: Server = app.listen(0, '127.0.0.1');
  answerClientErrorsWithOutcome(http);
  await new Promise((resolve) => http.once('listening', resolve));
  const address = http.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/fhir`;
  const token = await issuer.issueToken({ actor: gp, scopes: 'user/*.cruds' });

  const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    callWith(token, method, path, body, headers);

  async function callWith(
    bearer: string,
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<FhirAnswer> {
    const response = await fetch(`${base}/${path}`, {
      method,
      headers: {
        authorization: `Bearer ${bearer}`,
        ...(body !== undefined && { 'content-type': 'application/fhir+json' }),
        ...headers,
      },
      ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    return {
      status: response.status,
      headers: response.headers,
      body: (await response.json()) as Record<string, unknown>,
    };
  }

  return {
    base,
    logLines,
    call,
    callWith,
    tokenFor: (actor, scopes = 'user/*.cruds') => issuer.issueToken({ actor, scopes }),
    createTask: () =>
      call('POST', 'Task', {
        resourceType: 'Task',
        status: 'requested',
        intent: 'order',
        code: { text: 'Wound care' },
        for: { identifier: { system: INS, value: '279035121518989' } },
        owner: { identifier: { system: IDNPS, value: '810000000002' } },
      }),
    async close() {
      http.closeAllConnections();
      await new Promise((resolve) => http.close(resolve));
      await services.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
