import { PostgresEventStore, START, type LogPosition, type SqlDatabase } from '@carenet/eventsourcing';
import { startRelay, toKafkaMessage } from '@carenet/messaging';
import { uniqueName } from '@carenet/testing';
import type { Kafka, Message } from 'kafkajs';
import { withFreshDatabase } from './bench-database.js';
import { BENCH_CATEGORY, BENCH_CONTEXTS, benchEvent } from './bench-events.js';
import type { BenchContext, Benchmark } from './benchmark.js';
import { atLeastOfCeiling, standardFigures } from './figure.js';
import { figureTable } from './figure-table.js';
import { fillStore } from './fill-store.js';
import { instrumentedDatabase } from './instrumented-database.js';
import { instrumentedKafka } from './instrumented-kafka.js';
import { createTopics, deleteTopics, messagesIn } from './kafka-topics.js';
import { startMemorySampler } from './memory-sampler.js';
import { phaseResult, type PhaseResult } from './phase-result.js';
import { relaySqlProfile, type RelaySqlProfile } from './relay-sql-profile.js';
import { withTimeout } from './with-timeout.js';

/** The relay's default batch, used by the ceiling too. */
const BATCH = 500;
const TIMEOUT_MS = 120_000;
const WARM_UP_BATCHES = 20;

/** One relay run: its figures, and where its time went. */
interface RelayRun {
  readonly phase: PhaseResult;
  readonly sql: RelaySqlProfile;
  readonly sendMs: number;
  readonly firstBatchMs: number;
  readonly batches: number;
}

/** The messages the relay publishes for the first `max` events of the log, built the same way. */
async function relayMessages(store: PostgresEventStore, max: number): Promise<Message[]> {
  const messages: Message[] = [];
  let position = START;
  while (messages.length < max) {
    const batch = await store.readAll(position, { limit: Math.min(5_000, max - messages.length) });
    if (batch.events.length === 0) break;
    for (const event of batch.events) {
      const { key, value, headers } = toKafkaMessage(event, BENCH_CONTEXTS);
      messages.push({ key, value, headers });
    }
    position = batch.next;
  }
  return messages;
}

/** The ceiling: the relay's messages, built beforehand, sent by a bare idempotent producer. */
async function rawProduce(kafka: Kafka, topic: string, messages: readonly Message[]): Promise<PhaseResult> {
  const memory = startMemorySampler();
  const latencies: number[] = [];
  const started = performance.now();
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    for (let i = 0; i < messages.length; i += BATCH) {
      const sendStarted = performance.now();
      await producer.sendBatch({
        acks: -1,
        topicMessages: [{ topic, messages: messages.slice(i, i + BATCH) }],
      });
      latencies.push(performance.now() - sendStarted);
    }
  } finally {
    await producer.disconnect();
  }
  const seconds = (performance.now() - started) / 1000;
  return phaseResult(messages.length, seconds, latencies, memory.stop());
}

/**
 * A relay with a new id (so a new checkpoint: it starts at the beginning of the log), timed from
 * its start until it stored the checkpoint of the log's last event.
 */
async function runRelay(
  context: BenchContext,
  plainDb: SqlDatabase,
  total: number,
  topic: string,
): Promise<RelayRun> {
  const [last] = await plainDb.query<{ position: LogPosition }>(
    `SELECT transaction_id::text || ':' || global_position::text AS position
       FROM eventstore.events ORDER BY transaction_id DESC, global_position DESC LIMIT 1`,
  );
  if (!last) throw new Error('the store is empty');
  const checkpointEnds: number[] = [];
  let reachedEnd: (() => void) | undefined;
  const published = new Promise<void>((resolve) => (reachedEnd = resolve));
  const sql = relaySqlProfile((position, endedAt) => {
    checkpointEnds.push(endedAt);
    if (position === last.position) reachedEnd?.();
  });
  const send = { ms: 0, counting: false };
  const kafka = instrumentedKafka(context.kafka, (sendStarted, sendEnded) => {
    if (send.counting) send.ms += sendEnded - sendStarted;
  });
  const store = await PostgresEventStore.open(instrumentedDatabase(plainDb, sql.observer), {
    migrate: false,
  });
  const memory = startMemorySampler();
  sql.on();
  send.counting = true;
  const started = performance.now();
  const relay = startRelay({
    store,
    kafka,
    relayId: uniqueName('bench-relay'),
    categories: [BENCH_CATEGORY],
    contexts: BENCH_CONTEXTS,
    topicOf: () => topic,
    logger: context.logger,
  });
  try {
    await withTimeout(
      published,
      TIMEOUT_MS,
      `the relay did not publish ${total} events in ${TIMEOUT_MS / 1000} s`,
    );
  } finally {
    sql.off();
    send.counting = false;
    await relay.stop();
  }
  // The end: when the checkpoint of the log's last event was stored. A batch's latency: from one
  // checkpoint to the next (read, build, send, checkpoint); the first batch also waits for the
  // producer to connect and for the lock, so it is reported apart.
  const finished = checkpointEnds.at(-1) ?? performance.now();
  const cycles = checkpointEnds.slice(1).map((end, i) => end - checkpointEnds[i]!);
  return {
    phase: phaseResult(total, (finished - started) / 1000, cycles, memory.stop()),
    sql,
    sendMs: send.ms,
    firstBatchMs: (checkpointEnds[0] ?? finished) - started,
    batches: checkpointEnds.length,
  };
}

