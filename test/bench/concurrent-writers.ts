import type { NewEvent } from '@carenet/eventsourcing';

export interface WriterPlan {
  /** Writers appending at once, each awaiting its previous append. */
  readonly writers: number;
  readonly streams: readonly string[];
  /** Events per append. */
  readonly batchSize: number;
  /** A multiple of batchSize. */
  readonly totalEvents: number;
}

/** Appends `events` to `streamId`, whose first event gets revision `firstRevision`. */
export type AppendBatch = (streamId: string, events: NewEvent[], firstRevision: number) => Promise<unknown>;

/**
 * Append `k` goes to stream `k mod streams`, writer `k mod writers`: with as many streams as a
 * multiple of the writers, each stream has one writer, so revisions are known in advance and no
 * append conflicts. Returns the latency of every append, in milliseconds.
 */
export async function runConcurrentWriters(
  plan: WriterPlan,
  makeEvent: (seq: number) => NewEvent,
  append: AppendBatch,
): Promise<number[]> {
  const appends = Math.floor(plan.totalEvents / plan.batchSize);
  const streamCount = plan.streams.length;
  const latencies = new Array<number>(appends);
  await Promise.all(
    Array.from({ length: plan.writers }, async (_, writer) => {
      for (let k = writer; k < appends; k += plan.writers) {
        const streamId = plan.streams[k % streamCount]!;
        const firstRevision = Math.floor(k / streamCount) * plan.batchSize;
        const events = Array.from({ length: plan.batchSize }, (_e, i) => makeEvent(k * plan.batchSize + i));
        const started = performance.now();
        await append(streamId, events, firstRevision);
        latencies[k] = performance.now() - started;
      }
    }),
  );
  return latencies;
}
