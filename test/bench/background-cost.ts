// `pnpm bench background-cost` (issue 21): what the embedded gateway's background readers (relays,
// consumers, clocks) cost PostgreSQL at idle, and what a write costs the database, as the event
// log grows: a cluster of its own (pg_stat_statements preloaded), the store filled by bulk SQL to
// each size (the point is the size of the log and of its indexes), the cluster measured with
// nothing running (the baseline), then the gateway process started on it, with Kafka (relays) and
// without (store-log consumers).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  postgresDatabase,
  readAllStatement,
  type LogPosition,
  type SqlDatabase,
} from '@carenet/eventsourcing';
import { devToken, startGatewayProcess, type RunningGateway } from '@carenet/testing';
import { BENCH_CATEGORY } from './bench-events.js';
import type { BenchContext, Benchmark } from './benchmark.js';
import type { Figure } from './figure.js';
import { postgresClusterCpuSeconds, postmasterOf } from './postgres-backend-cpu.js';
import { startProfiledCluster } from './profiled-cluster.js';
import { processTreeCpuSeconds } from './process-tree-cpu.js';
import { delegation, random } from './tasks-load-model.js';

/** The GP of tasks-load-model.ts, who requests every Task. */
const GP_IDNPS = '810100000001';
const NAME = 'background-cost';
/** Marks the benchmark's own statements, left out of the statement figures. */
const OWN = '/* background-cost */';

type Mode = 'kafka' | 'store-log';

function sizes(quick: boolean): number[] {
  const raw = process.env.CARENET_BENCH_BACKGROUND_SIZES;
  if (raw !== undefined && raw !== '') return raw.split(',').map(Number);
  return quick ? [20_000, 100_000] : [100_000, 1_000_000];
}

function modes(): Mode[] {
  const raw = process.env.CARENET_BENCH_BACKGROUND_MODES;
  if (raw === undefined || raw === '') return ['kafka', 'store-log'];
  return raw.split(',').map((mode) => {
    if (mode !== 'kafka' && mode !== 'store-log')
      throw new Error(`CARENET_BENCH_BACKGROUND_MODES: kafka or store-log, not "${mode}"`);
    return mode;
  });
}

const envNumber = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? '');
  return Number.isFinite(value) && value > 0 ? value : fallback;
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** CPU seconds the whole machine spent busy (every core; /proc/stat), to say how loaded it was. */
function machineBusySeconds(): number {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]?.trim().split(/\s+/).slice(1).map(Number);
    if (cpu === undefined) return Number.NaN;
    // user nice system idle iowait irq softirq steal
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = cpu;
    return (user + nice + system + irq + softirq + steal) / 100;
  } catch {
    return Number.NaN;
  }
}

interface Statement {
  readonly query: string;
  /** Sent by a client (false: run inside a function such as append_events). */
  readonly toplevel: boolean;
  readonly calls: number;
  /** Execution and planning time, ms. */
  readonly execMs: number;
  readonly planMs: number;
  /** Shared buffers hit + read. */
  readonly blocks: number;
}

/** pg_stat_statements of this database, by query id (the benchmark's own statements left out). */
async function statements(db: SqlDatabase): Promise<Map<string, Statement>> {
  const rows = await db.query<{
    id: string;
    query: string;
    calls: string;
    exec_ms: number;
    plan_ms: number;
    blocks: string;
  }>(
    `${OWN} SELECT queryid::text || ':' || toplevel::text AS id, query, calls::text AS calls,
            total_exec_time AS exec_ms, total_plan_time AS plan_ms,
            (shared_blks_hit + shared_blks_read)::text AS blocks
       FROM pg_stat_statements
      WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())`,
  );
  return new Map(
    rows
      .filter((r) => !r.query.includes(OWN))
      .map((r) => [
        r.id,
        {
          query: r.query.replace(/\s+/g, ' ').trim(),
          toplevel: r.id.endsWith(':true'),
          calls: Number(r.calls),
          execMs: r.exec_ms,
          planMs: r.plan_ms,
          blocks: Number(r.blocks),
        },
      ]),
  );
}