function breakdown(run: RelayRun): string[] {
  const total = run.phase.seconds * 1000;
  const { reads, checkpoints, heldBackChecks, other } = run.sql;
  const rest = total - reads.ms - run.sendMs - checkpoints.ms - heldBackChecks.ms - other.ms;
  const line = (label: string, ms: number) =>
    `    ${label.padEnd(28)} ${ms.toFixed(0).padStart(6)} ms  ${((100 * ms) / total).toFixed(0).padStart(3)}%`;
  return [
    `  carenet "batch" latency: checkpoint to checkpoint (read, build, send, store the checkpoint).`,
    `  relay time of the best run: ${total.toFixed(0)} ms for ${run.batches} batches; the first one, with the producer's connection and the lock, took ${run.firstBatchMs.toFixed(0)} ms`,
    line('readAll SQL', reads.ms),
    line('sendBatch (broker ack)', run.sendMs),
    line('checkpoint SQL', checkpoints.ms),
    line('held-back checks SQL', heldBackChecks.ms),
    line('other SQL (lock...)', other.ms),
    line('rest (JS, connect, waits)', rest),
  ];
}

const fastest = <T extends { readonly phase: PhaseResult }>(runs: readonly T[]): T =>
  runs.reduce((best, run) => (run.phase.throughput > best.phase.throughput ? run : best));

/**
 * N events already in the store: time for a relay to publish them all, against raw produce of the
 * same messages. Rounds alternate ceiling and relay (the broker's speed drifts); the fastest run
 * of each is kept.
 */
export const relayThroughput: Benchmark = {
  name: 'relay-throughput',
  title: 'relay throughput (store global log to Kafka)',
  async run(context) {
    const total = context.quick ? 10_000 : 50_000;
    const rounds = context.quick ? 1 : 2;
    const topics: string[] = [];
    const newTopic = async (label: string) => {
      const topic = uniqueName(label);
      topics.push(topic);
      await createTopics(context.kafka, [topic]);
      return topic;
    };
    try {
      return await withFreshDatabase('relay', async (db) => {
        const store = await PostgresEventStore.open(db);
        context.progress(`relay: filling the store with ${total.toLocaleString('en-US')} events`);
        const fillSeconds = await fillStore(store, BENCH_CATEGORY, total, benchEvent);
        context.progress(
          `relay: filled in ${fillSeconds.toFixed(1)} s; warming up the produce path (${WARM_UP_BATCHES} batches to a scratch topic)`,
        );
        await rawProduce(
          context.kafka,
          await newTopic('bench-relay-warm-up'),
          await relayMessages(store, WARM_UP_BATCHES * BATCH),
        );
        const ceilings: PhaseResult[] = [];
        const relays: RelayRun[] = [];
        for (let round = 1; round <= rounds; round++) {
          context.progress(
            `relay: round ${round}/${rounds}, ceiling: raw kafkajs sendBatch of the same messages (idempotent, acks -1, batches of ${BATCH})`,
          );
          const rawTopic = await newTopic('bench-relay-raw');
          ceilings.push(await rawProduce(context.kafka, rawTopic, await relayMessages(store, total)));
          context.progress(
            `relay: round ${round}/${rounds}, carenet startRelay until its checkpoint reaches the end of the log`,
          );
          const relayTopic = await newTopic('bench-relay');
          const run = await runRelay(context, db, total, relayTopic);
          const published = await messagesIn(context.kafka, relayTopic);
          if (published < total) throw new Error(`the relay's topic holds ${published} messages of ${total}`);
          relays.push(run);
        }
        const best = fastest(relays);
        const ceiling = fastest(ceilings.map((phase) => ({ phase }))).phase;
        const figures = standardFigures('relay', `batch of ${BATCH}`, best.phase, ceiling, {
          throughput: atLeastOfCeiling(0.5),
        });
        const all = (runs: readonly PhaseResult[]) =>
          runs.map((r) => Math.round(r.throughput).toLocaleString('en-US')).join(', ');
        context.report([
          `relay throughput, ${total.toLocaleString('en-US')} events, fastest of ${rounds} run(s): carenet ${all(relays.map((r) => r.phase))} ev/s; ceiling ${all(ceilings)} ev/s`,
          ...figureTable(figures, { withBenchmark: false }),
          ...breakdown(best),
        ]);
        return figures;
      });
    } finally {
      await deleteTopics(context.kafka, topics);
    }
  },
};
