import { PostgresEventStore } from '@carenet/eventsourcing';
import { withFreshDatabase } from './bench-database.js';
import { BENCH_CATEGORY, benchEvent, freshStreams } from './bench-events.js';
import type { BenchContext, Benchmark } from './benchmark.js';
import { runConcurrentWriters, type AppendBatch, type WriterPlan } from './concurrent-writers.js';
import { closeAndReadFunctionStats } from './function-stats.js';
import { atLeastOfCeiling, standardFigures, type Figure } from './figure.js';
import { figureTable } from './figure-table.js';
import { startMemorySampler } from './memory-sampler.js';
import { phaseResult, type PhaseResult } from './phase-result.js';
import { RAW_EVENT_TABLE, rawInsert } from './raw-event-table.js';

const WRITERS = 4;
const STREAMS = 500;

function eventsFor(batchSize: number, quick: boolean): number {
  if (batchSize === 1) return quick ? 4_000 : 30_000;
  return quick ? 10_000 : 100_000;
}

async function measure(plan: WriterPlan, append: AppendBatch): Promise<PhaseResult> {
  const memory = startMemorySampler();
  const started = performance.now();
  const latencies = await runConcurrentWriters(plan, benchEvent, append);
  const seconds = (performance.now() - started) / 1000;
  return phaseResult(plan.totalEvents, seconds, latencies, memory.stop());
}

async function appendPhase(context: BenchContext, batchSize: number): Promise<Figure[]> {
  const totalEvents = eventsFor(batchSize, context.quick);
  const label = `${batchSize} event${batchSize === 1 ? '' : 's'} per append`;
  const plan = (): WriterPlan => ({
    writers: WRITERS,
    streams: freshStreams(BENCH_CATEGORY, STREAMS),
    batchSize,
    totalEvents,
  });

  context.progress(
    `append, ${label}: carenet store.append, ${totalEvents.toLocaleString('en-US')} events, ${WRITERS} writers, ${STREAMS} streams, fresh database`,
  );
  const { product, server } = await withFreshDatabase(`append_${batchSize}`, async (db, url) => {
    const store = await PostgresEventStore.open(db);
    const result = await measure(plan(), (streamId, events, first) =>
      store.append(streamId, events, first === 0 ? 'no-stream' : first - 1),
    );
    return {
      product: result,
      server: await closeAndReadFunctionStats(db, url, 'eventstore', 'append_events'),
    };
  });
  context.progress(
    `append, ${label}: ceiling, raw INSERT of the same rows into an equivalent table, fresh database`,
  );
  const ceiling = await withFreshDatabase(`append_raw_${batchSize}`, async (db) => {
    await db.script(RAW_EVENT_TABLE);
    return measure(plan(), (streamId, events, first) => rawInsert(db, streamId, events, first));
  });

  const figures = standardFigures(`append, ${label}`, 'append', product, ceiling, {
    throughput: atLeastOfCeiling(0.5),
  });
  context.report([
    `append throughput, ${label}`,
    ...figureTable(figures, { withBenchmark: false }),
    server
      ? `  server time in eventstore.append_events: ${server.meanMs.toFixed(3)} ms per append (mean of ${server.calls.toLocaleString('en-US')} calls)`
      : '  server time in eventstore.append_events: not tracked by this server',
  ]);
  return figures;
}

/** Appends of 1 and of 10 events, 4 concurrent writers over 500 streams, against raw INSERTs. */
export const appendThroughput: Benchmark = {
  name: 'append-throughput',
  title: 'append throughput (batches of 1 and 10 events, 4 writers, 500 streams)',
  async run(context) {
    return [...(await appendPhase(context, 1)), ...(await appendPhase(context, 10))];
  },
};
