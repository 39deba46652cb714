import { randomUUID } from 'node:crypto';
import { runCli } from '@carenet/cli';
import { PostgresEventStore, type NewEvent, type SqlExecutor } from '@carenet/eventsourcing';
import { testKafkaBrokers, uniqueName } from '@carenet/testing';
import { withFreshDatabase } from './bench-database.js';
import type { Benchmark } from './benchmark.js';
import { figureOf } from './figure.js';
import { figureTable } from './figure-table.js';
import { fillStore } from './fill-store.js';
import { createTopics, deleteTopics, messagesIn } from './kafka-topics.js';
import { startMemorySampler } from './memory-sampler.js';
import { phaseResult, type PhaseResult } from './phase-result.js';

const BATCH = 1000;

/** A Task event valid against its contract (republish checks every event before sending it). */
function taskEvent(seq: number): NewEvent {
  return {
    id: randomUUID(),
    type: 'TaskReceived',
    data: {
      taskId: `bench-${seq}`,
      by: { kind: 'system', clientId: 'bench' },
      at: '2026-12-07T10:00:00.000Z',
    },
  };
}

/** The ceiling: the whole log read by keyset pagination on the primary key, no gate, no decoding. */
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
 * `carenet republish --service tasks --from-position start` over a store of Task events, timed
 * from the command's start to its end (store opened, log read, contracts checked, every batch
 * acknowledged by the broker), beside the raw global-read ceiling of the same store.
 */
export const republishThroughput: Benchmark = {
  name: 'republish-throughput',
  title: 'carenet republish throughput (store log -> Kafka, replay-marked) beside the raw global read',
  async run(context) {
    const total = context.quick ? 20_000 : 100_000;
    return withFreshDatabase('republish', async (db, url) => {
      const store = await PostgresEventStore.open(db);
      context.progress(`republish: filling the store with ${total.toLocaleString('en-US')} Task events`);
      await fillStore(store, 'Task', total, taskEvent);
      const topic = uniqueName('bench-republish');
      await createTopics(context.kafka, [topic]);
      try {
        context.progress('republish: carenet republish --service tasks --from-position start');
        const memory = startMemorySampler();
        let stdout = '';
        let stderr = '';
        const started = performance.now();
        const code = await runCli(
          ['republish', '--service', 'tasks', '--from-position', 'start', '--topic', topic, '--json'],
          {
            stdout: { write: (text: string) => (stdout += text) },
            stderr: { write: (text: string) => (stderr += text) },
            env: { DATABASE_URL: url, KAFKA_BROKERS: testKafkaBrokers().join(',') },
          },
        );
        const seconds = (performance.now() - started) / 1000;
        const peak = memory.stop();
        const summary = JSON.parse(stdout || '{}') as { events?: number };
        if (code !== 0 || summary.events !== total) {
          throw new Error(
            `republish exited with ${code}, ${summary.events ?? 0} of ${total} events: ${stderr}`,
          );
        }
        const sent = await messagesIn(context.kafka, topic);
        if (sent !== total) throw new Error(`${sent} messages on the topic, ${total} expected`);
        const product = phaseResult(total, seconds, [seconds * 1000], peak);
        context.progress('republish: ceiling, raw SELECT ... ORDER BY global_position keyset pagination');
        const ceiling = await rawGlobalRead(db);
        const figure = figureOf('republish', product, ceiling);
        const figures = [
          figure('throughput (ceiling: raw global read)', 'ev/s', (r) => r.throughput, true),
          figure('peak RSS', 'MiB', (r) => r.memory.rssMb, false),
        ];
        context.report([
          `republish throughput, ${total.toLocaleString('en-US')} events (whole command, batches of ${BATCH})`,
          ...figureTable(figures, { withBenchmark: false }),
        ]);
        return figures;
      } finally {
        await deleteTopics(context.kafka, [topic]).catch(() => undefined);
      }
    });
  },
};
