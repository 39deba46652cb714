import { PostgresEventStore, START, type SqlExecutor } from '@carenet/eventsourcing';
import { withFreshDatabase } from './bench-database.js';
import { BENCH_CATEGORY, benchEvent } from './bench-events.js';
import type { Benchmark } from './benchmark.js';
import { atLeast, standardFigures } from './figure.js';
import { figureTable } from './figure-table.js';
import { fillStore } from './fill-store.js';
import { startMemorySampler } from './memory-sampler.js';
import { phaseResult, type PhaseResult } from './phase-result.js';

const BATCH = 500;

/** Reads the whole log in batches; `readBatch` returns how many events it got. */
async function measure(readBatch: () => Promise<number>): Promise<PhaseResult> {
  const memory = startMemorySampler();
  const latencies: number[] = [];
  let events = 0;
  const started = performance.now();
  for (;;) {
    const batchStarted = performance.now();
    const count = await readBatch();
    latencies.push(performance.now() - batchStarted);
    events += count;
    if (count === 0) break;
  }
  const seconds = (performance.now() - started) / 1000;
  return phaseResult(events, seconds, latencies, memory.stop());
}

/** Keyset pagination on the primary key, no visibility gate, rows as `pg` returns them. */
function rawKeysetReader(sql: SqlExecutor): () => Promise<number> {
  let after = '0';
  return async () => {
    const rows = await sql.query<{ global_position: string }>(
      `SELECT global_position, stream_id, stream_revision, event_id, event_type, data, metadata, recorded_at
         FROM eventstore.events WHERE global_position > $1::bigint ORDER BY global_position LIMIT $2`,
      [after, BATCH],
    );
    after = rows.at(-1)?.global_position ?? after;
    return rows.length;
  };
}

/** readAll in batches of 500 over the whole global log, against raw keyset pagination. */
export const globalLogRead: Benchmark = {
  name: 'global-log-read',
  title: 'global-log read throughput (readAll, batches of 500)',
  async run(context) {
    const total = context.quick ? 20_000 : 100_000;
    return withFreshDatabase('read_all', async (db) => {
      const store = await PostgresEventStore.open(db);
      context.progress(`global-log read: filling the store with ${total.toLocaleString('en-US')} events`);
      const fillSeconds = await fillStore(store, BENCH_CATEGORY, total, benchEvent);
      context.progress(
        `global-log read: filled in ${fillSeconds.toFixed(1)} s; carenet store.readAll, batches of ${BATCH}`,
      );
      let position = START;
      const product = await measure(async () => {
        const batch = await store.readAll(position, { limit: BATCH });
        position = batch.next;
        return batch.events.length;
      });
      context.progress('global-log read: ceiling, raw SELECT ... ORDER BY global_position keyset pagination');
      const ceiling = await measure(rawKeysetReader(db));
      if (product.events !== total || ceiling.events !== total) {
        throw new Error(`read ${product.events} (carenet) and ${ceiling.events} (raw) events of ${total}`);
      }
      const figures = standardFigures('global-log read', `batch of ${BATCH}`, product, ceiling, {
        throughput: atLeast(20_000, 'ev/s'),
      });
      context.report([
        `global-log read throughput, ${total.toLocaleString('en-US')} events`,
        ...figureTable(figures, { withBenchmark: false }),
      ]);
      return figures;
    });
  },
};
