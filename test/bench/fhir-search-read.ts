import { randomUUID } from 'node:crypto';
import { postgresDatabase, type SqlDatabase, type SqlExecutor } from '@carenet/eventsourcing';
import {
  IndexValueExtractor,
  parseSearchRequest,
  PostgresSearchStore,
  SearchParameterRegistry,
} from '@carenet/fhir';
import { createTestDatabase } from '@carenet/testing';
import type { BenchContext, Benchmark } from './benchmark.js';
import { below, type Figure, type Target } from './figure.js';
import { figureTable } from './figure-table.js';
import { instrumentedDatabase } from './instrumented-database.js';
import { startMemorySampler } from './memory-sampler.js';
import { phaseResult, type PhaseResult } from './phase-result.js';

/** A FHIR resource as the store takes and returns it (the `fhir` types are not a dependency here). */
type Resource = Parameters<PostgresSearchStore['put']>[1];

const POOL = 16;
/** Tasks per fill transaction, and writers filling at once. */
const FILL_BATCH = 500;
const FILL_WRITERS = 4;
/** Async loops issuing queries back to back during a measured phase. */
const CONCURRENCY = 8;
const OWNERS = 200;
const PATIENTS = 5_000;
const OWNER_SYSTEM = 'urn:oid:1.2.250.1.71.4.2.1';
const INS_SYSTEM = 'urn:oid:1.2.250.1.213.1.4.8';
const DAY_MS = 86_400_000;
/** authoredOn spreads over the year from this day. */
const YEAR_START = Date.UTC(2026, 0, 1);

const STATUSES = [
  'requested',
  'requested',
  'received',
  'accepted',
  'accepted',
  'in-progress',
  'on-hold',
  'completed',
  'completed',
  'completed',
  'cancelled',
] as const;
const PRIORITIES = ['routine', 'routine', 'routine', 'urgent', 'asap', 'stat'] as const;
const CODES = [
  ['225358003', 'Wound care'],
  ['18629005', 'Administration of medication'],
  ['385763009', 'Hospice care'],
  ['33879002', 'Administration of vaccine'],
  ['395170001', 'Medication monitoring'],
] as const;

/** A small seeded generator (mulberry32): the same Tasks and queries from run to run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const pick = <T>(next: () => number, items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
const ownerValue = (n: number) => `8${String(n).padStart(10, '0')}`;
const patientIns = (n: number) => `2${String(n).padStart(12, '0')}`;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** A delegated nursing act as carenet stores it: people by national identifier, a code, periods. */
function benchTask(id: string, next: () => number): Resource {
  const authored = YEAR_START + Math.floor(next() * 365 * DAY_MS);
  const start = authored + Math.floor((1 + next() * 3) * DAY_MS);
  const end = start + Math.floor((1 + next() * 14) * DAY_MS);
  const [code, display] = pick(next, CODES);
  return {
    resourceType: 'Task',
    id,
    identifier: [{ system: 'https://carenet.example.org/fhir/sid/task', value: `T-${id.slice(0, 8)}` }],
    status: pick(next, STATUSES),
    intent: 'order',
    priority: pick(next, PRIORITIES),
    code: { coding: [{ system: 'http://snomed.info/sct', code, display }] },
    description: 'Soin infirmier à domicile selon le protocole de coopération.',
    for: {
      type: 'Patient',
      identifier: { system: INS_SYSTEM, value: patientIns(Math.floor(next() * PATIENTS)) },
    },
    authoredOn: new Date(authored).toISOString(),
    lastModified: new Date(authored + 300_000).toISOString(),
    requester: { identifier: { system: 'https://rpps.esante.gouv.fr', value: '10101010101' } },
    owner: { identifier: { system: OWNER_SYSTEM, value: ownerValue(Math.floor(next() * OWNERS)) } },
    executionPeriod: { start: new Date(start).toISOString(), end: new Date(end).toISOString() },
    restriction: {
      repetitions: 1,
      period: { start: new Date(start).toISOString(), end: new Date(end).toISOString() },
    },
    note: [{ time: new Date(authored).toISOString(), text: 'Patient à jeun non requis.' }],
  } as Resource;
}

