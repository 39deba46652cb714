import {
  logBacklogSql,
  migrate,
  PostgresEventStore,
  startSubscription,
  type EventStore,
} from '@carenet/eventsourcing';
import type { ComponentHealth } from './component-health.js';
import { topicOf } from './contexts.js';
import { sqlDeadLetterSink } from './dead-letter-sink.js';
import { toKafkaMessage } from './kafka-envelope.js';
import { messageProcessor, type ConsumerOptions } from './message-processor.js';
import { messagingMetrics } from './messaging-metrics.js';
import { MESSAGING_MIGRATIONS } from './messaging-migrations.js';
import type { RunningConsumer } from './running-consumer.js';

export interface StoreLogConsumerOptions extends ConsumerOptions {
  /** The store whose global log feeds the consumer (embedded mode: no Kafka). */
  readonly store: EventStore;
  /** Stream categories to consume (default: all). */
  readonly categories?: readonly string[];
  /** Category → context map (default: CATEGORY_CONTEXTS). */
  readonly contexts?: Readonly<Record<string, string>>;
  /** First pause when caught up (default 50 ms), doubling while reads find nothing… */
  readonly pollIntervalMs?: number;
  /** …up to this (default 1 s); an append wakes the consumer at once (see `startSubscription`). */
  readonly maxIdleMs?: number;
  /** Reading or handling the log may fail for this long before `health()` says not ready (default 5 s). */
  readonly failingAfterMs?: number;
}

/** The store log as one partition, in `carenet_consumer_lag`. */
export const STORE_LOG_TOPIC = 'store-log';

/**
 * The same consumer, fed straight from the store's global log: each event is wrapped in the
 * exact envelope the relay would publish and goes through the same pipeline (contract check,
 * inbox, retries); dead letters go to the `messaging.dead_letters` table.
 *
 * Its lag (`carenet_consumer_lag{topic="store-log",partition="0"}`) is the number of committed
 * events of its categories after its position, counted when scraped (up to 100,000; PostgreSQL
 * and PGlite stores).
 */
export async function startStoreLogConsumer(options: StoreLogConsumerOptions): Promise<RunningConsumer> {
  await migrate(options.db, MESSAGING_MIGRATIONS, 'messaging');
  const process = messageProcessor(options, sqlDeadLetterSink(options.db));
  const subscription = startSubscription(options.store, {
    subscriptionId: `consumer.${options.groupId}`,
    ...(options.categories && { categories: options.categories }),
    ...(options.pollIntervalMs !== undefined && { pollIntervalMs: options.pollIntervalMs }),
    ...(options.maxIdleMs !== undefined && { maxIdleMs: options.maxIdleMs }),
    ...(options.logger && { logger: options.logger }),
    ...(options.metrics && { metrics: options.metrics }),
    async handle(events) {
      for (const event of events) {
        const message = toKafkaMessage(event, options.contexts);
        await process({
          topic: topicOf(message.context),
          partition: 0,
          offset: String(event.globalPosition),
          key: message.key,
          value: message.value,
          headers: message.headers,
        });
      }
    },
  });
  const failingAfterMs = options.failingAfterMs ?? 5_000;
  const store = options.store;
  const unwatchLag =
    store instanceof PostgresEventStore
      ? messagingMetrics(options.metrics).watchLag(options.groupId, {
          async lag() {
            const backlog = await logBacklogSql(store.db, subscription.position(), options.categories);
            return [{ topic: STORE_LOG_TOPIC, partition: 0, lag: backlog.events }];
          },
        })
      : () => undefined;
  let stopped = false;
  return {
    ready: Promise.resolve(),
    health(): ComponentHealth {
      const name = `consumer ${options.groupId}`;
      if (stopped) return { name, ready: false, reason: 'stopped' };
      const since = subscription.failingSince();
      if (since !== undefined && Date.now() - since >= failingAfterMs) {
        const seconds = Math.round((Date.now() - since) / 1000);
        return {
          name,
          ready: false,
          reason: `reading or handling the store log has failed for ${seconds} s`,
        };
      }
      return { name, ready: true };
    },
    async stop() {
      stopped = true;
      unwatchLag();
      await subscription.stop();
    },
  };
}
