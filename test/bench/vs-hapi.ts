// `pnpm bench vs-hapi` (issue 21): carenet's gateway process beside HAPI FHIR JPA 8.8.0, on one
// PostgreSQL cluster (a database each), the same seeded Tasks, the same bodies, the same load
// generator (16 connections), alternating servers round by round. Prints req/s, p50/p99 and CPU per
// request (the server's process tree and the PostgreSQL cluster apart) and the ratios.
import { loadavg } from 'node:os';
import { postgresDatabase } from '@carenet/eventsourcing';
import { createTestDatabase, devToken, startGatewayProcess, type RunningGateway } from '@carenet/testing';
import type { BenchContext, Benchmark } from './benchmark.js';
import type { Figure } from './figure.js';
import { startHapiServer, type HapiServer } from './hapi-server.js';
import { quantile, runLoad, type LoadRequest, type LoadResult } from './http-load.js';
import { postgresClusterCpuSeconds, postmasterOf } from './postgres-backend-cpu.js';
import { processTreeCpuSeconds } from './process-tree-cpu.js';
import { delegation, IDNPS, INS, nurseIdnps, patientIns, random, type Task } from './tasks-load-model.js';

/** The GP of tasks-load-model.ts, who requests every Task. */
const GP_IDNPS = '810100000001';
const NAME = 'vs-hapi';
const CONNECTIONS = 16;
/** Owners of the seeded Tasks (a dev token each on the carenet side). */
const NURSES = 20;
/**
 * The Tasks' dates are drawn around this instant: 10 days ahead, so that no Task's period has
 * ended during the run (carenet's clock would append an overdue event to it, and the version the
 * load holds for its update would be stale; HAPI has no such clock).
 */
const NOW = Date.now() + 10 * 86_400_000;
const BENCH_IDENTIFIER = 'urn:carenet:bench:task';