/** Fills the store, `FILL_WRITERS` writers each committing transactions of `FILL_BATCH` puts. */
async function fill(
  context: BenchContext,
  db: SqlDatabase,
  store: PostgresSearchStore,
  extractor: IndexValueExtractor,
  total: number,
): Promise<{ ids: string[]; seconds: number }> {
  const ids = Array.from({ length: total }, () => randomUUID());
  const next = random(1);
  const tasks = ids.map((id) => benchTask(id, next));
  const lastUpdated = new Date().toISOString();
  const batches = Math.ceil(total / FILL_BATCH);
  let done = 0;
  let reported = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: FILL_WRITERS }, async (_, writer) => {
      for (let b = writer; b < batches; b += FILL_WRITERS) {
        const batch = tasks.slice(b * FILL_BATCH, (b + 1) * FILL_BATCH);
        await db.transaction(async (tx) => {
          for (const task of batch)
            await store.put(tx, task, { versionId: 1, lastUpdated }, extractor.extract(task));
        });
        done += batch.length;
        if (done - reported >= total / 5 || done === total) {
          reported = done;
          const seconds = (performance.now() - started) / 1000;
          context.progress(
            `fhir search read: filled ${done.toLocaleString('en-US')} Tasks (${Math.round(done / seconds)} Tasks/s)`,
          );
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  // The steady state of a live server, where autovacuum has visited the freshly filled tables
  // (statistics, and the visibility map that lets searches use index-only scans).
  await db.query('VACUUM (ANALYZE)');
  return { ids, seconds };
}

/** `CONCURRENCY` loops running `operation` back to back for `seconds`; one latency per call. */
async function measure(
  seconds: number,
  operation: (next: () => number) => Promise<unknown>,
): Promise<PhaseResult> {
  const memory = startMemorySampler();
  const latencies: number[] = [];
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, loop) => {
      const next = random(100 + loop);
      while (performance.now() < deadline) {
        const opStarted = performance.now();
        await operation(next);
        latencies.push(performance.now() - opStarted);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  return phaseResult(latencies.length, elapsed, latencies, memory.stop());
}

/** What the HTTP handler would send for a page (the searchset Bundle), without HTTP. */
function bundleJson(resources: readonly Resource[]): string {
  return JSON.stringify({
    resourceType: 'Bundle',
    type: 'searchset',
    entry: resources.map((resource) => ({ fullUrl: `Task/${resource.id ?? ''}`, resource })),
  });
}

/**
 * The ceiling of a search by reference: the same rows as `patient:identifier=` /
 * `owner:identifier=` (first page of 20 in id order, content as `pg` returns it, then the same
 * Bundle JSON), hand-written straight on `fhir.reference_index`'s identifier index. It is what
 * one indexed lookup returning a page of Tasks costs on this server and pool: no query parsing,
 * no generic clause SQL, no sort keys, no cursor, no `_include` pass. Token, date and work-queue
 * searches are set beside the patient one (the cheapest indexed search returning a page of
 * Tasks, not their own equivalent).
 */
async function rawReferenceSearch(
  sql: SqlExecutor,
  param: string,
  system: string,
  value: string,
): Promise<string> {
  const rows = await sql.query<{ content: Resource }>(
    `SELECT r.content FROM fhir.resources r
      WHERE r.resource_type = 'Task' AND r.id IN (
        SELECT x.id FROM fhir.reference_index x
         WHERE x.resource_type = 'Task' AND x.param = $1 AND x.identifier_value = $2 AND x.identifier_system = $3)
      ORDER BY r.id LIMIT 21`,
    [param, value, system],
  );
  return bundleJson(rows.slice(0, 20).map((r) => r.content));
}

interface SearchKind {
  readonly key: string;
  readonly label: string;
  readonly query: (next: () => number) => string;
}

const randomDay = (next: () => number) => YEAR_START + Math.floor(next() * 358) * DAY_MS;

const SEARCHES: readonly SearchKind[] = [
  { key: 'token', label: 'search status (token)', query: () => 'status=requested,accepted&_count=20' },
  {
    key: 'patient',
    label: 'search patient:identifier',
    query: (next) => `patient:identifier=${INS_SYSTEM}|${patientIns(Math.floor(next() * PATIENTS))}`,
  },
  {
    key: 'owner',
    label: 'search owner:identifier',
    query: (next) => `owner:identifier=${OWNER_SYSTEM}|${ownerValue(Math.floor(next() * OWNERS))}`,
  },
  {
    key: 'date',
    label: 'search authored-on week',
    query: (next) => {
      const day = randomDay(next);
      return `authored-on=ge${isoDay(day)}&authored-on=lt${isoDay(day + 7 * DAY_MS)}&_count=20`;
    },
  },
  {
    key: 'queue',
    label: 'search work queue',
    query: (next) =>
      `owner:identifier=${OWNER_SYSTEM}|${ownerValue(Math.floor(next() * OWNERS))}` +
      '&status=requested,received,accepted&_sort=-priority,period&_count=20',
  },
];

/** The figures of one kind of query beside its ceiling: queries/s, p50, p99, max. */
function kindFigures(label: string, product: PhaseResult, ceiling: PhaseResult, p99: Target): Figure[] {
  const figure = (
    name: string,
    unit: string,
    value: (r: PhaseResult) => number,
    higherIsBetter: boolean,
    target?: Target,
  ): Figure => ({
    benchmark: 'fhir-search-read',
    name: `${label} ${name}`,
    unit,
    value: value(product),
    ceiling: value(ceiling),
    higherIsBetter,
    ...(target && { target }),
  });
  return [
    figure('q/s', 'q/s', (r) => r.throughput, true),
    figure('p50', 'ms', (r) => r.latency.p50, false),
    figure('p99', 'ms', (r) => r.latency.p99, false, p99),
    figure('max', 'ms', (r) => r.latency.max, false),
  ];
}

/** A 100,000-Task read model searched and read at concurrency 8, beside raw SQL on the same tables. */
export const fhirSearchRead: Benchmark = {
  name: 'fhir-search-read',
  title: `FHIR search read model (PostgresSearchStore, Tasks, concurrency ${CONCURRENCY})`,
  async run(context) {
    const total = context.quick ? 20_000 : 100_000;
    const seconds = context.quick ? 5 : 10;
    const database = await createTestDatabase('bench_fhir_search');
    const db = postgresDatabase({
      connectionString: database.url,
      max: POOL,
      applicationName: 'carenet-bench',
    });
    try {
      await Promise.all(Array.from({ length: POOL }, () => db.query('SELECT 1')));
      const registry = SearchParameterRegistry.r4({ supported: { Task: 'all' } });
      const extractor = new IndexValueExtractor(registry);
      const store = await PostgresSearchStore.open(db);
      context.progress(
        `fhir search read: filling ${total.toLocaleString('en-US')} Tasks, ${FILL_WRITERS} writers, transactions of ${FILL_BATCH}`,
      );
      const filled = await fill(context, db, store, extractor, total);
      const fillRate = total / filled.seconds;
      context.progress(
        `fhir search read: filled in ${filled.seconds.toFixed(1)} s (${Math.round(fillRate)} Tasks/s)`,
      );
      const { ids } = filled;

      const parse = (query: string) => {
        const parsed = parseSearchRequest('Task', new URLSearchParams(query), { registry, now: new Date() });
        if (!parsed.ok) throw new Error(`${query}: ${parsed.errors.map((e) => e.message).join('; ')}`);
        return parsed.request;
      };
      const search = async (query: string) => {
        const page = await store.search(parse(query));
        return bundleJson(page.resources);
      };
      // Every query matches something (a query matching nothing would measure an empty page).
      for (const kind of SEARCHES) {
        const page = await store.search(parse(kind.query(random(7))));
        if (page.resources.length === 0) throw new Error(`${kind.label}: no match`);
      }

      const phase = async (label: string, operation: (next: () => number) => Promise<unknown>) => {
        context.progress(`fhir search read: ${label}, ${CONCURRENCY} loops for ${seconds} s`);
        return measure(seconds, operation);
      };
      const readProduct = await phase('carenet store.read by id', async (next) => {
        const resource = await store.read('Task', pick(next, ids));
        if (resource === undefined) throw new Error('read: not found');
        return JSON.stringify(resource);
      });
      const readCeiling = await phase('ceiling, raw SELECT content by id', async (next) => {
        const rows = await db.query<{ content: Resource }>(
          "SELECT content FROM fhir.resources WHERE resource_type = 'Task' AND id = $1",
          [pick(next, ids)],
        );
        if (rows[0] === undefined) throw new Error('raw read: not found');
        return JSON.stringify(rows[0].content);
      });
      const patientCeiling = await phase('ceiling, raw SQL patient identifier on reference_index', (next) =>
        rawReferenceSearch(db, 'patient', INS_SYSTEM, patientIns(Math.floor(next() * PATIENTS))),
      );
      const ownerCeiling = await phase('ceiling, raw SQL owner identifier on reference_index', (next) =>
        rawReferenceSearch(db, 'owner', OWNER_SYSTEM, ownerValue(Math.floor(next() * OWNERS))),
      );
      const searchP99 = below(25, 'ms');
      const figures: Figure[] = [];
      const products: PhaseResult[] = [readProduct];
      for (const kind of SEARCHES) {
        const product = await phase(`carenet ${kind.label}`, (next) => search(kind.query(next)));
        products.push(product);
        figures.push(
          ...kindFigures(
            kind.label,
            product,
            kind.key === 'owner' ? ownerCeiling : patientCeiling,
            searchP99,
          ),
        );
      }
      figures.push(...kindFigures('read by id', readProduct, readCeiling, below(5, 'ms')));
      const ceilings = [readCeiling, patientCeiling, ownerCeiling];
      const peak = (results: PhaseResult[], of: (r: PhaseResult) => number) => Math.max(...results.map(of));
      for (const [name, of] of [
        ['peak RSS', (r: PhaseResult) => r.memory.rssMb],
        ['peak heap used', (r: PhaseResult) => r.memory.heapUsedMb],
      ] as const) {
        figures.push({
          benchmark: 'fhir-search-read',
          name,
          unit: 'MiB',
          value: peak(products, of),
          ceiling: peak(ceilings, of),
          higherIsBetter: false,
        });
      }
      figures.push({
        benchmark: 'fhir-search-read',
        name: 'fill (store.put)',
        unit: 'Tasks/s',
        value: fillRate,
        ceiling: Number.NaN,
        higherIsBetter: true,
      });

      // Where the time goes: the plan of one query of each kind, as the store sends it (the top of
      // it; the whole plan of the work queue, whose `_sort` keys are subqueries per matching row).
      const captured: { text: string; params: readonly unknown[] }[] = [];
      const observedStore = await PostgresSearchStore.open(
        instrumentedDatabase(db, (text, params) => {
          if (text.includes('fhir.resources r WHERE')) captured.push({ text, params: params ?? [] });
        }),
      );
      const plans: string[] = [];
      for (const kind of SEARCHES) {
        captured.length = 0;
        await observedStore.search(parse(kind.query(random(11))));
        const statement = captured[0];
        if (statement === undefined) continue;
        const plan = await db.query<{ 'QUERY PLAN': string }>(
          `EXPLAIN (ANALYZE, BUFFERS) ${statement.text}`,
          statement.params,
        );
        const lines = plan.map((row) => row['QUERY PLAN']);
        const execution = lines.find((l) => l.startsWith('Execution Time')) ?? '';
        const shown = kind.key === 'queue' ? 60 : 6;
        plans.push(
          `${kind.label}: ${execution}`,
          ...lines.slice(0, shown).map((l) => `    ${l.slice(0, 150)}`),
        );
      }

      context.report([
        `FHIR search read model, ${total.toLocaleString('en-US')} Tasks, ${CONCURRENCY} concurrent loops, ${seconds} s per phase, pool of ${POOL}`,
        `fill: ${Math.round(fillRate)} Tasks/s (store.put + extractor.extract, ${FILL_WRITERS} writers, transactions of ${FILL_BATCH})`,
        'latency = parse + SQL + Bundle JSON; ceilings: raw SELECT by id (read), raw SQL on reference_index (searches)',
        ...figureTable(figures, { withBenchmark: false }),
        '',
        'where the time goes: EXPLAIN (ANALYZE, BUFFERS) of one query of each kind, as the store sends it',
        ...plans,
      ]);
      return figures;
    } finally {
      await db.close().catch(() => undefined);
      await database.drop();
    }
  },
};