/** What ran between two readings of pg_stat_statements, most time first. */
function statementsBetween(before: Map<string, Statement>, after: Map<string, Statement>): Statement[] {
  return [...after.entries()]
    .map(([id, s]) => {
      const b = before.get(id);
      return {
        query: s.query,
        toplevel: s.toplevel,
        calls: s.calls - (b?.calls ?? 0),
        execMs: s.execMs - (b?.execMs ?? 0),
        planMs: s.planMs - (b?.planMs ?? 0),
        blocks: s.blocks - (b?.blocks ?? 0),
      };
    })
    .filter((s) => s.calls > 0)
    .sort((a, b) => b.execMs + b.planMs - (a.execMs + a.planMs));
}

/** Top-level statements only count once: a function's inner statements are inside its call. */
const totalMs = (list: readonly Statement[]) =>
  list.reduce((sum, s) => (s.toplevel ? sum + s.execMs + s.planMs : sum), 0);

/** The statements of the log's readers and of the append signals: calls and ms per create. */
function readerWork(list: readonly Statement[], writes: number): string {
  const kinds: [string, (query: string) => boolean][] = [
    [
      'log reads',
      (q) =>
        q.includes('FROM eventstore.events e') && q.includes('pg_snapshot_xmin') && !q.includes('horizon'),
    ],
    ['held-back checks', (q) => q.includes('horizon')],
    ['blocker lookups', (q) => q.includes('pg_stat_activity')],
    ['checkpoints', (q) => q.includes('INSERT INTO eventstore.checkpoints')],
    ['NOTIFY', (q) => q.includes('pg_notify')],
  ];
  return kinds
    .map(([name, matches]) => {
      const found = list.filter((s) => s.toplevel && matches(s.query));
      const calls = found.reduce((sum, s) => sum + s.calls, 0);
      const ms = found.reduce((sum, s) => sum + s.execMs + s.planMs, 0);
      return `${name} ${(calls / writes).toFixed(2)} (${(ms / writes).toFixed(3)} ms)`;
    })
    .join(', ');
}

async function functionTime(db: SqlDatabase): Promise<Map<string, number>> {
  const rows = await db.query<{ name: string; ms: number }>(
    `${OWN} SELECT schemaname || '.' || funcname AS name, total_time AS ms FROM pg_stat_user_functions`,
  );
  return new Map(rows.map((r) => [r.name, r.ms]));
}

/** Statistics reach the views with a delay (flushed by each backend at most once a second). */
async function settledStatistics(db: SqlDatabase): Promise<void> {
  await sleep(1_500);
  await db.query(`${OWN} SELECT pg_stat_clear_snapshot()`);
}

/** CPU seconds of a process (user + system, /proc), NaN when it is gone. */
function processCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

/** The gateway's backends (every client backend of the database but the benchmark's own). */
async function gatewayBackends(db: SqlDatabase): Promise<Map<number, number>> {
  const rows = await db.query<{ pid: number }>(
    `${OWN} SELECT pid FROM pg_stat_activity
      WHERE datname = current_database() AND backend_type = 'client backend' AND application_name <> $1`,
    [NAME],
  );
  return new Map(rows.map((r) => [r.pid, processCpuSeconds(r.pid)]));
}

/** Connections opened to the database so far (PostgreSQL 14+). */
async function sessionsOpened(db: SqlDatabase): Promise<number> {
  const [row] = await db.query<{ n: string }>(
    `${OWN} SELECT sessions::text AS n FROM pg_stat_database WHERE datname = current_database()`,
  );
  return Number(row?.n ?? Number.NaN);
}

interface Idle {
  readonly seconds: number;
  /** The whole cluster (backends, background processes, exited children). */
  readonly postgresCores: number;
  /** The gateway's backends alive over the whole window (their own CPU only). */
  readonly backendCores: number;
  /** Connections opened per second during the window (each costs a backend's start). */
  readonly connectionsPerSecond: number;
  readonly gatewayCores: number;
  /** Busy cores of the whole machine over the window (other engineers' work included). */
  readonly machineCores: number;
  readonly load: number;
  /** Statements (top-level and nested) over the window. */
  readonly statements: readonly Statement[];
}

