// The Tasks service behind a real FHIR router and HTTP server, on a real PostgreSQL, with tokens
// of a dev issuer: what the integration tests talk to with fhir-kit-client.
import type { Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { Client } from 'fhir-kit-client';
import { createTokenVerifier, openDevIssuer, type Actor, type DevIssuer } from '@carenet/access';
import { postgresDatabase, type SqlDatabase } from '@carenet/eventsourcing';
import {
  createResourceValidator,
  fhirRouter,
  PostgresSearchStore,
  SearchParameterRegistry,
} from '@carenet/fhir';
import { createTestDatabase, type TestDatabase } from '@carenet/testing';
import { openTasksService, TASKS_SEARCH_SUPPORT, type TasksService } from '../../src/index.js';

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

export interface TasksServer {
  readonly base: string;
  readonly tasks: TasksService;
  readonly db: SqlDatabase;
  /** The clock of the service: tests move it. */
  now: Date;
  /** A fhir-kit-client acting with a token for `actor` (and these scopes). */
  clientFor(actor: Actor, scopes?: string): Promise<Client>;
  tokenFor(
    actor: Actor,
    scopes?: string,
    options?: { readonly now?: Date; readonly expiresInSeconds?: number },
  ): Promise<string>;
  close(): Promise<void>;
}

export async function startTasksServer(name: string): Promise<TasksServer> {
  const database: TestDatabase = await createTestDatabase(name);
  const db = postgresDatabase({ connectionString: database.url, max: 20 });
  const registry = SearchParameterRegistry.r4({ supported: { ...TASKS_SEARCH_SUPPORT } });
  const search = await PostgresSearchStore.open(db);
  const dataDir = mkdtempSync(join(tmpdir(), 'carenet-tasks-test-'));
  const issuer: DevIssuer = await openDevIssuer({ dataDir, mode: 'embedded' });
  const server: { now: Date } = { now: new Date('2026-05-20T08:00:00.000Z') };
  const tasks = await openTasksService({
    db,
    search,
    registry,
    clock: () => server.now,
    overdueIntervalMs: false,
  });

  const app = express();
  const http: Server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => http.once('listening', resolve));
  const address = http.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/fhir`;
  app.use(
    '/fhir',
    fhirRouter({
      providers: [tasks.provider],
      validator: createResourceValidator({ types: ['Task'] }),
      publicBaseUrl: base,
      logger: {
        error: (details) => {
          console.error(details);
        },
      },
      search: { registry },
      // GET /metadata: the CapabilityStatement the service advertises (its search parameters).
      capability: { softwareVersion: 'test', startedAt: new Date().toISOString() },
      authenticator: createTokenVerifier({
        keys: issuer.keys,
        issuer: issuer.issuer,
        audience: issuer.audience,
      }),
    }),
  );

  const tokenFor = (
    actor: Actor,
    scopes = 'user/*.cruds',
    options: { readonly now?: Date; readonly expiresInSeconds?: number } = {},
  ) => issuer.issueToken({ actor, scopes, ...options });
  return Object.assign(server, {
    base,
    tasks,
    db,
    tokenFor,
    async clientFor(actor: Actor, scopes?: string) {
      const token = await tokenFor(actor, scopes);
      return new Client({ baseUrl: base, customHeaders: { Authorization: `Bearer ${token}` } });
    },
    async close() {
      http.close();
      await tasks.stop();
      await db.close();
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  });
}
