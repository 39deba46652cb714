// The care-plans service behind a real FHIR router and HTTP server, on a real PostgreSQL, with
// tokens of a dev issuer: what the integration tests talk to over HTTP.
import type { Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { createTokenVerifier, openDevIssuer, type Actor, type DevIssuer } from '@carenet/access';
import { postgresDatabase, type SqlDatabase } from '@carenet/eventsourcing';
import {
  answerClientErrorsWithOutcome,
  createResourceValidator,
  fhirRouter,
  PostgresSearchStore,
  SearchParameterRegistry,
} from '@carenet/fhir';
import { createTestDatabase, type TestDatabase } from '@carenet/testing';
import {
  CARE_PLANS_SEARCH_SUPPORT,
  CARE_PLANS_TYPES,
  openCarePlansService,
  type CarePlansService,
} from '../../src/index.js';

export const IDNPS = 'urn:oid:1.2.250.1.71.4.2.1';
export const INS = 'urn:oid:1.2.250.1.213.1.4.8';
const PROFESSION = 'https://mos.esante.gouv.fr/NOS/TRE_G15-ProfessionSante/FHIR/TRE-G15-ProfessionSante';

/** A professional of the tests, by IDNPS. */
export function professional(idnps: string, code: '10' | '60', name: string): Actor {
  return {
    kind: 'professional',
    identifier: { system: IDNPS, value: idnps },
    profession: { system: PROFESSION, code },
    sector: 'primary-care',
    name,
  };
}

export interface FhirAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Record<string, unknown>;
}

export interface CarePlansServer {
  readonly base: string;
  readonly service: CarePlansService;
  readonly db: SqlDatabase;
  /** A FHIR call as `actor` (a string body is sent as it is, with `headers`). */
  call(
    actor: Actor,
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<FhirAnswer>;
  close(): Promise<void>;
}

export async function startCarePlansServer(name: string): Promise<CarePlansServer> {
  const database: TestDatabase = await createTestDatabase(name);
  const db = postgresDatabase({ connectionString: database.url, max: 10 });
  const registry = SearchParameterRegistry.r4({ supported: { ...CARE_PLANS_SEARCH_SUPPORT } });
  const search = await PostgresSearchStore.open(db);
  const dataDir = mkdtempSync(join(tmpdir(), 'carenet-care-plans-test-'));
  const issuer: DevIssuer = await openDevIssuer({ dataDir, mode: 'embedded' });
  const service = await openCarePlansService({ db, search, registry, reviewIntervalMs: false });

  const app = express();
  const http: Server = app.listen(0, '127.0.0.1');
  answerClientErrorsWithOutcome(http);
  await new Promise((resolve) => http.once('listening', resolve));
  const address = http.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/fhir`;
  app.use(
    '/fhir',
    fhirRouter({
      providers: service.providers,
      validator: createResourceValidator({ types: [...CARE_PLANS_TYPES] }),
      publicBaseUrl: base,
      logger: {
        error: (details) => {
          console.error(details);
        },
      },
      search: { registry },
      authenticator: createTokenVerifier({
        keys: issuer.keys,
        issuer: issuer.issuer,
        audience: issuer.audience,
      }),
      capability: { softwareVersion: 'test', startedAt: new Date().toISOString() },
    }),
  );

  const tokens = new Map<string, string>();
  async function tokenFor(actor: Actor): Promise<string> {
    const key = JSON.stringify(actor);
    const known = tokens.get(key);
    if (known !== undefined) return known;
    const token = await issuer.issueToken({ actor, scopes: 'user/*.cruds' });
    tokens.set(key, token);
    return token;
  }

  return {
    base,
    service,
    db,
    async call(actor, method, path, body, headers = {}) {
      const response = await fetch(`${base}/${path}`, {
        method,
        headers: {
          authorization: `Bearer ${await tokenFor(actor)}`,
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
    },
    async close() {
      http.closeAllConnections();
      await new Promise((resolve) => http.close(resolve));
      await service.stop();
      await db.close();
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
