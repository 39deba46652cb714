// The shared-information service behind a real FHIR router and HTTP server, on a real
// PostgreSQL, with tokens of a dev issuer: what the integration tests talk to (plain fetch).
import type { Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import {
  createTokenVerifier,
  openDevIssuer,
  type Actor,
  type DevIssuer,
  type PostgresAccessFacts,
} from '@carenet/access';
import { postgresDatabase, type SqlDatabase } from '@carenet/eventsourcing';
import {
  createResourceValidator,
  fhirRouter,
  PostgresSearchStore,
  SearchParameterRegistry,
} from '@carenet/fhir';
import { createTestDatabase, type TestDatabase } from '@carenet/testing';
import {
  openSharedInfoService,
  SHARED_INFO_SEARCH_SUPPORT,
  SHARED_INFO_TYPES,
  type SharedInfoService,
} from '../../src/index.js';

export interface FhirAnswer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

export interface SharedInfoServer {
  readonly base: string;
  readonly service: SharedInfoService;
  readonly db: SqlDatabase;
  /** A FHIR call acting as `actor` (user/*.cruds). */
  call(actor: Actor, method: string, path: string, body?: unknown): Promise<FhirAnswer>;
  close(): Promise<void>;
}

export async function startSharedInfoServer(
  name: string,
  options: { readonly accessFacts?: PostgresAccessFacts } = {},
): Promise<SharedInfoServer> {
  const database: TestDatabase = await createTestDatabase(name);
  const db = postgresDatabase({ connectionString: database.url, max: 10 });
  const registry = SearchParameterRegistry.r4({ supported: { ...SHARED_INFO_SEARCH_SUPPORT } });
  const search = await PostgresSearchStore.open(db);
  const dataDir = mkdtempSync(join(tmpdir(), 'carenet-shared-info-test-'));
  const issuer: DevIssuer = await openDevIssuer({ dataDir, mode: 'embedded' });
  const service = await openSharedInfoService({
    db,
    search,
    registry,
    ...(options.accessFacts !== undefined && { accessFacts: options.accessFacts }),
  });

  const app = express();
  const http: Server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => http.once('listening', resolve));
  const address = http.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/fhir`;
  app.use(
    '/fhir',
    fhirRouter({
      providers: service.providers,
      validator: createResourceValidator({ types: [...SHARED_INFO_TYPES] }),
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
    }),
  );

  async function call(actor: Actor, method: string, path: string, body?: unknown): Promise<FhirAnswer> {
    const token = await issuer.issueToken({ actor, scopes: 'user/*.cruds' });
    const response = await fetch(`${base}/${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined && { 'content-type': 'application/fhir+json' }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  return {
    base,
    service,
    db,
    call,
    async close() {
      http.closeAllConnections();
      http.close();
      await service.stop();
      await db.close();
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
