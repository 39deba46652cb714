// The Tasks service as a client sees it: HTTP, dev-issuer tokens, the FHIR router and validator,
// the decider, the event store with its inline read model and search index, on PostgreSQL, in a
// process of its own (tasks-service-child.ts); a mix of creates, status changes, reads and
// work-queue searches from 32 concurrent clients (in the benchmark process) over 100,000 stored
// Tasks, beside raw SQL and a trivial HTTP route on the same database and server.
import { mkdtempSync, rmSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDevIssuer } from '@carenet/access';
import { postgresDatabase, type SqlExecutor } from '@carenet/eventsourcing';
import { parseSearchRequest, PostgresSearchStore, SearchParameterRegistry } from '@carenet/fhir';
import { TASKS_SEARCH_SUPPORT } from '@carenet/tasks';
import { createTestDatabase } from '@carenet/testing';
import { Pool, type Dispatcher } from 'undici';
import type { Benchmark } from './benchmark.js';
import { atLeast, below, figureOf, type Figure, type Target } from './figure.js';
import { figureTable } from './figure-table.js';
import { latencyStats } from './latency-stats.js';
import { instrumentedDatabase, type QueryObserver } from './instrumented-database.js';
import { gcPausesLine } from './gc-pauses.js';
import { startMemorySampler, type MemoryPeak } from './memory-sampler.js';
import { phaseResult, type PhaseResult } from './phase-result.js';
import {
  delegation,
  FILL_CONCURRENCY,
  GP,
  IDNPS,
  nextStatus,
  NURSE_ACTORS,
  NURSES,
  nurseIdnps,
  pick,
  random,
  settle,
  type Task,
  type TaskPool,
} from './tasks-load-model.js';
import {
  startServiceProcess,
  type ProcessLoad,
  type ServicePhase,
  type ServiceProcess,
} from './tasks-service-process.js';

const BENCH = 'tasks-mixed-load';
/**
 * Connections of each service process's pool (`CARENET_BENCH_TASKS_POOL`, default 2); the
 * ceilings use as many. PostgreSQL shares the 2 cores with the service and the clients: the fewer
 * backends run at once, the less they preempt each other and the service (the sweep measures it).
 */
const POOL = poolSizeOf(process.env.CARENET_BENCH_TASKS_POOL);
/**
 * Service processes serving HTTP (`CARENET_BENCH_TASKS_PROCESSES`, default 2), each with its own
 * pool of POOL, the clients spread over them: the gateway with CARENET_HTTP_WORKERS=2 and
 * CARENET_PG_POOL_SIZE=2. The first one fills the store; the others start fresh after it. One
 * process runs its JavaScript on one core, and its event loop waited for that core behind
 * PostgreSQL's backends 40% of the time: two event loops keep one running while the other waits.
 */
const PROCESSES = wholeNumberOf('CARENET_BENCH_TASKS_PROCESSES', 2, 8);
/** The sweep: the same mixed load, shorter, on fresh service processes (processes, pool each). */
const SWEEP_CONFIGURATIONS: readonly (readonly [processes: number, pool: number])[] = [
  [1, 2],
  [1, 4],
  [1, 8],
  [1, 20],
  [2, 2],
  [2, 4],
  [PROCESSES, POOL],
];
const SWEEP = SWEEP_CONFIGURATIONS.filter(
  ([n, size], i) => SWEEP_CONFIGURATIONS.findIndex(([m, other]) => m === n && other === size) === i,
);

function poolSizeOf(text: string | undefined): number {
  if (text === undefined || text === '') return 2;
  const size = Number(text);
  if (!Number.isInteger(size) || size < 1 || size > 200)
    throw new Error(`CARENET_BENCH_TASKS_POOL=${text}: must be a whole number from 1 to 200`);
  return size;
}

function wholeNumberOf(name: string, fallback: number, max: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > max)
    throw new Error(`${name}=${text}: must be a whole number from 1 to ${max}`);
  return value;
}
/** HTTP clients of the mixed load, and loops of each ceiling. */
const CLIENTS = 32;
const QUEUE_STATUSES = 'requested,received,accepted';

/** The share of each interaction in the mix (cumulative thresholds are derived from it). */
const MIX = [
  ['create', 0.2],
  ['status change', 0.2],
  ['read', 0.3],
  ['work-queue search', 0.3],
] as const;
type Kind = (typeof MIX)[number][0];
const KINDS: readonly Kind[] = MIX.map(([kind]) => kind);

