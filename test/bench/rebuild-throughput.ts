import type { Task } from 'fhir/r4.js';
import type { Actor } from '@carenet/access';
import { runCli } from '@carenet/cli';
import type { SqlExecutor } from '@carenet/eventsourcing';
import { PostgresSearchStore, SearchParameterRegistry, type RequestContext } from '@carenet/fhir';
import { openTasksService, TASKS_SEARCH_SUPPORT } from '@carenet/tasks';
import { withFreshDatabase } from './bench-database.js';
import type { Benchmark } from './benchmark.js';
import { atLeast, figureOf } from './figure.js';
import { figureTable } from './figure-table.js';
import { startMemorySampler } from './memory-sampler.js';
import { phaseResult, type PhaseResult } from './phase-result.js';

const BATCH = 1000;
const IDNPS = 'urn:oid:1.2.250.1.71.4.2.1';
const GP: Actor = {
  kind: 'professional',
  identifier: { system: IDNPS, value: '810000000001' },
  profession: {
    system: 'https://mos.esante.gouv.fr/NOS/TRE_G15-ProfessionSante/FHIR/TRE-G15-ProfessionSante',
    code: '10',
  },
  sector: 'primary-care',
};
const context: RequestContext = {
  baseUrl: 'http://bench/fhir',
  requestId: 'bench-rebuild',
  principal: { actor: GP, allows: () => true },
};

const delegation = (n: number): Task => ({
  resourceType: 'Task',
  status: 'requested',
  intent: 'order',
  priority: 'routine',
  code: { text: `act ${n}` },
  for: {
    identifier: { system: 'urn:oid:1.2.250.1.213.1.4.8', value: `2790351${String(n).padStart(8, '0')}` },
  },
  owner: { identifier: { system: IDNPS, value: '810000000002' } },
});

/** The ceiling: the whole log read by keyset pagination on the primary key. */
async function rawGlobalRead(sql: SqlExecutor): Promise<PhaseResult> {
  const memory = startMemorySampler();
  const latencies: number[] = [];
  let after = '0';
  let events = 0;
  const started = performance.now();
  for (;;) {
    const batchStarted = performance.now();
    const rows = await sql.query<{ global_position: string }>(
      `SELECT global_position, stream_id, stream_revision, event_id, event_type, data, metadata, recorded_at
         FROM eventstore.events WHERE global_position > $1::bigint ORDER BY global_position LIMIT $2`,
      [after, BATCH],
    );
    latencies.push(performance.now() - batchStarted);
    if (rows.length === 0) break;
    events += rows.length;
    after = rows.at(-1)?.global_position ?? after;
  }
  return phaseResult(events, (performance.now() - started) / 1000, latencies, memory.stop());
}

/**
 * `carenet projections rebuild tasks` over a store of Tasks created through the service (their
 * real events), the whole command timed, beside the raw global-read ceiling of the same store.
 */
export const rebuildThroughput: Benchmark = {
  name: 'rebuild-throughput',
  title:
    'carenet projections rebuild tasks tasks-read-model (online: bulk, indexes, catch-up, switch) beside the raw global read',
  async run(context_) {
    const tasks = context_.quick ? 5_000 : 20_000;
    return withFreshDatabase('rebuild', async (db, url) => {
      const service = await openTasksService({
        db,
        search: await PostgresSearchStore.open(db),
        registry: SearchParameterRegistry.r4({ supported: { ...TASKS_SEARCH_SUPPORT } }),
        overdueIntervalMs: false,
      });
      const create = service.provider.create?.bind(service.provider);
      if (!create) throw new Error('the Task provider cannot create');
      context_.progress(`rebuild: creating ${tasks.toLocaleString('en-US')} Tasks through the service`);
      let next = 0;
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          while (next < tasks) await create(delegation(next++), context);
        }),
      );
      await service.stop();
      const [count] = await db.query<{ n: string }>('SELECT count(*)::text AS n FROM eventstore.events');
      const total = Number(count?.n);
      context_.progress(
        `rebuild: carenet projections rebuild tasks (${total.toLocaleString('en-US')} events)`,
      );
      const memory = startMemorySampler();
      let stdout = '';
      let stderr = '';
      const started = performance.now();
      const code = await runCli(['projections', 'rebuild', 'tasks', 'tasks-read-model', '--json'], {
        stdout: { write: (text: string) => (stdout += text) },
        stderr: { write: (text: string) => (stderr += text) },
        env: { DATABASE_URL: url },
      });
      const seconds = (performance.now() - started) / 1000;
      const peak = memory.stop();
      const summary = JSON.parse(stdout || '{}') as {
        events?: number;
        seconds?: number;
        switchMs?: number;
        phases?: Record<string, number>;
      };
      if (code !== 0 || summary.events !== total) {
        throw new Error(`rebuild exited with ${code}, ${summary.events ?? 0} of ${total} events: ${stderr}`);
      }
      const product = phaseResult(total, seconds, [seconds * 1000], peak);
      // The replay alone, without opening the service (its read-model migrations, the R4 search
      // parameter definitions): what grows with the log.
      const replaySeconds = summary.seconds ?? seconds;
      const replay = phaseResult(total, replaySeconds, [replaySeconds * 1000], peak);
      context_.progress('rebuild: ceiling, raw SELECT ... ORDER BY global_position keyset pagination');
      const ceiling = await rawGlobalRead(db);
      const figure = figureOf('rebuild', product, ceiling);
      const figures = [
        figure('throughput, whole command', 'ev/s', (r) => r.throughput, true),
        figureOf('rebuild', replay, ceiling)(
          'throughput, replay only',
          'ev/s',
          (r) => r.throughput,
          true,
          atLeast(20_000, 'ev/s'),
        ),
        figure('peak RSS', 'MiB', (r) => r.memory.rssMb, false),
      ];
      const phases = Object.entries(summary.phases ?? {})
        .map(([phase, s]) => `${phase} ${s.toFixed(2)} s`)
        .join(', ');
      context_.report([
        `projections rebuild tasks tasks-read-model (online), ${total.toLocaleString('en-US')} events: ${phases}; ` +
          `the switch held the log ${summary.switchMs ?? '?'} ms`,
        ...figureTable(figures, { withBenchmark: false }),
      ]);
      return figures;
    });
  },
};