async function measureIdle(
  db: SqlDatabase,
  postmaster: number | undefined,
  gateway: RunningGateway | undefined,
  seconds: number,
): Promise<Idle> {
  const load = loadavg()[0] ?? Number.NaN;
  await settledStatistics(db);
  const before = await statements(db);
  const backends0 = await gatewayBackends(db);
  const sessions0 = await sessionsOpened(db);
  const pg0 = postgresClusterCpuSeconds(postmaster);
  const gw0 = gateway ? processTreeCpuSeconds(gateway.child.pid ?? 0) : 0;
  const machine0 = machineBusySeconds();
  const started = performance.now();
  await sleep(seconds * 1000);
  const wall = (performance.now() - started) / 1000;
  const pg = postgresClusterCpuSeconds(postmaster) - pg0;
  const gw = gateway ? processTreeCpuSeconds(gateway.child.pid ?? 0) - gw0 : 0;
  const machine = machineBusySeconds() - machine0;
  const backends = [...backends0].reduce((sum, [pid, cpu0]) => {
    const cpu = processCpuSeconds(pid) - cpu0;
    return Number.isFinite(cpu) ? sum + cpu : sum;
  }, 0);
  const sessions = (await sessionsOpened(db)) - sessions0;
  await settledStatistics(db);
  const after = await statements(db);
  return {
    seconds: wall,
    postgresCores: pg / wall,
    backendCores: backends / wall,
    connectionsPerSecond: sessions / wall,
    gatewayCores: gw / wall,
    machineCores: machine / wall,
    load,
    statements: statementsBetween(before, after),
  };
}

/**
 * Fills the store to `target` events by bulk SQL: 20 events per stream (category Bench, which no
 * reader follows), 50,000 per transaction (each its transaction id), streams rows to match, then
 * VACUUM ANALYZE (what autovacuum would have done by the time anyone reads).
 */
async function fillBySql(db: SqlDatabase, from: number, target: number): Promise<void> {
  const chunk = 50_000;
  for (let first = from; first < target; first += chunk) {
    const last = Math.min(target, first + chunk) - 1;
    await db.query(
      `${OWN} INSERT INTO eventstore.events (stream_id, stream_revision, category, event_id, event_type, data, metadata)
       SELECT $3 || '-' || (g / 20)::text, g % 20, $3, gen_random_uuid(), 'BenchRecorded',
              jsonb_build_object('seq', g, 'taskId', gen_random_uuid(),
                'patient', jsonb_build_object('system', 'urn:oid:1.2.250.1.213.1.4.8', 'value', lpad(g::text, 15, '1')),
                'requester', jsonb_build_object('system', 'https://rpps.esante.gouv.fr', 'value', '10101010101'),
                'code', 'delegated-act', 'priority', 'routine', 'at', '2026-06-01T10:00:00.000Z',
                'note', 'Pansement complexe a domicile, J+3 post-operatoire, selon protocole.'),
              jsonb_build_object('traceparent', '00-' || md5(g::text) || '-' || left(md5((g + 1)::text), 16) || '-01',
                'correlationId', gen_random_uuid())
         FROM generate_series($1::bigint, $2::bigint) g`,
      [first, last, BENCH_CATEGORY],
    );
  }
  await db.query(
    `${OWN} INSERT INTO eventstore.streams (stream_id, category, revision, last_transaction_id)
     SELECT e.stream_id, e.category, max(e.stream_revision), max(e.transaction_id)
       FROM eventstore.events e WHERE e.category = $1 GROUP BY e.stream_id, e.category
     ON CONFLICT (stream_id) DO UPDATE SET revision = EXCLUDED.revision, last_transaction_id = EXCLUDED.last_transaction_id`,
    [BENCH_CATEGORY],
  );
  await db.query('VACUUM (ANALYZE) eventstore.events, eventstore.streams');
}

/**
 * EXPLAIN (ANALYZE, BUFFERS) of what an idle reader runs, at the position of the reader furthest
 * behind (its checkpoint): the read of its categories' log, and the held-back check.
 */
