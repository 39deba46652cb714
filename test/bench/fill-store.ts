import type { NewEvent, PostgresEventStore } from '@carenet/eventsourcing';
import { freshStreams } from './bench-events.js';
import { runConcurrentWriters } from './concurrent-writers.js';

/**
 * Fills a store through its own append (100 events per append, 4 writers, 500 streams): fast,
 * and the rows are what the product writes, transaction ids included.
 */
export async function fillStore(
  store: PostgresEventStore,
  category: string,
  totalEvents: number,
  makeEvent: (seq: number) => NewEvent,
): Promise<number> {
  const started = performance.now();
  await runConcurrentWriters(
    { writers: 4, streams: freshStreams(category, 500), batchSize: 100, totalEvents },
    makeEvent,
    (streamId, events, first) => store.append(streamId, events, first === 0 ? 'no-stream' : first - 1),
  );
  // What autovacuum would have done by the time anyone reads: statistics and visibility map.
  await store.db.query('VACUUM (ANALYZE) eventstore.events');
  return (performance.now() - started) / 1000;
}
