// The PPCS platform of the end-to-end tests (test/e2e/support/ppcs-platform.ts), composed the same
// way (tasks and care-plans services, one relay each with pollIntervalMs 20, each consumer its own
// Kafka group, one FHIR router with dev-issuer tokens, a pool of 20 on PostgreSQL), with what the
// activation benchmark needs besides: the relays' producers report each sendBatch, the tasks
// consumer's handler reports when it starts and ends, and a trivial PUT route on the same server.
import type { Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { createTokenVerifier, openDevIssuer, type Actor } from '@carenet/access';
import {
  CARE_PLANS_CATEGORIES,
  CARE_PLANS_SEARCH_SUPPORT,
  openCarePlansService,
  type CarePlansService,
} from '@carenet/care-plans';
import { loadContractRegistry } from '@carenet/contracts';
import { postgresDatabase, type Logger, type SqlDatabase } from '@carenet/eventsourcing';
import {
  createResourceValidator,
  fhirRouter,
  PostgresSearchStore,
  SearchParameterRegistry,
} from '@carenet/fhir';
import {
  startEventSubscriber,
  startRelay,
  type IncomingEvent,
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
import { createTestDatabase, uniqueName, type TestDatabase } from '@carenet/testing';
import type { BenchContext } from './benchmark.js';
import { instrumentedKafka, type SendObserver } from './instrumented-kafka.js';
import { createTopics, deleteTopics } from './kafka-topics.js';

/** Called once the tasks consumer's handler returned: when it was called and when it returned. */
export type HandlerObserver = (event: IncomingEvent, startedAt: number, endedAt: number) => void;

export interface PpcsBenchPlatform {
  /** `http://127.0.0.1:<port>/fhir`. */
  readonly base: string;
  /** A route on the same server that parses a JSON body and answers it back (the HTTP floor). */
  readonly echoUrl: string;
  readonly db: SqlDatabase;
  /** The consumers' and relays' warnings so far, by group (or relay) and message. */
  warnings(): Map<string, number>;
  tokenFor(actor: Actor): Promise<string>;
  close(): Promise<void>;
}

export interface PpcsBenchObservers {
  /** Every acknowledged sendBatch of both relays. */
  readonly sent: SendObserver;
  /** Every message the tasks consumer (plan → Tasks) handled. */
  readonly handled: HandlerObserver;
}

export async function startPpcsBenchPlatform(
  context: BenchContext,
  observers: PpcsBenchObservers,
): Promise<PpcsBenchPlatform> {
  const database: TestDatabase = await createTestDatabase('bench_ppcs');
  const db = postgresDatabase({ connectionString: database.url, max: 20, applicationName: 'carenet-bench' });
  const closers: (() => Promise<void>)[] = [
    async () => {
      await db.close();
      await database.drop();
    },
  ];
  const close = async () => {
    for (const closer of closers.splice(0).reverse()) await closer().catch(() => undefined);
  };
  try {
    const registry = SearchParameterRegistry.r4({
      supported: { ...TASKS_SEARCH_SUPPORT, ...CARE_PLANS_SEARCH_SUPPORT },
    });
    const search = await PostgresSearchStore.open(db);
    // The e2e platform's clock: the plans' dates are written for it.
    const clock = () => new Date('2026-05-20T08:00:00.000Z');
    const tasks: TasksService = await openTasksService({
      db,
      search,
      registry,
      clock,
      overdueIntervalMs: false,
    });
    closers.push(() => tasks.stop());
    const carePlans: CarePlansService = await openCarePlansService({
      db,
      search,
      registry,
      clock,
      reviewIntervalMs: false,
    });
    closers.push(() => carePlans.stop());
    const contracts = loadContractRegistry();
    // Warnings (a consumer's retries) are counted, not printed one by one; errors go through.
    const warnings = new Map<string, number>();
    const logger: Logger = {
      info: () => undefined,
      warn: (details, message) => {
        const { group, relay, err } = details as { group?: string; relay?: string; err?: { name?: string } };
        const key = `${group ?? relay ?? '?'}: ${message}${err?.name === undefined ? '' : ` (${err.name})`}`;
        warnings.set(key, (warnings.get(key) ?? 0) + 1);
      },
      error: (details, message) => {
        context.logger.error(details, message);
      },
    };

    const kafka = instrumentedKafka(context.kafka, observers.sent);
    const topics: Record<string, string> = {
      tasks: uniqueName('bench-ppcs.tasks'),
      'care-plans': uniqueName('bench-ppcs.care-plans'),
    };
    const topicOf = (name: string) => topics[name] ?? name;
    await createTopics(context.kafka, Object.values(topics));
    closers.push(() => deleteTopics(context.kafka, Object.values(topics)));
    const relays: RunningRelay[] = [
      startRelay({
        store: tasks.store,
        kafka,
        relayId: uniqueName('bench-tasks-relay'),
        categories: TASKS_CATEGORIES,
        topicOf,
        contracts,
        pollIntervalMs: 20,
        logger,
      }),
      startRelay({
        store: carePlans.store,
        kafka,
        relayId: uniqueName('bench-care-plans-relay'),
        categories: CARE_PLANS_CATEGORIES,
        topicOf,
        contracts,
        pollIntervalMs: 20,
        logger,
      }),
    ];
    closers.push(async () => {
      for (const relay of relays) await relay.stop();
    });
    const suffix = uniqueName('g');
    const planToTasks = carePlanActionsSubscriber({ store: tasks.store });
    const subscribers = [
      {
        ...planToTasks,
        async handler(
          event: IncomingEvent,
          tx: Parameters<typeof planToTasks.handler>[1],
          trace: Parameters<typeof planToTasks.handler>[2],
        ) {
          const startedAt = performance.now();
          await planToTasks.handler(event, tx, trace);
          observers.handled(event, startedAt, performance.now());
        },
      },
      carePlans.subscribers[0]!,
    ];
    const consumers: RunningConsumer[] = [];
    closers.push(async () => {
      for (const consumer of consumers) await consumer.stop();
    });
    for (const subscriber of subscribers) {
      const running = await startEventSubscriber(
        { ...subscriber, groupId: `${subscriber.groupId}.${suffix}` },
        { kind: 'kafka', kafka, topicOf },
        { db, contracts, logger },
      );
      consumers.push(running);
      await running.ready;
    }

    const dataDir = mkdtempSync(join(tmpdir(), 'carenet-bench-ppcs-'));
    closers.push(() => {
      rmSync(dataDir, { recursive: true, force: true });
      return Promise.resolve();
    });
    const issuer = await openDevIssuer({ dataDir, mode: 'embedded' });
    const app = express();
    app.put(
      '/echo',
      express.json({ type: ['application/json', 'application/fhir+json'], limit: '1mb' }),
      (req, res) => {
        res.type('application/fhir+json').send(JSON.stringify(req.body));
      },
    );
    const http: Server = app.listen(0, '127.0.0.1');
    closers.push(() => {
      http.close();
      http.closeAllConnections();
      return Promise.resolve();
    });
    await new Promise((resolve) => http.once('listening', resolve));
    const address = http.address();
    const origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    const base = `${origin}/fhir`;
    app.use(
      '/fhir',
      fhirRouter({
        providers: [tasks.provider, ...carePlans.providers],
        validator: createResourceValidator({ types: ['Task', 'CarePlan', 'CareTeam', 'Goal'] }),
        publicBaseUrl: base,
        logger: {
          error: (details) => {
            context.logger.error(details, 'ppcs activation: FHIR router error');
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
    return {
      base,
      echoUrl: `${origin}/echo`,
      db,
      warnings: () => new Map(warnings),
      tokenFor: (actor) => issuer.issueToken({ actor, scopes: 'user/*.cruds' }),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