async function explainReaders(db: SqlDatabase): Promise<string[]> {
  // The relay furthest behind, and the categories it follows (as the embedded gateway sets them).
  const checkpoints = await db.query<{ id: string; position: string }>(
    `${OWN} SELECT subscription_id AS id, position FROM eventstore.checkpoints
      WHERE subscription_id LIKE 'relay.%' OR subscription_id LIKE 'consumer.%'
      ORDER BY split_part(position, ':', 1)::bigint, split_part(position, ':', 2)::bigint LIMIT 1`,
  );
  const lines: string[] = [];
  const explain = async (title: string, text: string, params: unknown[]) => {
    const rows = await db.query<{ 'QUERY PLAN': string }>(
      `${OWN} EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${text}`,
      params,
    );
    lines.push(`    ${title}:`, ...rows.map((r) => `      ${r['QUERY PLAN']}`));
  };
  const reader = checkpoints[0];
  if (reader !== undefined) {
    for (const categories of [['Task'], ['CarePlan', 'CareTeam', 'Goal']]) {
      // The statement the product runs (PostgresEventStore.readAll, the relay).
      const statement = readAllStatement(reader.position as LogPosition, categories, 500);
      await explain(
        `read of the log of ${categories.join(', ')} after the furthest behind checkpoint (${reader.id}, ${reader.position})`,
        statement.text,
        [...statement.params],
      );
    }
  }
  await explain(
    'held-back check (committed events at or above the horizon)',
    `WITH horizon AS (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS xmin)
     SELECT h.xmin::text AS xmin,
            EXISTS (SELECT 1 FROM eventstore.events e WHERE e.transaction_id >= h.xmin) AS held_back
       FROM horizon h`,
    [],
  );
  const positions = await db.query<{ id: string; position: string }>(
    `${OWN} SELECT subscription_id AS id, position FROM eventstore.checkpoints ORDER BY subscription_id`,
  );
  lines.push(`    checkpoints: ${positions.map((p) => `${p.id} ${p.position}`).join(', ')}`);
  return lines;
}

interface ModeResult {
  readonly mode: Mode;
  readonly idleBehind: Idle;
  readonly idleAtHead: Idle;
  readonly writes: number;
  readonly postgresMsPerWrite: number;
  readonly netPostgresMsPerWrite: number;
  /** Statement time (execution + planning, top level) per create, from pg_stat_statements. */
  readonly statementMsPerWrite: number;
  readonly writeStatements: readonly Statement[];
  readonly eventsPerWrite: number;
  readonly appendMsPerWrite: number;
  readonly writeLoad: number;
  readonly explain: readonly string[];
}

interface SizeResult {
  readonly events: number;
  readonly baseline: Idle;
  readonly modes: readonly ModeResult[];
}

const pct = (cores: number) => `${(cores * 100).toFixed(2)}%`;

/** The statements of an idle window, per second: calls, time, buffers per call. */
function statementLines(idle: Idle, top: number): string[] {
  const perSecond = (n: number) => n / idle.seconds;
  return idle.statements.slice(0, top).map((s) => {
    const ms = s.execMs + s.planMs;
    return `    ${s.toplevel ? ' ' : '>'} ${perSecond(s.calls).toFixed(2).padStart(7)} calls/s  ${(ms / s.calls).toFixed(3).padStart(7)} ms/call (plan ${(s.planMs / s.calls).toFixed(3)})  ${perSecond(ms).toFixed(2).padStart(6)} ms/s  ${(s.blocks / s.calls).toFixed(1).padStart(6)} buffers/call  ${s.query.slice(0, 120)}`;
  });
}