/** CPU and event-loop use of this (the clients') process while a phase runs. */
export function startProcessLoad(): { stop(): ProcessLoad } {
  const cpu = process.cpuUsage();
  const loop = performance.eventLoopUtilization();
  const started = performance.now();
  return {
    stop() {
      const used = process.cpuUsage(cpu);
      const seconds = (performance.now() - started) / 1000;
      return {
        cores: (used.user + used.system) / 1e6 / seconds,
        eventLoop: performance.eventLoopUtilization(loop).utilization,
      };
    },
  };
}

interface Measured {
  readonly result: PhaseResult;
  /** The clients' process. */
  readonly load: ProcessLoad;
}

/** `CLIENTS` loops running `operation` back to back for `seconds`; one latency per call. */
async function measure(
  seconds: number,
  operation: (next: () => number) => Promise<unknown>,
): Promise<Measured> {
  const memory = startMemorySampler();
  const load = startProcessLoad();
  const latencies: number[] = [];
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, loop) => {
      const next = random(500 + loop);
      while (performance.now() < deadline) {
        const opStarted = performance.now();
        await operation(next);
        latencies.push(performance.now() - opStarted);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  return { result: phaseResult(latencies.length, elapsed, latencies, memory.stop()), load: load.stop() };
}

/** What the mixed load did: latencies and response statuses per interaction. */
interface MixedLoad {
  readonly seconds: number;
  readonly requests: number;
  readonly latencies: Record<Kind, number[]>;
  /** `<kind> <status>` → count (status 0: the request failed before a response). */
  readonly responses: Map<string, number>;
  /** The clients' process. */
  readonly load: ProcessLoad;
}

/** The HTTP side of the load: a keep-alive connection per client to the service, and the tokens. */
interface Http {
  /**
   * undici's pools (far lighter than `fetch` on the clients' CPU, which the service shares): one
   * per service process, client `i` on pool `i % n`.
   */
  readonly clients: readonly Pool[];
  /** The FHIR base path on the service (`/fhir`). */
  readonly base: string;
  readonly gpToken: string;
  readonly nurseTokens: readonly string[];
}

/** An answer as the load needs it: status and headers (the body is read and dropped). */
export interface Answer {
  readonly status: number;
  header(name: string): string | null;
}

/** One request: its status and headers; drains the body (a client reads what it asked for). */
export async function send(
  client: Pool,
  path: string,
  method: Dispatcher.HttpMethod,
  headers: Record<string, string>,
  body?: string,
): Promise<Answer | undefined> {
  try {
    const response = await client.request({ path, method, headers, ...(body !== undefined && { body }) });
    await response.body.arrayBuffer();
    return {
      status: response.statusCode,
      header(name) {
        const value = response.headers[name.toLowerCase()];
        return (Array.isArray(value) ? value[0] : value) ?? null;
      },
    };
  } catch {
    return undefined;
  }
}

export const fhirHeaders = (token: string) => ({
  Authorization: `Bearer ${token}`,
  Accept: 'application/fhir+json',
});
export const versionOf = (etag: string | null) => Number(/"(\d+)"/.exec(etag ?? '')?.[1] ?? Number.NaN);
export const queueQuery = (nurse: number) =>
  new URLSearchParams({
    'owner:identifier': `${IDNPS}|${nurseIdnps(nurse)}`,
    status: QUEUE_STATUSES,
    _sort: '-priority,period',
    _count: '20',
  }).toString();

/** `CLIENTS` HTTP clients, each drawing its next interaction from MIX, back to back for `seconds`. */
async function mixedLoad(http: Http, pool: TaskPool, seconds: number): Promise<MixedLoad> {
  const latencies = Object.fromEntries(KINDS.map((k) => [k, [] as number[]])) as Record<Kind, number[]>;
  const responses = new Map<string, number>();
  const count = (kind: Kind, status: number) => {
    const key = `${kind} ${status}`;
    responses.set(key, (responses.get(key) ?? 0) + 1);
  };
  const now = Date.now();

  const interactionsOn = (
    client: Pool,
  ): Record<Kind, (next: () => number) => Promise<Answer | undefined>> => ({
    async create(next) {
      const nurse = Math.floor(next() * NURSES);
      const response = await send(
        client,
        `${http.base}/Task`,
        'POST',
        { ...fhirHeaders(http.gpToken), 'Content-Type': 'application/fhir+json' },
        JSON.stringify(delegation(next, nurse, now)),
      );
      const created = /\/Task\/([^/]+)\/_history\/(\d+)$/.exec(response?.header('location') ?? '');
      if (response?.status === 201 && created) {
        const [, id = '', version = ''] = created;
        pool.ids.push(id);
        pool.open[nurse]!.push({ id, version: Number(version), status: 'requested' });
      }
      return response;
    },
    async 'status change'(next) {
      let nurse = Math.floor(next() * NURSES);
      for (let tries = 0; pool.open[nurse]!.length === 0; tries += 1) {
        if (tries === NURSES) throw new Error('no open Task left to change');
        nurse = (nurse + 1) % NURSES;
      }
      const task = pick(next, pool.open[nurse]!);
      const to = nextStatus(task.status, next);
      const response = await send(
        client,
        `${http.base}/Task/${task.id}`,
        'PATCH',
        {
          ...fhirHeaders(http.nurseTokens[nurse]!),
          'Content-Type': 'application/json-patch+json',
          'If-Match': `W/"${task.version}"`,
        },
        JSON.stringify([{ op: 'replace', path: '/status', value: to }]),
      );
      if (response?.status === 200) {
        task.version = versionOf(response.header('etag'));
        task.status = to;
        settle(pool, nurse, task);
      }
      return response;
    },
    read(next) {
      const actor = Math.floor(next() * (NURSES + 1));
      const token = actor === NURSES ? http.gpToken : http.nurseTokens[actor]!;
      return send(client, `${http.base}/Task/${pick(next, pool.ids)}`, 'GET', fhirHeaders(token));
    },
    'work-queue search'(next) {
      const nurse = Math.floor(next() * NURSES);
      return send(
        client,
        `${http.base}/Task?${queueQuery(nurse)}`,
        'GET',
        fhirHeaders(http.nurseTokens[nurse]!),
      );
    },
  });

  const load = startProcessLoad();
  const started = performance.now();
  const deadline = started + seconds * 1000;
  let requests = 0;
  const byPool = http.clients.map(interactionsOn);
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, client) => {
      const next = random(100 + client);
      const interactions = byPool[client % byPool.length]!;
      while (performance.now() < deadline) {
        let draw = next();
        const kind = MIX.find(([, share]) => (draw -= share) < 0)?.[0] ?? 'read';
        const opStarted = performance.now();
        const response = await interactions[kind](next);
        latencies[kind].push(performance.now() - opStarted);
        count(kind, response?.status ?? 0);
        requests += 1;
      }
    }),
  );
  return {
    seconds: (performance.now() - started) / 1000,
    requests,
    latencies,
    responses,
    load: load.stop(),
  };
}

