// `pnpm bench background-cost` (issue 21): what the embedded gateway's background readers (relays,
// consumers, clocks) cost PostgreSQL at idle, and what a write costs the database, as the event
// log grows: the store filled (its own append, foreign events) to each size, then the gateway
// process started on it.
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { PostgresEventStore, postgresDatabase, type SqlDatabase } from '@carenet/eventsourcing';
import { createTestDatabase, devToken, startGatewayProcess, type RunningGateway } from '@carenet/testing';
import { BENCH_CATEGORY, benchEvent } from './bench-events.js';
import type { BenchContext, Benchmark } from './benchmark.js';
import type { Figure } from './figure.js';
import { fillStore } from './fill-store.js';
import { postgresClusterCpuSeconds, postmasterOf } from './postgres-backend-cpu.js';
import { processTreeCpuSeconds } from './process-tree-cpu.js';
import { delegation, random } from './tasks-load-model.js';

/** The GP of tasks-load-model.ts, who requests every Task. */
const GP_IDNPS = '810100000001';
const NAME = 'background-cost';

function sizes(quick: boolean): number[] {
  const raw = process.env.CARENET_BENCH_BACKGROUND_SIZES;
  if (raw !== undefined && raw !== '') return raw.split(',').map(Number);
  return quick ? [20_000, 100_000] : [100_000, 1_000_000];
}

const envNumber = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? '');
  return Number.isFinite(value) && value > 0 ? value : fallback;
};

interface IndexReads {
  /** index name → buffers hit + read */
  readonly blocks: Map<string, number>;
  readonly scans: Map<string, number>;
}

async function indexReads(db: SqlDatabase): Promise<IndexReads> {
  const rows = await db.query<{ name: string; blocks: string; scans: string }>(
    `SELECT s.schemaname || '.' || s.indexrelname AS name,
            (io.idx_blks_hit + io.idx_blks_read)::text AS blocks, s.idx_scan::text AS scans
       FROM pg_stat_user_indexes s JOIN pg_statio_user_indexes io USING (indexrelid)`,
  );
  return {
    blocks: new Map(rows.map((r) => [r.name, Number(r.blocks)])),
    scans: new Map(rows.map((r) => [r.name, Number(r.scans)])),
  };
}

async function functionTime(db: SqlDatabase): Promise<Map<string, { calls: number; ms: number }>> {
  const rows = await db.query<{ name: string; calls: string; ms: number }>(
    `SELECT schemaname || '.' || funcname AS name, calls::text AS calls, total_time AS ms FROM pg_stat_user_functions`,
  );
  return new Map(rows.map((r) => [r.name, { calls: Number(r.calls), ms: r.ms }]));
}

interface Idle {
  readonly postgresCores: number;
  readonly gatewayCores: number;
  /** The indexes read most during the idle window: name, buffers/s, scans/s. */
  readonly hottest: string[];
  readonly load: number;
}

async function measureIdle(
  db: SqlDatabase,
  postmaster: number | undefined,
  gateway: RunningGateway,
  seconds: number,
): Promise<Idle> {
  const load = loadavg()[0] ?? Number.NaN;
  // The statistics collector's view is a snapshot per transaction: a fresh one each time.
  await db.query('SELECT pg_stat_clear_snapshot()');
  const before = await indexReads(db);
  const pg0 = postgresClusterCpuSeconds(postmaster);
  const gw0 = processTreeCpuSeconds(gateway.child.pid ?? 0);
  const started = performance.now();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const wall = (performance.now() - started) / 1000;
  const pg = postgresClusterCpuSeconds(postmaster) - pg0;
  const gw = processTreeCpuSeconds(gateway.child.pid ?? 0) - gw0;
  // Statistics reach the views with a delay (PG 15: at the end of a transaction, flushed each second at most).
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  await db.query('SELECT pg_stat_clear_snapshot()');
  const after = await indexReads(db);
  const hottest = [...after.blocks.entries()]
    .map(([name, blocks]) => ({
      name,
      blocks: (blocks - (before.blocks.get(name) ?? 0)) / wall,
      scans: ((after.scans.get(name) ?? 0) - (before.scans.get(name) ?? 0)) / wall,
    }))
    .filter((r) => r.blocks > 0 || r.scans > 0)
    .sort((a, b) => b.blocks - a.blocks)
    .slice(0, 5)
    .map((r) => `${r.name} ${r.blocks.toFixed(0)} buffers/s, ${r.scans.toFixed(1)} scans/s`);
  return { postgresCores: pg / wall, gatewayCores: gw / wall, hottest, load };
}