async function runMode(
  mode: Mode,
  db: SqlDatabase,
  postmaster: number | undefined,
  env: Record<string, string>,
  dataDir: string,
  idleSeconds: number,
  writes: number,
  progress: (line: string) => void,
): Promise<ModeResult> {
  const gateway = await startGatewayProcess({
    dataDir,
    env: mode === 'kafka' ? env : { ...env, KAFKA_BROKERS: '' },
    healthyWithinMs: 180_000,
  });
  try {
    progress(`${NAME}: ${mode}: gateway up (pid ${gateway.child.pid ?? '?'}), settling 15 s`);
    await sleep(15_000);
    const idleBehind = await measureIdle(db, postmaster, gateway, idleSeconds);
    progress(
      `${NAME}: ${mode}: idle ${pct(idleBehind.postgresCores)} of a core (PostgreSQL); ${writes} creates`,
    );
    const token = devToken(gateway, '--professional', GP_IDNPS, '--profession', 'doctor');
    const next = random(5);
    // Periods that end days after the run: the overdue clock has nothing to record during it.
    const periodsFrom = Date.now() + 10 * 86_400_000;
    await settledStatistics(db);
    const functions0 = await functionTime(db);
    const statements0 = await statements(db);
    const writeLoad = loadavg()[0] ?? Number.NaN;
    const [events0] = await db.query<{ n: string }>(
      `${OWN} SELECT count(*)::text AS n FROM eventstore.events`,
    );
    const pg0 = postgresClusterCpuSeconds(postmaster);
    const writesStarted = performance.now();
    for (let i = 0; i < writes; i += 1) {
      const ended = gateway.child.exitCode ?? gateway.child.signalCode;
      if (ended !== null) throw new Error(`the gateway exited (${ended}):\n${gateway.logs().slice(-4_000)}`);
      const response = await fetch(`${gateway.base}/fhir/Task`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/fhir+json' },
        body: JSON.stringify(delegation(next, i % 20, periodsFrom, 1_000)),
      });
      await response.arrayBuffer();
      if (response.status !== 201) throw new Error(`create: ${response.status}`);
    }
    // What the in-process consumers and relays do for these writes, then back to idle.
    await sleep(3_000);
    const pgWrites = postgresClusterCpuSeconds(postmaster) - pg0;
    const writeSeconds = (performance.now() - writesStarted) / 1000;
    const [events1] = await db.query<{ n: string }>(
      `${OWN} SELECT count(*)::text AS n FROM eventstore.events`,
    );
    await settledStatistics(db);
    const functions1 = await functionTime(db);
    const writeStatements = statementsBetween(statements0, await statements(db));
    // What the writes leave behind (autovacuum, the checkpointer) settles before the idle window.
    await sleep(15_000);
    const append = [...functions1.entries()]
      .filter(([name]) => name.endsWith('append_events'))
      .reduce((sum, [name, ms]) => sum + ms - (functions0.get(name) ?? 0), 0);
    const idleAtHead = await measureIdle(db, postmaster, gateway, idleSeconds);
    const explain = await explainReaders(db);
    return {
      mode,
      idleBehind,
      idleAtHead,
      writes,
      postgresMsPerWrite: (pgWrites * 1000) / writes,
      // Less the idle readers' cost over the same time (measured just after, at head).
      netPostgresMsPerWrite: ((pgWrites - idleAtHead.postgresCores * writeSeconds) * 1000) / writes,
      // Less what the idle readers ran meanwhile (their rate at head over the same time).
      statementMsPerWrite:
        (totalMs(writeStatements) - (totalMs(idleAtHead.statements) / idleAtHead.seconds) * writeSeconds) /
        writes,
      writeStatements,
      eventsPerWrite: (Number(events1?.n ?? 0) - Number(events0?.n ?? 0)) / writes,
      appendMsPerWrite: append / writes,
      writeLoad,
      explain,
    };
  } finally {
    await gateway.stop();
  }
}