const envNumber = (name: string, fallback: number): number => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name}: not a number (${raw})`);
  return value;
};

/** The sizes: CARENET_BENCH_VS_HAPI_{TASKS,ROUNDS,SECONDS,WARMUP} override the defaults. */
function settings(quick: boolean) {
  return {
    tasks: envNumber('CARENET_BENCH_VS_HAPI_TASKS', quick ? 10_000 : 100_000),
    rounds: envNumber('CARENET_BENCH_VS_HAPI_ROUNDS', quick ? 2 : 6),
    seconds: envNumber('CARENET_BENCH_VS_HAPI_SECONDS', quick ? 5 : 30),
    /** JIT warm-up of each server (every interaction in turn) before the first round. */
    warmup: envNumber('CARENET_BENCH_VS_HAPI_WARMUP', quick ? 30 : 180),
  };
}

type Interaction = 'create' | 'read' | 'work-queue' | 'patient-search' | 'update' | 'conditional-create';
const INTERACTIONS: readonly Interaction[] = [
  'create',
  'read',
  'work-queue',
  'patient-search',
  'update',
  'conditional-create',
];
const TITLES: Record<Interaction, string> = {
  create: 'create (POST Task)',
  read: 'read by id',
  'work-queue': 'work queue (owner + status, _count=20)',
  'patient-search': 'search by patient (_count=20)',
  update: 'update (PUT, status change)',
  'conditional-create': 'conditional create (If-None-Exist, new)',
};

interface SeededTask {
  readonly id: string;
  version: string;
  status: Task['status'];
  readonly body: Task;
  readonly nurse: number;
}

/** One server under load: how to reach it and how it names what it does not share. */
interface Side {
  readonly name: 'carenet' | 'HAPI';
  readonly origin: string;
  /** `/fhir`. */
  readonly fhirPath: string;
  /** carenet: a bearer token of the GP (undefined) or of nurse n; HAPI: none. */
  headers(nurse?: number): Record<string, string>;
  /** The work queue's owner criterion and the patient criterion, as each server spells them. */
  readonly ownerParam: string;
  readonly patientParam: string;
  readonly pid: () => number;
  /** Throws, with the end of its output, when the server process has exited. */
  alive(): void;
  readonly tasks: SeededTask[];
  /** Open Tasks the update phase moves on (one request at a time per Task). */
  readonly open: SeededTask[];
  created: number;
}

const json = { 'content-type': 'application/fhir+json', accept: 'application/fhir+json' };

const STEP: Partial<Record<Task['status'], Task['status']>> = {
  requested: 'accepted',
  accepted: 'in-progress',
  'in-progress': 'completed',
};

function requestOf(
  side: Side,
  interaction: Interaction,
  next: () => number,
  now: number,
  patients: number,
): LoadRequest | undefined {
  const base = side.fhirPath;
  switch (interaction) {
    case 'create': {
      const nurse = Math.floor(next() * NURSES);
      return {
        method: 'POST',
        path: `${base}/Task`,
        headers: { ...json, ...side.headers() },
        body: JSON.stringify(delegation(next, nurse, now, patients)),
      };
    }
    case 'conditional-create': {
      const nurse = Math.floor(next() * NURSES);
      side.created += 1;
      const value = `cc-${side.created}`;
      const body = {
        ...delegation(next, nurse, now, patients),
        identifier: [{ system: BENCH_IDENTIFIER, value }],
      };
      return {
        method: 'POST',
        path: `${base}/Task`,
        headers: { ...json, ...side.headers(), 'if-none-exist': `identifier=${BENCH_IDENTIFIER}|${value}` },
        body: JSON.stringify(body),
      };
    }
    case 'read': {
      const task = side.tasks[Math.floor(next() * side.tasks.length)]!;
      return {
        method: 'GET',
        path: `${base}/Task/${task.id}`,
        headers: { accept: json.accept, ...side.headers() },
      };
    }
    case 'work-queue': {
      const nurse = Math.floor(next() * NURSES);
      const owner = encodeURIComponent(`${IDNPS}|${nurseIdnps(nurse)}`);
      return {
        method: 'GET',
        path: `${base}/Task?${side.ownerParam}=${owner}&status=requested&_count=20`,
        headers: { accept: json.accept, ...side.headers(nurse) },
      };
    }
    case 'patient-search': {
      const patient = encodeURIComponent(`${INS}|${patientIns(Math.floor(next() * patients))}`);
      return {
        method: 'GET',
        path: `${base}/Task?${side.patientParam}=${patient}&_count=20`,
        headers: { accept: json.accept, ...side.headers() },
      };
    }
    case 'update': {
      const task = side.open.shift();
      if (task === undefined) return undefined;
      const status = STEP[task.status] ?? 'completed';
      return {
        method: 'PUT',
        path: `${base}/Task/${task.id}`,
        headers: { ...json, ...side.headers(task.nurse), 'if-match': `W/"${task.version}"` },
        body: JSON.stringify({ ...task.body, id: task.id, status }),
        parse: true,
        done(code, answer, etag) {
          if (code === 200) {
            task.status = status;
            // The new version: the ETag (W/"n") of the answer, else its meta.versionId.
            task.version =
              /^W\/"(.+)"$/.exec(etag ?? '')?.[1] ??
              (answer as { meta?: { versionId?: string } } | undefined)?.meta?.versionId ??
              task.version;
          }
          // A refused change (412: a version this load did not see) leaves the pool: retried with
          // the same version it would fail again and again.
          if (code === 200 && STEP[task.status] !== undefined) side.open.push(task);
        },
      };
    }
  }
}

/** Seeds `total` Tasks through the server's own POST, the same bodies on both sides. */
async function seed(
  side: Side,
  total: number,
  patients: number,
  progress: (line: string) => void,
): Promise<number> {
  const next = random(21);
  const now = NOW;
  let sent = 0;
  const started = performance.now();
  let reported = 0;
  const result = await runLoad(side.origin, CONNECTIONS, 24 * 3600, () => {
    if (sent >= total) return undefined;
    sent += 1;
    const nurse = Math.floor(next() * NURSES);
    const body = delegation(next, nurse, now, patients);
    return {
      method: 'POST',
      path: `${side.fhirPath}/Task`,
      headers: { ...json, ...side.headers() },
      body: JSON.stringify(body),
      parse: true,
      done(code, answer) {
        const stored = answer as { id?: string; meta?: { versionId?: string } } | undefined;
        if (code !== 201 || stored?.id === undefined) return;
        const task: SeededTask = {
          id: stored.id,
          version: stored.meta?.versionId ?? '1',
          status: 'requested',
          body,
          nurse,
        };
        side.tasks.push(task);
        side.open.push(task);
        if (side.tasks.length - reported >= total / 5) {
          reported = side.tasks.length;
          progress(
            `${NAME}: ${side.name} seeded ${reported.toLocaleString('en-US')} Tasks (${Math.round(reported / ((performance.now() - started) / 1000))}/s)`,
          );
        }
      },
    };
  });
  side.alive();
  if (side.tasks.length < total * 0.99)
    throw new Error(
      `${side.name}: only ${side.tasks.length} of ${total} Tasks seeded: ${result.failureSamples.join('; ')}`,
    );
  return (performance.now() - started) / 1000;
}

interface Measure {
  readonly result: LoadResult;
  readonly serverCpu: number;
  readonly postgresCpu: number;
  readonly load: number;
}

async function measure(
  side: Side,
  interaction: Interaction,
  seconds: number,
  postmaster: number | undefined,
  seedValue: number,
  patients: number,
): Promise<Measure> {
  const next = random(seedValue);
  const now = NOW;
  const load = loadavg()[0] ?? Number.NaN;
  const server0 = processTreeCpuSeconds(side.pid());
  const pg0 = postgresClusterCpuSeconds(postmaster);
  const result = await runLoad(side.origin, CONNECTIONS, seconds, () =>
    requestOf(side, interaction, next, now, patients),
  );
  side.alive();
  return {
    result,
    serverCpu: processTreeCpuSeconds(side.pid()) - server0,
    postgresCpu: postgresClusterCpuSeconds(postmaster) - pg0,
    load,
  };
}

interface Totals {
  requests: number;
  seconds: number;
  failures: number;
  serverCpu: number;
  postgresCpu: number;
  latencies: number[];
  perRound: number[];
  samples: string[];
}

const emptyTotals = (): Totals => ({
  requests: 0,
  seconds: 0,
  failures: 0,
  serverCpu: 0,
  postgresCpu: 0,
  latencies: [],
  perRound: [],
  samples: [],
});

function add(totals: Totals, m: Measure): void {
  totals.requests += m.result.requests;
  totals.seconds += m.result.seconds;
  totals.failures += m.result.failures;
  totals.serverCpu += m.serverCpu;
  totals.postgresCpu += m.postgresCpu;
  for (const latency of m.result.latencies) totals.latencies.push(latency);
  totals.perRound.push(m.result.requests / m.result.seconds);
  if (totals.samples.length < 2) totals.samples.push(...m.result.failureSamples.slice(0, 1));
}

/** A SearchParameter HAPI needs for what carenet spells `<param>:identifier`. */
async function addHapiSearchParameter(hapi: HapiServer, code: string, expression: string): Promise<void> {
  const response = await fetch(`${hapi.fhirBase}/SearchParameter`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({
      resourceType: 'SearchParameter',
      url: `http://carenet.example/fhir/SearchParameter/${code}`,
      name: code,
      status: 'active',
      description: `${expression}, for the benchmark (HAPI has no :identifier modifier)`,
      code,
      base: ['Task'],
      type: 'token',
      expression,
    }),
  });
  if (response.status !== 201)
    throw new Error(`HAPI SearchParameter ${code}: ${response.status} ${await response.text()}`);
  const deadline = Date.now() + 120_000;
  for (;;) {
    const probe = await fetch(`${hapi.fhirBase}/Task?${code}=${encodeURIComponent('urn:x|y')}&_count=1`);
    await probe.arrayBuffer();
    if (probe.status === 200) return;
    if (Date.now() > deadline) throw new Error(`HAPI does not know the search parameter ${code}`);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

const fmt = (value: number, digits = 0) =>
  Number.isFinite(value)
    ? value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
    : 'n/a';

async function run(context: BenchContext): Promise<Figure[]> {
  const progress = (line: string) => {
    context.progress(line);
  };
  const config = settings(context.quick);
  const patients = Math.max(100, Math.floor(config.tasks / 5));
  progress(
    `${NAME}: ${config.tasks.toLocaleString('en-US')} Tasks each (${patients.toLocaleString('en-US')} patients, ${NURSES} owners), ${config.rounds} rounds x ${config.seconds} s per interaction and server, warm-up ${config.warmup} s per server, ${CONNECTIONS} connections`,
  );
  const carenetDb = await createTestDatabase('vs_hapi_carenet');
  const hapiDb = await createTestDatabase('vs_hapi_hapi');
  const admin = postgresDatabase({ connectionString: carenetDb.url, max: 1 });
  let gateway: RunningGateway | undefined;
  let hapi: HapiServer | undefined;
  try {
    const [row] = await admin.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const postmaster = postmasterOf(Number(row?.pid));
    const hapiStarting = startHapiServer(hapiDb.url, progress);
    gateway = await startGatewayProcess({
      dataDirPrefix: 'carenet-vs-hapi-',
      healthyWithinMs: 180_000,
      env: {
        DATABASE_URL: carenetDb.url,
        KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '',
        CARENET_HTTP_WORKERS: '2',
        CARENET_LOG_LEVEL: 'warn',
        CARENET_AUTH_MAX_TOKEN_LIFETIME: '86400',
      },
    });
    progress(
      `${NAME}: carenet gateway at ${gateway.base} (pid ${gateway.child.pid ?? '?'}, CARENET_HTTP_WORKERS=2)`,
    );
    const running = gateway;
    const token = (...args: string[]) => devToken(running, ...args, '--expires-in', '86400');
    const gpToken = token('--professional', GP_IDNPS, '--profession', 'doctor', '--name', 'Dr Anne Martin');
    const nurseTokens = Array.from({ length: NURSES }, (_, n) =>
      token('--professional', nurseIdnps(n), '--profession', 'nurse', '--name', `Nurse ${n}`),
    );
    hapi = await hapiStarting;
    const started = hapi;
    await addHapiSearchParameter(started, 'owner-identifier', 'Task.owner.identifier');
    await addHapiSearchParameter(started, 'patient-identifier', 'Task.for.identifier');

    const carenet: Side = {
      name: 'carenet',
      origin: running.base,
      fhirPath: '/fhir',
      headers: (nurse) => ({
        authorization: `Bearer ${nurse === undefined ? gpToken : nurseTokens[nurse]!}`,
      }),
      ownerParam: 'owner:identifier',
      patientParam: 'patient:identifier',
      pid: () => running.child.pid ?? 0,
      alive() {
        const ended = running.child.exitCode ?? running.child.signalCode;
        if (ended !== null)
          throw new Error(`the carenet gateway exited (${ended}):\n${running.logs().slice(-4_000)}`);
      },
      tasks: [],
      open: [],
      created: 0,
    };
    const hapiUrl = new URL(started.fhirBase);
    const hapiSide: Side = {
      name: 'HAPI',
      origin: hapiUrl.origin,
      fhirPath: hapiUrl.pathname,
      headers: () => ({}),
      ownerParam: 'owner-identifier',
      patientParam: 'patient-identifier',
      pid: () => started.pid,
      alive() {
        if (!started.running()) throw new Error(`HAPI exited:\n${started.logs().slice(-4_000)}`);
      },
      tasks: [],
      open: [],
      created: 0,
    };
    const sides = [carenet, hapiSide];
    for (const side of sides) {
      const seconds = await seed(side, config.tasks, patients, progress);
      progress(
        `${NAME}: ${side.name} seeded ${side.tasks.length.toLocaleString('en-US')} Tasks in ${seconds.toFixed(0)} s`,
      );
    }
    for (const url of [carenetDb.url, hapiDb.url]) {
      const db = postgresDatabase({ connectionString: url, max: 1 });
      try {
        await db.query('VACUUM (ANALYZE)');
      } finally {
        await db.close();
      }
    }
    // Warm-up (JIT of both; HAPI's takes minutes): every interaction in turn, not measured.
    const warmSlice = Math.max(1, config.warmup / INTERACTIONS.length);
    for (const side of [hapiSide, carenet]) {
      progress(`${NAME}: warming ${side.name} up for ${config.warmup} s`);
      for (const interaction of INTERACTIONS)
        await measure(side, interaction, warmSlice, postmaster, 7, patients);
    }
    const totals = new Map<string, Totals>();
    const loads: number[] = [];
    let crashed: string | undefined;
    try {
      for (let round = 0; round < config.rounds; round += 1) {
        const order = round % 2 === 0 ? [carenet, hapiSide] : [hapiSide, carenet];
        for (const interaction of INTERACTIONS) {
          for (const side of order) {
            const m = await measure(side, interaction, config.seconds, postmaster, 100 + round, patients);
            loads.push(m.load);
            const key = `${side.name} ${interaction}`;
            const t = totals.get(key) ?? emptyTotals();
            totals.set(key, t);
            add(t, m);
          }
        }
        progress(
          `${NAME}: round ${round + 1} of ${config.rounds} done (load average ${fmt(loads[loads.length - 1] ?? Number.NaN, 1)})`,
        );
      }
    } catch (error) {
      // A server that died mid-run: report what was measured, and why it stopped.
      crashed = error instanceof Error ? error.message : String(error);
      progress(`${NAME}: STOPPED: ${crashed.split('\n')[0] ?? ''}`);
    }

    const lines: string[] = [];
    lines.push(
      `carenet (gateway process, CARENET_HTTP_WORKERS=2) vs HAPI FHIR JPA 8.8.0, one PostgreSQL cluster, ${config.tasks.toLocaleString('en-US')} Tasks each, ${CONNECTIONS} connections, ${config.rounds} rounds x ${config.seconds} s, warm-up ${config.warmup} s`,
    );
    lines.push(
      `load average (1 min) at the runs' starts: ${fmt(Math.min(...loads), 1)} to ${fmt(Math.max(...loads), 1)} (2 shared cores)`,
    );
    lines.push('');
    lines.push(
      '| interaction | carenet req/s | HAPI req/s | carenet/HAPI | p50 ms carenet / HAPI | p99 ms carenet / HAPI | CPU ms/req server + PostgreSQL: carenet / HAPI | non-2xx carenet / HAPI |',
    );
    lines.push('|---|---:|---:|---:|---|---|---|---|');
    const figures: Figure[] = [];
    for (const interaction of INTERACTIONS) {
      const c = totals.get(`carenet ${interaction}`) ?? emptyTotals();
      const h = totals.get(`HAPI ${interaction}`) ?? emptyTotals();
      const rate = (t: Totals) => t.requests / t.seconds;
      const sorted = (t: Totals) => Float64Array.from(t.latencies).sort();
      const cs = sorted(c);
      const hs = sorted(h);
      const cpu = (t: Totals) =>
        `${fmt((t.serverCpu * 1000) / t.requests, 2)} + ${fmt((t.postgresCpu * 1000) / t.requests, 2)}`;
      lines.push(
        `| ${TITLES[interaction]} | ${fmt(rate(c))} | ${fmt(rate(h))} | **${fmt(rate(c) / rate(h), 2)}** | ${fmt(quantile(cs, 0.5), 1)} / ${fmt(quantile(hs, 0.5), 1)} | ${fmt(quantile(cs, 0.99), 0)} / ${fmt(quantile(hs, 0.99), 0)} | ${cpu(c)} / ${cpu(h)} | ${c.failures} / ${h.failures} |`,
      );
      figures.push({
        benchmark: NAME,
        name: `${interaction} req/s (ceiling: HAPI)`,
        unit: 'req/s',
        value: rate(c),
        ceiling: rate(h),
        higherIsBetter: true,
      });
    }
    lines.push('');
    lines.push('Per round (req/s, carenet | HAPI):');
    for (const interaction of INTERACTIONS) {
      const per = (name: string) =>
        (totals.get(`${name} ${interaction}`)?.perRound ?? []).map((v) => fmt(v)).join(', ');
      lines.push(`  ${interaction}: ${per('carenet')} | ${per('HAPI')}`);
    }
    const samples = [...totals.entries()].flatMap(([key, t]) => t.samples.map((s) => `  ${key}: ${s}`));
    if (samples.length > 0) lines.push('Failures (samples):', ...samples);
    lines.push('');
    lines.push(
      'CPU per request: the server = its process tree (/proc/<pid>/stat: the gateway and its HTTP workers; the JVM), PostgreSQL = every',
      "backend of the cluster (both databases: carenet's background readers poll during HAPI's runs too, see background-cost).",
      'What each side does that the other does not: carenet authenticates every request (JWT of the dev issuer), validates the',
      'Task, checks the access decision (care relations of the patient) and records its audit, appends events (history, search',
      'index, read model and access facts in the append), and relays them to Kafka with its in-process consumers running;',
      'HAPI in this setup: no authentication, no validation, no subscriptions, no audit, no messaging; it stores history and',
      'search index rows. The work queue and patient search: carenet `owner:identifier` / `patient:identifier`, HAPI a',
      'SearchParameter on Task.owner.identifier / Task.for.identifier (it has no :identifier modifier); HAPI search cache off.',
    );
    if (crashed !== undefined) lines.push('', `STOPPED before the last round: ${crashed}`);
    context.report(lines);
    return figures;
  } finally {
    await hapi?.stop().catch(() => undefined);
    await gateway?.stop().catch(() => undefined);
    await admin.close().catch(() => undefined);
    await carenetDb.drop().catch(() => undefined);
    await hapiDb.drop().catch(() => undefined);
  }
}

export const vsHapi: Benchmark = {
  name: NAME,
  title: 'carenet vs HAPI FHIR JPA 8.8.0 side by side (issue 21; only when named: pnpm bench vs-hapi)',
  run,
};
