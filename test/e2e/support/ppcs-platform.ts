// The tasks and care-plans services composed as the gateway composes them, but talking over the
// real Kafka broker (relays publish each service's events; each service's consumer is its own
// Kafka consumer group, which a test can stop and start again), behind one FHIR router with
// dev-issuer tokens, on a real PostgreSQL.
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'fhir-kit-client';
import { createTokenVerifier, openDevIssuer, type Actor } from '@carenet/access';
import {
  CARE_PLANS_CATEGORIES,
  CARE_PLANS_SEARCH_SUPPORT,
  openCarePlansService,
  type CarePlansService,
} from '@carenet/care-plans';
import { loadContractRegistry } from '@carenet/contracts';
import { postgresDatabase, type SqlDatabase } from '@carenet/eventsourcing';
import {
  createResourceValidator,
  fhirRouter,
  PostgresSearchStore,
  SearchParameterRegistry,
} from '@carenet/fhir';
import {
  startEventSubscriber,
  startRelay,
  topicProtection,
  type EventSubscriber,
  type RunningConsumer,
  type RunningRelay,
} from '@carenet/messaging';
import {
  carePlanActionsSubscriber,
  openTasksService,
  TASKS_CATEGORIES,
  TASKS_SEARCH_SUPPORT,
  type TasksService,
} from '@carenet/tasks';
import { createTestDatabase, testKafkaBrokers, uniqueName, type TestDatabase } from '@carenet/testing';

export const IDNPS = 'urn:oid:1.2.250.1.71.4.2.1';
export const INS = 'urn:oid:1.2.250.1.213.1.4.8';
export const FINESS = 'https://finess.esante.gouv.fr';
const PROFESSION = 'https://mos.esante.gouv.fr/NOS/TRE_G15-ProfessionSante/FHIR/TRE-G15-ProfessionSante';

export function professional(idnps: string, code: '10' | '21' | '60', name: string): Actor {
  return {
    kind: 'professional',
    identifier: { system: IDNPS, value: idnps },
    profession: { system: PROFESSION, code },
    sector: 'primary-care',
    name,
  };
}

export type ConsumerName = 'tasks' | 'care-plans';

export interface PpcsPlatform {
  readonly base: string;
  readonly db: SqlDatabase;
  readonly tasks: TasksService;
  readonly carePlans: CarePlansService;
  /** The clock of both services: tests move it. */
  now: Date;
  /** This platform's topic of each context (`tasks`, `care-plans`): unique to the test. */
  readonly topics: Readonly<Record<string, string>>;
  clientFor(actor: Actor): Promise<Client>;
  /** Stops a service's consumer (as if its process died) / starts it again (same group). */
  stopConsumer(name: ConsumerName): Promise<void>;
  startConsumer(name: ConsumerName): Promise<void>;
  close(): Promise<void>;
}

export async function startPpcsPlatform(name: string): Promise<PpcsPlatform> {
  const database: TestDatabase = await createTestDatabase(name);
  const db = postgresDatabase({ connectionString: database.url, max: 20 });
  const registry = SearchParameterRegistry.r4({
    supported: { ...TASKS_SEARCH_SUPPORT, ...CARE_PLANS_SEARCH_SUPPORT },
  });
  const search = await PostgresSearchStore.open(db);
  const platform: { now: Date } = { now: new Date('2026-05-20T08:00:00.000Z') };
  const clock = () => platform.now;
  const tasks = await openTasksService({ db, search, registry, clock, overdueIntervalMs: false });
  const carePlans = await openCarePlansService({ db, search, registry, clock, reviewIntervalMs: false });
  const contracts = loadContractRegistry();
  // The topic key: the relays seal the personal data the contracts mark, the consumers open it.
  const protection = topicProtection(randomBytes(32).toString('base64url'));

  // Topics of this test only: the broker is shared by every test file.
  const kafka = new Kafka({
    clientId: uniqueName('ppcs'),
    brokers: testKafkaBrokers(),
    logLevel: logLevel.NOTHING,
  });
  const topics: Record<string, string> = {
    tasks: uniqueName('carenet.tasks'),
    'care-plans': uniqueName('carenet.care-plans'),
  };
  const topicOf = (context: string) => topics[context] ?? context;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: Object.values(topics).map((topic) => ({ topic, numPartitions: 3 })) });
  await admin.disconnect();
  const relays: RunningRelay[] = [
    startRelay({
      store: tasks.store,
      kafka,
      relayId: uniqueName('tasks-relay'),
      categories: TASKS_CATEGORIES,
      topicOf,
      contracts,
      protection,
      pollIntervalMs: 20,
    }),
    startRelay({
      store: carePlans.store,
      kafka,
      relayId: uniqueName('care-plans-relay'),
      categories: CARE_PLANS_CATEGORIES,
      topicOf,
      contracts,
      protection,
      pollIntervalMs: 20,
    }),
  ];
  const suffix = uniqueName('g');
  const subscribers: Record<ConsumerName, EventSubscriber> = {
    tasks: carePlanActionsSubscriber({ store: tasks.store }),
    'care-plans': carePlans.subscribers[0]!,
  };
  const consumers = new Map<ConsumerName, RunningConsumer>();
  const startConsumer = async (consumer: ConsumerName) => {
    const subscriber = subscribers[consumer];
    const running = await startEventSubscriber(
      { ...subscriber, groupId: `${subscriber.groupId}.${suffix}` },
      { kind: 'kafka', kafka, topicOf },
      { db, contracts, protection },
    );
    await running.ready;
    consumers.set(consumer, running);
  };
  await startConsumer('tasks');
  await startConsumer('care-plans');

  const dataDir = mkdtempSync(join(tmpdir(), 'carenet-ppcs-'));
  const issuer = await openDevIssuer({ dataDir, mode: 'embedded' });
  const app = express();
  const http: Server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => http.once('listening', resolve));
  const address = http.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/fhir`;
  app.use(
    '/fhir',
    fhirRouter({
      providers: [tasks.provider, ...carePlans.providers],
      validator: createResourceValidator({ types: ['Task', 'CarePlan', 'CareTeam', 'Goal'] }),
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

  return Object.assign(platform, {
    base,
    db,
    tasks,
    carePlans,
    topics,
    async clientFor(actor: Actor) {
      const token = await issuer.issueToken({ actor, scopes: 'user/*.cruds' });
      return new Client({ baseUrl: base, customHeaders: { Authorization: `Bearer ${token}` } });
    },
    async stopConsumer(consumer: ConsumerName) {
      await consumers.get(consumer)?.stop();
      consumers.delete(consumer);
    },
    startConsumer,
    async close() {
      http.close();
      for (const consumer of consumers.values()) await consumer.stop();
      for (const relay of relays) await relay.stop();
      await tasks.stop();
      await carePlans.stop();
      await db.close();
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  });
}