async function run(context: BenchContext): Promise<Figure[]> {
  const progress = (line: string) => {
    context.progress(line);
  };
  const targets = sizes(context.quick);
  const runModes = modes();
  const idleSeconds = envNumber('CARENET_BENCH_BACKGROUND_IDLE_SECONDS', context.quick ? 10 : 30);
  const writes = envNumber('CARENET_BENCH_BACKGROUND_WRITES', context.quick ? 100 : 300);
  progress(`${NAME}: a PostgreSQL cluster of its own, with pg_stat_statements`);
  const cluster = await startProfiledCluster((line) => {
    progress(`${NAME}: ${line}`);
  });
  const results: SizeResult[] = [];
  const dataDir = mkdtempSync(join(tmpdir(), 'carenet-background-cost-'));
  let db: SqlDatabase | undefined;
  try {
    const url = await cluster.createDatabase('background_cost');
    db = postgresDatabase({ connectionString: url, max: 2, applicationName: NAME });
    const [row] = await db.query<{ pid: number }>(`${OWN} SELECT pg_backend_pid() AS pid`);
    const postmaster = postmasterOf(Number(row?.pid));
    const env = {
      DATABASE_URL: url,
      KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '',
      CARENET_HTTP_WORKERS: '2',
      CARENET_LOG_LEVEL: 'warn',
    };
    // The gateway's first start creates its schemas; the store is filled while it is stopped.
    const first = await startGatewayProcess({ dataDir, env, healthyWithinMs: 180_000 });
    await first.stop();
    for (const target of targets) {
      const [count] = await db.query<{ n: string }>(
        `${OWN} SELECT count(*)::text AS n FROM eventstore.events`,
      );
      const filled = Number(count?.n ?? 0);
      if (target > filled) {
        progress(
          `${NAME}: filling the store from ${filled.toLocaleString('en-US')} to ${target.toLocaleString('en-US')} events by SQL (category ${BENCH_CATEGORY})`,
        );
        const started = performance.now();
        await fillBySql(db, filled, target);
        progress(`${NAME}: filled in ${((performance.now() - started) / 1000).toFixed(0)} s`);
      }
      const [total] = await db.query<{ n: string }>(
        `${OWN} SELECT count(*)::text AS n FROM eventstore.events`,
      );
      const events = Number(total?.n ?? 0);
      progress(`${NAME}: ${events.toLocaleString('en-US')} events; baseline: nothing running`);
      const baseline = await measureIdle(db, postmaster, undefined, idleSeconds);
      const modeResults: ModeResult[] = [];
      for (const mode of runModes) {
        modeResults.push(await runMode(mode, db, postmaster, env, dataDir, idleSeconds, writes, progress));
      }
      results.push({ events, baseline, modes: modeResults });
    }
  } finally {
    await db?.close().catch(() => undefined);
    cluster.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  const lines = [
    `The embedded gateway (CARENET_HTTP_WORKERS=2, every background reader running) on PostgreSQL ${cluster.serverVersion} (a cluster of its own, fsync off),`,
    `the store filled by SQL with events of category ${BENCH_CATEGORY} (no reader follows it); idle windows of ${idleSeconds} s; CPU is CPU time (/proc), not wall-clock.`,
    '"kafka": KAFKA_BROKERS set (a relay per context: tasks, care-plans, shared-info, audit; consumers on Kafka); "store-log": no broker (consumers read the store log).',
    '',
    '| events in the store | mode | idle PostgreSQL, % of a core: readers behind / at head (less baseline) | its backends, % of a core: behind / at head | connections opened /s at head | idle gateway, % of a core | PostgreSQL CPU ms per create, gross / less idle | statement ms per create (less idle) | append_events ms per create | events per create | machine: busy cores, load average (idle, creates, idle) |',
    '|---:|---|---|---|---:|---|---|---:|---:|---:|---|',
    ...results.flatMap((r) => [
      `| ${r.events.toLocaleString('en-US')} | baseline (nothing running) | ${pct(r.baseline.postgresCores)} | — | ${r.baseline.connectionsPerSecond.toFixed(2)} | — | — | — | — | — | ${r.baseline.machineCores.toFixed(2)}, ${r.baseline.load.toFixed(1)} |`,
      ...r.modes.map(
        (m) =>
          `| ${r.events.toLocaleString('en-US')} | ${m.mode} | ${pct(m.idleBehind.postgresCores)} / ${pct(m.idleAtHead.postgresCores)} (${pct(m.idleAtHead.postgresCores - r.baseline.postgresCores)}) | ${pct(m.idleBehind.backendCores)} / ${pct(m.idleAtHead.backendCores)} | ${m.idleAtHead.connectionsPerSecond.toFixed(2)} | ${pct(m.idleBehind.gatewayCores)} / ${pct(m.idleAtHead.gatewayCores)} | ${m.postgresMsPerWrite.toFixed(2)} / ${m.netPostgresMsPerWrite.toFixed(2)} | ${m.statementMsPerWrite.toFixed(2)} | ${m.appendMsPerWrite.toFixed(2)} | ${m.eventsPerWrite.toFixed(1)} | ${m.idleAtHead.machineCores.toFixed(2)}, ${m.idleBehind.load.toFixed(1)}, ${m.writeLoad.toFixed(1)}, ${m.idleAtHead.load.toFixed(1)} |`,
      ),
    ]),
    '',
    'Statements at idle (pg_stat_statements, top-level and nested; readers at head), most time first:',
    ...results.flatMap((r) => [
      `  ${r.events.toLocaleString('en-US')} events, baseline: ${r.baseline.statements.length === 0 ? 'none' : ''}`,
      ...statementLines(r.baseline, 8),
      ...r.modes.flatMap((m) => [
        `  ${r.events.toLocaleString('en-US')} events, ${m.mode}, readers behind (${totalMs(m.idleBehind.statements) / m.idleBehind.seconds > 0 ? (totalMs(m.idleBehind.statements) / m.idleBehind.seconds).toFixed(2) : '0'} ms/s):`,
        ...statementLines(m.idleBehind, 8),
        `  ${r.events.toLocaleString('en-US')} events, ${m.mode}, at head (${(totalMs(m.idleAtHead.statements) / m.idleAtHead.seconds).toFixed(2)} ms/s):`,
        ...statementLines(m.idleAtHead, 8),
      ]),
    ]),
    '',
    'Statements per create (pg_stat_statements over the creates and 3 s after; idle readers included), most time first:',
    ...results.flatMap((r) =>
      r.modes.flatMap((m) => [
        `  ${r.events.toLocaleString('en-US')} events, ${m.mode}:`,
        ...m.writeStatements.slice(0, 8).map((s) => {
          const ms = s.execMs + s.planMs;
          return `      ${(s.calls / m.writes).toFixed(2).padStart(6)} calls  ${(ms / m.writes).toFixed(3).padStart(7)} ms  ${(s.blocks / Math.max(1, s.calls)).toFixed(1).padStart(6)} buffers/call  ${s.query.slice(0, 120)}`;
        }),
        `      what the readers add per create: ${readerWork(m.writeStatements, m.writes)}`,
      ]),
    ),
    '',
    'What an idle reader runs, EXPLAIN (ANALYZE, BUFFERS) at head:',
    ...results.flatMap((r) =>
      r.modes.flatMap((m) => [`  ${r.events.toLocaleString('en-US')} events, ${m.mode}:`, ...m.explain]),
    ),
    '',
    '"Readers behind": just after the start (the filled events are behind every reader\'s checkpoint); "at head": 15 s after',
    `${writes} creates that every reader consumed. "Less baseline": minus the cluster's CPU with nothing running (its own`,
    'background processes). "Its backends": the CPU of the gateway\'s connections alive over the whole window (a connection',
    'opened meanwhile is in the cluster figure only). Target (issue 21): idle <= 1% of a core at 1M events. PostgreSQL CPU per create: the cluster over',
    'the creates (one at a time) and 3 s after; "less idle": minus the idle readers\' rate at head over that time. Statement',
    'ms per create: pg_stat_statements execution + planning time of every statement over that window (the appends, the',
    "consumers' and relays' work, the audit), minus the idle rate. append_events: pg_stat_user_functions.",
  ];
  context.report(lines);
  const last = results[results.length - 1];
  const firstResult = results[0];
  if (last === undefined || firstResult === undefined) return [];
  return last.modes.map((m, index) => ({
    benchmark: NAME,
    name: `idle PostgreSQL % of a core less baseline, ${m.mode}, at ${last.events.toLocaleString('en-US')} events (ceiling: at ${firstResult.events.toLocaleString('en-US')})`,
    unit: '%',
    value: (m.idleAtHead.postgresCores - last.baseline.postgresCores) * 100,
    ceiling:
      ((firstResult.modes[index]?.idleAtHead.postgresCores ?? Number.NaN) -
        firstResult.baseline.postgresCores) *
      100,
    higherIsBetter: false,
  }));
}

export const backgroundCost: Benchmark = {
  name: NAME,
  title: 'idle PostgreSQL CPU and per-write database time vs log length (issue 21; only when named)',
  run,
};