/** One line of the sweep: throughput and p99 per interaction. */
function sweepLine(processes: number, size: number, load: MixedLoad): string {
  const p99 = (kind: Kind) => latencyStats(load.latencies[kind]).p99.toFixed(1);
  return (
    `${processes} process${processes === 1 ? ' ' : 'es'} x pool of ${String(size).padStart(2)}: ` +
    `${Math.round(load.requests / load.seconds)} req/s; p99 ` +
    KINDS.map((kind) => `${kind} ${p99(kind)} ms`).join(', ')
  );
}

/** A page of the work queue by hand: `owner:identifier` on reference_index, 20 rows, Bundle JSON. */
export async function rawOwnerSearch(sql: SqlExecutor, owner: string): Promise<string> {
  const rows = await sql.query<{ content: Task }>(
    `SELECT r.content FROM fhir.resources r
      WHERE r.resource_type = 'Task' AND r.id IN (
        SELECT x.id FROM fhir.reference_index x
         WHERE x.resource_type = 'Task' AND x.param = 'owner' AND x.identifier_value = $1 AND x.identifier_system = $2)
      ORDER BY r.id LIMIT 21`,
    [owner, IDNPS],
  );
  return JSON.stringify({
    resourceType: 'Bundle',
    type: 'searchset',
    entry: rows.slice(0, 20).map((r) => ({ fullUrl: `Task/${r.content.id ?? ''}`, resource: r.content })),
  });
}

const percent = (part: number, whole: number) => (whole === 0 ? 0 : (100 * part) / whole);

