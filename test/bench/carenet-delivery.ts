import { join } from 'node:path';
import { loadContractRegistry } from '@carenet/contracts';
import { PostgresEventStore, postgresDatabase } from '@carenet/eventsourcing';
import { startKafkaConsumer, startRelay } from '@carenet/messaging';
import { repositoryRoot, uniqueName } from '@carenet/testing';
import { withFreshDatabase } from './bench-database.js';
import { BENCH_CONTEXTS, freshStreams, LOAD_CATEGORY, loadEvent } from './bench-events.js';
import type { BenchContext } from './benchmark.js';
import { deliveryStages } from './delivery-stages.js';
import { deliveryTracker } from './delivery-tracker.js';
import { instrumentedDatabase, TRANSACTION } from './instrumented-database.js';
import { instrumentedKafka } from './instrumented-kafka.js';
import { latencyStats } from './latency-stats.js';
import {
  measureDelivery,
  WARM_UP_EVENTS,
  type DeliveryPath,
  type DeliveryResult,
} from './measure-delivery.js';
import { relaySqlProfile } from './relay-sql-profile.js';

const STREAMS = 500;

/** carenet: store.append -> relay -> Kafka -> startKafkaConsumer (contract check, inbox) -> handler. */
export async function carenetDelivery(
  context: BenchContext,
  count: number,
  topic: string,
): Promise<DeliveryResult> {
  return withFreshDatabase('latency', async (plainDb, url) => {
    const sql = relaySqlProfile();
    const store = await PostgresEventStore.open(instrumentedDatabase(plainDb, sql.observer));
    // The consumer is another service: its own pool (same server, same database here).
    const inbox = { counting: false, transactions: 0, ms: 0 };
    const consumerDb = instrumentedDatabase(
      postgresDatabase({ connectionString: url, applicationName: 'carenet-bench-consumer' }),
      (text, _params, elapsedMs) => {
        if (!inbox.counting || text !== TRANSACTION) return;
        inbox.transactions += 1;
        inbox.ms += elapsedMs;
      },
    );
    const tracker = deliveryTracker();
    const stages = deliveryStages();
    const consumer = await startKafkaConsumer({
      kafka: context.kafka,
      groupId: uniqueName('bench-latency-group'),
      topics: [topic],
      db: consumerDb,
      contracts: loadContractRegistry(join(repositoryRoot(), 'packages/messaging/test/fixtures/events')),
      handler: (event) => {
        tracker.received(event.id);
        return Promise.resolve();
      },
      logger: context.logger,
    });
    const relay = startRelay({
      store,
      kafka: instrumentedKafka(context.kafka, stages.observer),
      relayId: uniqueName('bench-latency-relay'),
      categories: [LOAD_CATEGORY],
      contexts: BENCH_CONTEXTS,
      topicOf: () => topic,
      logger: context.logger,
    });
    try {
      await consumer.ready;
      while (!relay.isActive()) await new Promise((resolve) => setTimeout(resolve, 20));
      const streams = freshStreams(LOAD_CATEGORY, STREAMS);
      const appending = new Set<Promise<unknown>>();
      const appendLatencies: number[] = [];
      let failure: Error | undefined;
      const path: DeliveryPath = {
        send(i) {
          const event = loadEvent(i);
          tracker.sent(event.id);
          const called = performance.now();
          const append = store.append(streams[i % STREAMS]!, [event], 'any').then(
            () => appendLatencies.push(performance.now() - called),
            (error: unknown) => {
              failure ??= error instanceof Error ? error : new Error('append failed', { cause: error });
            },
          );
          appending.add(append);
          void append.finally(() => appending.delete(append));
        },
        async flush() {
          await Promise.all(appending);
          if (failure) throw failure;
        },
      };
      sql.on();
      const result = await measureDelivery(
        tracker,
        stages,
        count,
        path,
        'append called -> relay calls sendBatch',
        () => {
          for (const tally of [sql.reads, sql.heldBackChecks, sql.checkpoints]) tally.count = tally.ms = 0;
          inbox.counting = true;
        },
      );
      sql.off();
      inbox.counting = false;
      const appends = latencyStats(appendLatencies.slice(WARM_UP_EVENTS));
      return {
        phase: result.phase,
        stages: [
          `${'append called -> append resolved'.padEnd(40)} p50 ${appends.p50.toFixed(1).padStart(6)} ms   p99 ${appends.p99.toFixed(1).padStart(6)} ms`,
          ...result.stages,
          `relay: ${sql.reads.count} log reads (${(sql.reads.ms / sql.reads.count).toFixed(2)} ms each), ` +
            `${sql.heldBackChecks.count} of them empty, ${sql.checkpoints.count} checkpoints stored ` +
            `(${(sql.checkpoints.ms / sql.checkpoints.count).toFixed(2)} ms each)`,
          `consumer: ${inbox.transactions} inbox transactions, one per message ` +
            `(${(inbox.ms / inbox.transactions).toFixed(2)} ms each, BEGIN to COMMIT)`,
        ],
      };
    } finally {
      await relay.stop();
      await consumer.stop();
      await consumerDb.close();
    }
  });
}