interface SizeResult {
  readonly events: number;
  readonly idleBehind: Idle;
  readonly idleAtHead: Idle;
  readonly writes: number;
  readonly postgresMsPerWrite: number;
  readonly netPostgresMsPerWrite: number;
  readonly eventsPerWrite: number;
  readonly appendMsPerWrite: number;
  readonly writeLoad: number;
}

async function run(context: BenchContext): Promise<Figure[]> {
  const progress = (line: string) => {
    context.progress(line);
  };
  const targets = sizes(context.quick);
  const idleSeconds = envNumber('CARENET_BENCH_BACKGROUND_IDLE_SECONDS', context.quick ? 10 : 30);
  const writes = envNumber('CARENET_BENCH_BACKGROUND_WRITES', context.quick ? 100 : 300);
  const database = await createTestDatabase('background_cost');
  const db = postgresDatabase({ connectionString: database.url, max: 4 });
  const results: SizeResult[] = [];
  const dataDir = mkdtempSync(join(tmpdir(), 'carenet-background-cost-'));
  try {
    const [row] = await db.query<{ pid: number; name: string }>(
      'SELECT pg_backend_pid() AS pid, current_database() AS name',
    );
    const postmaster = postmasterOf(Number(row?.pid));
    await db.query(`ALTER DATABASE "${row?.name ?? ''}" SET track_functions = 'pl'`);
    const env = {
      DATABASE_URL: database.url,
      KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '',
      CARENET_HTTP_WORKERS: '2',
      CARENET_LOG_LEVEL: 'warn',
    };
    // The gateway's first start creates its schemas; the store is filled while it is stopped.
    const first = await startGatewayProcess({ dataDir, env, healthyWithinMs: 180_000 });
    await first.stop();
    const store = await PostgresEventStore.open(db);
    let filled = 0;
    for (const target of targets) {
      const [count] = await db.query<{ n: string }>('SELECT count(*)::text AS n FROM eventstore.events');
      filled = Number(count?.n ?? 0);
      if (target > filled) {
        progress(
          `${NAME}: filling the store from ${filled.toLocaleString('en-US')} to ${target.toLocaleString('en-US')} events (category ${BENCH_CATEGORY})`,
        );
        const seconds = await fillStore(store, BENCH_CATEGORY, target - filled, benchEvent);
        progress(`${NAME}: filled in ${seconds.toFixed(0)} s`);
      }
      const [total] = await db.query<{ n: string }>('SELECT count(*)::text AS n FROM eventstore.events');
      const events = Number(total?.n ?? 0);
      const gateway = await startGatewayProcess({ dataDir, env, healthyWithinMs: 180_000 });
      try {
        progress(
          `${NAME}: ${events.toLocaleString('en-US')} events; gateway up (pid ${gateway.child.pid ?? '?'}), settling 15 s`,
        );
        await new Promise((resolve) => setTimeout(resolve, 15_000));
        const idleBehind = await measureIdle(db, postmaster, gateway, idleSeconds);
        progress(
          `${NAME}: idle ${(idleBehind.postgresCores * 100).toFixed(1)}% of a core (PostgreSQL); ${writes} creates`,
        );
        const token = devToken(gateway, '--professional', GP_IDNPS, '--profession', 'doctor');
        const next = random(5);
        const functions0 = await functionTime(db);
        const writeLoad = loadavg()[0] ?? Number.NaN;
        const [events0] = await db.query<{ n: string }>('SELECT count(*)::text AS n FROM eventstore.events');
        const pg0 = postgresClusterCpuSeconds(postmaster);
        const writesStarted = performance.now();
        for (let i = 0; i < writes; i += 1) {
          const ended = gateway.child.exitCode ?? gateway.child.signalCode;
          if (ended !== null)
            throw new Error(`the gateway exited (${ended}):\n${gateway.logs().slice(-4_000)}`);
          const response = await fetch(`${gateway.base}/fhir/Task`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/fhir+json' },
            body: JSON.stringify(delegation(next, i % 20, Date.UTC(2026, 11, 1), 1_000)),
          });
          await response.arrayBuffer();
          if (response.status !== 201) throw new Error(`create: ${response.status}`);
        }
        // What the in-process consumers and relays do for these writes, then back to idle.
        await new Promise((resolve) => setTimeout(resolve, 3_000));
        const pgWrites = postgresClusterCpuSeconds(postmaster) - pg0;
        const writeSeconds = (performance.now() - writesStarted) / 1000;
        const [events1] = await db.query<{ n: string }>('SELECT count(*)::text AS n FROM eventstore.events');
        await new Promise((resolve) => setTimeout(resolve, 1_500));
        await db.query('SELECT pg_stat_clear_snapshot()');
        const functions1 = await functionTime(db);
        const append = [...functions1.entries()]
          .filter(([name]) => name.endsWith('append_events'))
          .reduce((sum, [name, f]) => sum + f.ms - (functions0.get(name)?.ms ?? 0), 0);
        const idleAtHead = await measureIdle(db, postmaster, gateway, idleSeconds);
        results.push({
          events,
          idleBehind,
          idleAtHead,
          writes,
          postgresMsPerWrite: (pgWrites * 1000) / writes,
          // Less the idle readers' cost over the same time (measured just after, at head).
          netPostgresMsPerWrite: ((pgWrites - idleAtHead.postgresCores * writeSeconds) * 1000) / writes,
          eventsPerWrite: (Number(events1?.n ?? 0) - Number(events0?.n ?? 0)) / writes,
          appendMsPerWrite: append / writes,
          writeLoad,
        });
      } finally {
        await gateway.stop();
      }
    }
  } finally {
    await db.close().catch(() => undefined);
    await database.drop().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  }
  const pct = (cores: number) => `${(cores * 100).toFixed(2)}%`;
  const lines = [
    `The embedded gateway (CARENET_HTTP_WORKERS=2, every background reader running) on a store filled with foreign events (category ${BENCH_CATEGORY}); idle over ${idleSeconds} s`,
    '',
    '| events in the store | idle PostgreSQL (% of a core), readers behind / at head | idle gateway (% of a core) | PostgreSQL CPU ms per create (incl. consumers), gross / less idle | append_events ms per create | events per create | load average |',
    '|---:|---|---|---|---:|---:|---|',
    ...results.map(
      (r) =>
        `| ${r.events.toLocaleString('en-US')} | ${pct(r.idleBehind.postgresCores)} / ${pct(r.idleAtHead.postgresCores)} | ${pct(r.idleBehind.gatewayCores)} / ${pct(r.idleAtHead.gatewayCores)} | ${r.postgresMsPerWrite.toFixed(2)} / ${r.netPostgresMsPerWrite.toFixed(2)} | ${r.appendMsPerWrite.toFixed(2)} | ${r.eventsPerWrite.toFixed(1)} | ${r.idleBehind.load.toFixed(1)}, ${r.writeLoad.toFixed(1)}, ${r.idleAtHead.load.toFixed(1)} |`,
    ),
    '',
    'Indexes read most at idle (pg_statio_user_indexes, buffers hit + read per second):',
    ...results.flatMap((r) => [
      `  ${r.events.toLocaleString('en-US')} events, readers behind: ${r.idleBehind.hottest.join('; ') || 'none'}`,
      `  ${r.events.toLocaleString('en-US')} events, at head:        ${r.idleAtHead.hottest.join('; ') || 'none'}`,
    ]),
    '',
    '"Readers behind": right after the start on the filled store (the fill is of a category no reader follows); "at head":',
    `after ${writes} creates that every reader consumed. Target (issue 21): idle <= 1% of a core at 1M events.`,
    'PostgreSQL CPU per create: the cluster over the creates (one at a time) and 3 s after; "less idle": minus the idle',
    "readers' rate (at head) over that time. append_events: pg_stat_user_functions (track_functions = pl), every append",
    'of the time (the audit, the consumers) included.',
  ];
  context.report(lines);
  const last = results[results.length - 1];
  const firstResult = results[0];
  if (last === undefined || firstResult === undefined) return [];
  return [
    {
      benchmark: NAME,
      name: `idle PostgreSQL % of a core at ${last.events.toLocaleString('en-US')} events (ceiling: at ${firstResult.events.toLocaleString('en-US')})`,
      unit: '%',
      value: last.idleAtHead.postgresCores * 100,
      ceiling: firstResult.idleAtHead.postgresCores * 100,
      higherIsBetter: false,
    },
  ];
}

export const backgroundCost: Benchmark = {
  name: NAME,
  title: 'idle PostgreSQL CPU and per-write database time vs log length (issue 21; only when named)',
  run,
};