/** 100,000 Tasks behind HTTP, a mix of 4 interactions from 32 clients, beside raw SQL and bare HTTP. */
export const tasksMixedLoad: Benchmark = {
  name: BENCH,
  title: `Tasks service over HTTP in its own process, mixed load (create, status change, read, work queue; ${CLIENTS} clients)`,
  async run(context) {
    const total = context.quick ? 10_000 : 100_000;
    const seconds = context.quick ? 10 : 30;
    const ceilingSeconds = context.quick ? 3 : 10;
    const sweepSeconds = context.quick ? 3 : 10;
    const sweepWarmUp = context.quick ? 1 : 5;
    const database = await createTestDatabase('bench_tasks_mixed');
    const dataDir = mkdtempSync(join(tmpdir(), 'carenet-bench-tasks-'));
    // The benchmark's own pool: the raw SQL ceilings and the EXPLAIN, as many connections as the service.
    const db = postgresDatabase({
      connectionString: database.url,
      max: POOL,
      applicationName: 'carenet-bench',
    });
    const services: ServiceProcess[] = [];
    const clients: Pool[] = [];
    try {
      // The dev issuer's keys first (the service process reads the same directory).
      const issuer = await openDevIssuer({ dataDir, mode: 'embedded' });
      /** A service process on the benchmark's database with a pool of `pool` connections. */
      const startService = (pool: number) =>
        startServiceProcess({
          databaseUrl: database.url,
          dataDir,
          pool,
          progress: (line) => {
            context.progress(line);
          },
        });
      // The first process fills the store; the others start after, fresh.
      const service = await startService(POOL);
      services.push(service);
      const { origin } = service;
      const base = `${origin}/fhir`;
      await Promise.all(Array.from({ length: POOL }, () => db.query('SELECT 1')));

      context.progress(
        `tasks mixed load: filling ${total.toLocaleString('en-US')} Tasks through provider.create/update in the service process, ${FILL_CONCURRENCY} at once`,
      );
      const filled = await service.call('fill', total);
      const { pool } = filled;
      await service.call('vacuum');
      const fillRate = total / filled.seconds;
      context.progress(
        `tasks mixed load: filled in ${filled.seconds.toFixed(1)} s (${Math.round(fillRate)} Tasks/s, ${Math.round(filled.commands / filled.seconds)} commands/s), vacuumed, checkpointed`,
      );

      const scopes = 'user/*.cruds';
      for (let i = 1; i < PROCESSES; i++) services.push(await startService(POOL));
      clients.push(
        ...services.map((s) => new Pool(s.origin, { connections: Math.ceil(CLIENTS / PROCESSES) })),
      );
      const tokens: Http = {
        clients,
        base: '/fhir',
        gpToken: await issuer.issueToken({ actor: GP, scopes }),
        nurseTokens: await Promise.all(NURSE_ACTORS.map((actor) => issuer.issueToken({ actor, scopes }))),
      };
      /** The same mixed load on a fresh service process with a pool of `size` (after a warm-up). */
      const mixedLoadOn = async (size: number, duration: number, processes = 1): Promise<MixedLoad> => {
        const others = await Promise.all(Array.from({ length: processes }, () => startService(size)));
        const otherClients = others.map(
          (o) => new Pool(o.origin, { connections: Math.ceil(CLIENTS / processes) }),
        );
        try {
          const otherHttp = { ...tokens, clients: otherClients };
          await mixedLoad(otherHttp, pool, sweepWarmUp);
          return await mixedLoad(otherHttp, pool, duration);
        } finally {
          await Promise.all(otherClients.map((c) => c.close().catch(() => undefined)));
          await Promise.all(others.map((o) => o.close().catch(() => undefined)));
        }
      };
      // Every interaction answers before the clock starts (a work queue matching nothing would
      // measure an empty page); it also warms the validator, the verifier and the connections.
      const probe = await fetch(`${base}/Task?${queueQuery(0)}`, {
        headers: fhirHeaders(tokens.nurseTokens[0]!),
      });
      const page = (await probe.json()) as { entry?: unknown[] };
      if (probe.status !== 200 || (page.entry?.length ?? 0) === 0)
        throw new Error(`work queue of nurse 0: ${probe.status}, ${page.entry?.length ?? 0} entries`);
      // A fresh process needs its code compiled hot, as the one that filled the store has.
      await mixedLoad(tokens, pool, PROCESSES > 1 ? sweepWarmUp : 1);

      // This machine may run other work at the same time: its load average says how busy it was.
      const machineLoad = loadavg()[0] ?? Number.NaN;
      context.progress(`tasks mixed load: mixed load, ${CLIENTS} HTTP clients for ${seconds} s`);
      // The first process is profiled (statements, CPU); every process measures its load and memory.
      await Promise.all(services.map((s, i) => s.call('phaseStart', i === 0)));
      const load = await mixedLoad(tokens, pool, seconds);
      const serviceLoads = await Promise.all(services.map((s) => s.call('phaseStop')));
      const serviceLoad = serviceLoads[0]!;
      if (serviceLoad.cpuProfile !== undefined) {
        context.progress(`tasks mixed load: CPU profile of the service ${serviceLoad.cpuProfile}`);
      }

      const phase = async (label: string, operation: (next: () => number) => Promise<unknown>) => {
        context.progress(`tasks mixed load: ceiling, ${label}, ${CLIENTS} loops for ${ceilingSeconds} s`);
        return measure(ceilingSeconds, operation);
      };
      await Promise.all(services.map((s) => s.call('phaseStart', false)));
      const httpCeiling = await phase('trivial express GET on the service process', async (next) => {
        const response = await send(clients[0]!, '/ping', 'GET', fhirHeaders(pick(next, tokens.nurseTokens)));
        if (response?.status !== 200) throw new Error(`trivial GET: ${response?.status ?? 'no answer'}`);
      });
      const serviceIdles = await Promise.all(services.map((s) => s.call('phaseStop')));
      const readCeiling = await phase(
        'raw SELECT state FROM tasks.task_state + JSON.stringify',
        async (next) => {
          const rows = await db.query<{ state: unknown }>(
            'SELECT state FROM tasks.task_state WHERE task_id = $1',
            [pick(next, pool.ids)],
          );
          if (rows[0] === undefined) throw new Error('raw read: not found');
          return JSON.stringify(rows[0].state);
        },
      );
      const searchCeiling = await phase('raw SQL owner identifier on reference_index', (next) =>
        rawOwnerSearch(db, nurseIdnps(Math.floor(next() * NURSES))),
      );
      await db.query('CREATE TABLE bench_raw_writes (id text COLLATE "C" PRIMARY KEY, body jsonb NOT NULL)');
      const writeCeiling = await phase('raw single-row INSERT into a plain table', (next) =>
        db.query('INSERT INTO bench_raw_writes (id, body) VALUES ($1, $2)', [
          randomUUID(),
          JSON.stringify(delegation(next, Math.floor(next() * NURSES), Date.now())),
        ]),
      );

      const sweep: { processes: number; size: number; load: MixedLoad }[] = [];
      for (const [processes, size] of SWEEP) {
        context.progress(
          `tasks mixed load: sweep, ${processes} fresh service process(es) with a pool of ${size} each, ${CLIENTS} HTTP clients for ${sweepSeconds} s`,
        );
        // From the same steady state as the measure above: what the previous load left vacuumed,
        // its WAL checkpointed (autovacuum and a checkpoint would otherwise fall in the next phase).
        await service.call('vacuum');
        sweep.push({ processes, size, load: await mixedLoadOn(size, sweepSeconds, processes) });
      }

      const plan = await workQueuePlan(db);
      const figures = mixedFigures(load, summedPhase(serviceLoads), summedPhase(serviceIdles), {
        httpCeiling,
        readCeiling,
        searchCeiling,
        writeCeiling,
      });
      figures.push({
        benchmark: BENCH,
        name: 'fill (provider.create + status updates)',
        unit: 'Tasks/s',
        value: fillRate,
        ceiling: Number.NaN,
        higherIsBetter: true,
      });

      const kindLine = (kind: Kind) => {
        const n = load.latencies[kind].length;
        return `${kind} ${n.toLocaleString('en-US')} (${Math.round(n / load.seconds)}/s)`;
      };
      const loadLine = (what: string, l: ProcessLoad, phaseSeconds: number) =>
        `${what}: ${l.cores.toFixed(2)} cores, event loop ${Math.round(l.eventLoop * 100)}% busy` +
        (l.gc === undefined ? '' : `; ${gcPausesLine(l.gc, phaseSeconds)}`);
      const statusMix = Object.entries(filled.statuses).map(
        ([s, n]) => `${s} ${percent(n, total).toFixed(0)}%`,
      );
      const codes = [...load.responses.entries()]
        .filter(([key]) => !/ 20[01]$/.test(key))
        .map(([key, n]) => `${key}: ${n}`);
      context.report([
        `Tasks mixed load: ${total.toLocaleString('en-US')} Tasks stored (${statusMix.join(', ')}), ` +
          `${CLIENTS} HTTP clients for ${seconds} s, ${PROCESSES} service process${PROCESSES === 1 ? '' : 'es'} with a pool of ${POOL} each; ceilings ${ceilingSeconds} s each at the same concurrency`,
        `fill: ${Math.round(fillRate)} Tasks/s, ${Math.round(filled.commands / filled.seconds)} commands/s ` +
          `(provider.create and update in the service process, ${FILL_CONCURRENCY} at once; then VACUUM (ANALYZE), CHECKPOINT)`,
        `mix: ${load.requests.toLocaleString('en-US')} requests; ${KINDS.map(kindLine).join(', ')}`,
        `non-2xx: ${codes.length === 0 ? 'none' : codes.join(', ')}`,
        `HTTP floor (trivial GET, same server): ${Math.round(httpCeiling.result.throughput)} req/s, ` +
          `p50 ${httpCeiling.result.latency.p50.toFixed(2)} ms, p99 ${httpCeiling.result.latency.p99.toFixed(2)} ms`,
        ...serviceLoads.map((l, i) =>
          loadLine(`service process ${i + 1} of ${PROCESSES} during the mixed load`, l.load, load.seconds),
        ),
        loadLine('the clients (benchmark process) during the mixed load', load.load, load.seconds),
        loadLine(
          'service process 1 during the trivial GET (it alone serves it)',
          serviceIdles[0]!.load,
          ceilingSeconds,
        ),
        `machine load average (1 min) when the mixed load started: ${machineLoad.toFixed(2)} on 2 cores`,
        'latency = request to body read (undici), measured by the clients; service in process(es) of its own (pid ' +
          `${services.map((s) => s.pid).join(', ')}); memory: the processes' peaks added up; ceilings: raw SQL on a pool of ${POOL} in the benchmark process`,
        ...figureTable(figures, { withBenchmark: false }),
        '',
        `sweep: the same mix from ${CLIENTS} clients, ${sweepSeconds} s on fresh service processes per line ` +
          `each after VACUUM (ANALYZE), CHECKPOINT and ${sweepWarmUp} s of warm-up (shorter and colder than the measure above: compare the lines with each other)`,
        ...sweep.map(({ processes, size, load: l }) => `    ${sweepLine(processes, size, l)}`),
        '',
        `where the time goes: the SQL of service process 1 during the mixed load (top 10 by total time; in flight = statements waiting for a pooled connection or running, on average)`,
        ...serviceLoad.sql.map((l) => `    ${l}`),
        '',
        `where the time goes: EXPLAIN (ANALYZE, BUFFERS) of the work queue of nurse 7, as the search store sends it`,
        ...plan,
      ]);
      return figures;
    } finally {
      await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
      await Promise.all(services.map((s) => s.close().catch(() => undefined)));
      await db.close().catch(() => undefined);
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
};

/** The work queue as the generic search store sends it, and its EXPLAIN (ANALYZE, BUFFERS). */
async function workQueuePlan(db: Parameters<typeof instrumentedDatabase>[0]): Promise<string[]> {
  const captured: { text: string; params: readonly unknown[] }[] = [];
  const capture: QueryObserver = (text, params) => {
    if (text.includes('SELECT page.id')) captured.push({ text, params: params ?? [] });
  };
  const registry = SearchParameterRegistry.r4({ supported: { ...TASKS_SEARCH_SUPPORT } });
  const search = await PostgresSearchStore.open(instrumentedDatabase(db, capture));
  const parsed = parseSearchRequest('Task', new URLSearchParams(queueQuery(7)), {
    registry,
    now: new Date(),
  });
  if (!parsed.ok) throw new Error(parsed.errors.map((e) => e.message).join('; '));
  await search.search(parsed.request);
  const statement = captured[0];
  if (statement === undefined) return [];
  const rows = await db.query<{ 'QUERY PLAN': string }>(
    `EXPLAIN (ANALYZE, BUFFERS) ${statement.text}`,
    statement.params,
  );
  return rows.map((row) => `    ${row['QUERY PLAN'].slice(0, 150)}`);
}

interface Ceilings {
  readonly httpCeiling: Measured;
  readonly readCeiling: Measured;
  readonly searchCeiling: Measured;
  readonly writeCeiling: Measured;
}

/** The phases of several service processes as one: CPU and memory added up (the load of the first). */
function summedPhase(phases: readonly ServicePhase[]): ServicePhase {
  const [first] = phases;
  if (first === undefined) throw new Error('no service process');
  const sum = (of: (p: ServicePhase) => number) => phases.reduce((total, p) => total + of(p), 0);
  return {
    ...first,
    memory: { rssMb: sum((p) => p.memory.rssMb), heapUsedMb: sum((p) => p.memory.heapUsedMb) },
    load: { ...first.load, cores: sum((p) => p.load.cores) },
  };
}

/** The table: overall throughput, p50/p99 per interaction, error rates, the service's memory. */
function mixedFigures(
  load: MixedLoad,
  service: ServicePhase,
  serviceIdle: ServicePhase,
  ceilings: Ceilings,
): Figure[] {
  const overall = phaseResult(load.requests, load.seconds, [], service.memory);
  const figures: Figure[] = [
    figureOf(BENCH, overall, ceilings.httpCeiling.result)(
      'overall throughput (ceiling: trivial GET)',
      'req/s',
      (r) => r.throughput,
      true,
      atLeast(1_000, 'req/s'),
    ),
  ];
  const perKind: Record<Kind, { ceiling: Measured; ceilingName: string; p99: Target }> = {
    create: { ceiling: ceilings.writeCeiling, ceilingName: 'raw INSERT', p99: below(100, 'ms') },
    'status change': { ceiling: ceilings.writeCeiling, ceilingName: 'raw INSERT', p99: below(100, 'ms') },
    read: { ceiling: ceilings.readCeiling, ceilingName: 'raw SELECT state', p99: below(50, 'ms') },
    'work-queue search': {
      ceiling: ceilings.searchCeiling,
      ceilingName: 'raw reference_index SQL',
      p99: below(50, 'ms'),
    },
  };
  for (const kind of KINDS) {
    const { ceiling, ceilingName, p99 } = perKind[kind];
    const latencies = load.latencies[kind];
    const product = phaseResult(latencies.length, load.seconds, latencies, service.memory);
    const figure = figureOf(BENCH, product, ceiling.result);
    figures.push(
      figure(`${kind} p50 (ceiling: ${ceilingName})`, 'ms', (r) => r.latency.p50, false),
      figure(`${kind} p99`, 'ms', (r) => r.latency.p99, false, p99),
    );
  }
  const failed = [...load.responses.entries()].filter(([key]) => !/ 20[01]$/.test(key));
  const races = failed
    .filter(([key]) => /^status change 4(12|22)$/.test(key))
    .reduce((sum, [, n]) => sum + n, 0);
  const byStatus = new Map<string, number>();
  for (const [key, n] of failed) {
    const status = key.slice(key.lastIndexOf(' ') + 1);
    byStatus.set(status, (byStatus.get(status) ?? 0) + n);
  }
  const rate = (name: string, part: number, whole: number): Figure => ({
    benchmark: BENCH,
    name,
    unit: '%',
    value: percent(part, whole),
    ceiling: Number.NaN,
    higherIsBetter: false,
  });
  figures.push(rate('status change 412/422 (If-Match races)', races, load.latencies['status change'].length));
  if (byStatus.size === 0) figures.push(rate('non-2xx (all requests)', 0, load.requests));
  for (const [status, n] of [...byStatus.entries()].sort()) {
    figures.push(rate(`non-2xx ${status === '0' ? 'no response' : status} (all requests)`, n, load.requests));
  }
  for (const [name, of] of [
    ['service processes peak RSS, added up (ceiling: serving the trivial GET)', (m: MemoryPeak) => m.rssMb],
    ['service processes peak heap used, added up', (m: MemoryPeak) => m.heapUsedMb],
  ] as const) {
    figures.push({
      benchmark: BENCH,
      name,
      unit: 'MiB',
      value: of(service.memory),
      ceiling: of(serviceIdle.memory),
      higherIsBetter: false,
    });
  }
  return figures;
}
