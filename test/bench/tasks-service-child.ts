// The service process of the Tasks mixed load (forked by tasks-service-process.ts): the Tasks
// service on PostgreSQL behind express, the FHIR router, the validator and dev-issuer tokens, as
// the gateway composes it; every statement timed for the benchmark's "where the time goes". With
// CARENET_BENCH_ACCESS=1, the access decision on as the embedded gateway wires it (issue 18): each
// resource's patient in the search store, the Tasks' care relations as access facts in the append,
// the facts access gate on every read and search, and the audit of every access (AccessRecorded
// events appended before each answer, as the embedded gateway's router records them).
import express from 'express';
import {
  createTokenVerifier,
  eventStoreAccessAudit,
  factsAccessGate,
  openDevIssuer,
  patientKeyOfResource,
  PostgresAccessFacts,
} from '@carenet/access';
import { postgresDatabase } from '@carenet/eventsourcing';
import {
  createResourceValidator,
  fhirRouter,
  PostgresSearchStore,
  SearchParameterRegistry,
} from '@carenet/fhir';
import { openTasksService, TASKS_SEARCH_SUPPORT } from '@carenet/tasks';
import { startCpuProfile, type CpuProfile } from './cpu-profile.js';
import { recordGcPauses, type GcPauseRecorder } from './gc-pauses.js';
import { instrumentedDatabase } from './instrumented-database.js';
import { startMemorySampler, type MemorySampler } from './memory-sampler.js';
import { statementProfile } from './statement-profile.js';
import { fill } from './tasks-load-model.js';
import type { ProcessLoad, ServiceCalls, ServiceMessage, ServiceRequest } from './tasks-service-process.js';

const send = (message: ServiceMessage) => process.send?.(message);
const env = (name: string): string => {
  const value = process.env[name];
  if (value === undefined || value === '')
    throw new Error(`${name} is not set (forked by tasks-service-process.ts)`);
  return value;
};

// The benchmark process gone (crashed, interrupted): nothing left to serve.
process.on('disconnect', () => process.exit(0));

const db = postgresDatabase({
  connectionString: env('CARENET_BENCH_DATABASE_URL'),
  max: Number(env('CARENET_BENCH_POOL')),
  applicationName: 'carenet-bench-service',
});
await Promise.all(Array.from({ length: Number(env('CARENET_BENCH_POOL')) }, () => db.query('SELECT 1')));
const profile = statementProfile();
const observed = instrumentedDatabase(db, profile.observer);
const registry = SearchParameterRegistry.r4({ supported: { ...TASKS_SEARCH_SUPPORT } });
/** The schema of the access facts, as the embedded gateway's (ACCESS_FACTS_SCHEMA). */
const accessFacts = process.env.CARENET_BENCH_ACCESS === '1' ? new PostgresAccessFacts('access') : undefined;
const search = await PostgresSearchStore.open(
  observed,
  accessFacts === undefined ? {} : { patientKeyOf: patientKeyOfResource },
);
const tasks = await openTasksService({
  db: observed,
  search,
  registry,
  overdueIntervalMs: false,
  ...(accessFacts !== undefined && { accessFacts }),
});
const issuer = await openDevIssuer({ dataDir: env('CARENET_BENCH_DATA_DIR'), mode: 'embedded' });

const app = express();
// As the gateway's app (packages/runtime/src/http/app.ts): the FHIR router sets its own ETags.
app.disable('x-powered-by');
app.set('etag', false);
// The HTTP ceiling: a route that does nothing, on the same server and connections.
app.get('/ping', (_req, res) => {
  res.json({ ok: true });
});
const server = app.listen(0, '127.0.0.1');
await new Promise((resolve) => server.once('listening', resolve));
const address = server.address();
const origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
app.use(
  '/fhir',
  fhirRouter({
    providers: [tasks.provider],
    validator: createResourceValidator({ types: ['Task'] }),
    publicBaseUrl: `${origin}/fhir`,
    logger: {
      error: (details) => {
        console.error('tasks mixed load: FHIR router error', details);
      },
    },
    search: { registry },
    authenticator: createTokenVerifier({
      keys: issuer.keys,
      issuer: issuer.issuer,
      audience: issuer.audience,
    }),
    ...(accessFacts !== undefined && {
      access: factsAccessGate({ db: observed, facts: accessFacts }),
      // As the embedded gateway: every access to patient data recorded before the answer.
      audit: eventStoreAccessAudit({ store: tasks.store, serviceOf: () => 'tasks' }),
    }),
  }),
);

/** The phase being measured. */
let phase:
  | {
      readonly memory: MemorySampler;
      readonly gc: GcPauseRecorder;
      readonly cpu: NodeJS.CpuUsage;
      readonly loop: ReturnType<typeof performance.eventLoopUtilization>;
      readonly started: number;
      readonly profiled: boolean;
      readonly cpuProfile: CpuProfile | undefined;
    }
  | undefined;

const calls: {
  [M in keyof ServiceCalls]: (...args: Parameters<ServiceCalls[M]>) => Promise<ReturnType<ServiceCalls[M]>>;
} = {
  fill: (total) => fill(tasks, total, (line) => send({ kind: 'progress', line })),
  async vacuum() {
    // The steady state of a live server, where autovacuum has visited the freshly filled tables
    // and the checkpoint after the bulk load is done (not left to fall in the measured phase).
    await db.query('VACUUM (ANALYZE)');
    await db.query('CHECKPOINT');
    return null;
  },
  async phaseStart(profiled) {
    if (profiled) profile.on();
    phase = {
      memory: startMemorySampler(),
      gc: recordGcPauses(),
      cpu: process.cpuUsage(),
      loop: performance.eventLoopUtilization(),
      started: performance.now(),
      profiled,
      cpuProfile: profiled ? await startCpuProfile('tasks-mixed-load-service') : undefined,
    };
    return null;
  },
  async phaseStop() {
    if (phase === undefined) throw new Error('no phase started');
    const { memory, gc, cpu, loop, started, profiled, cpuProfile } = phase;
    phase = undefined;
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    const load: ProcessLoad = {
      cores: (used.user + used.system) / 1e6 / seconds,
      eventLoop: performance.eventLoopUtilization(loop).utilization,
      gc: gc.stop(),
    };
    profile.off();
    const cpuProfilePath = await cpuProfile?.stop();
    return {
      memory: memory.stop(),
      load,
      sql: profiled ? profile.lines(10, seconds) : [],
      ...(cpuProfilePath !== undefined && { cpuProfile: cpuProfilePath }),
    };
  },
  async stop() {
    server.close();
    server.closeAllConnections();
    await tasks.stop();
    await db.close();
    setImmediate(() => process.exit(0));
    return null;
  },
};

process.on('message', (request: ServiceRequest) => {
  const run = calls[request.method] as (...args: unknown[]) => Promise<unknown>;
  run(...request.args).then(
    (value) => send({ kind: 'reply', id: request.id, value }),
    (error: unknown) =>
      send({
        kind: 'reply',
        id: request.id,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      }),
  );
});
send({ kind: 'ready', origin });
