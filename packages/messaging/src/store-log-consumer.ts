import { migrate, startSubscription, type EventStore } from '@carenet/eventsourcing';
import { topicOf } from './contexts.js';
import { sqlDeadLetterSink } from './dead-letter-sink.js';
import { toKafkaMessage } from './kafka-envelope.js';
import { messageProcessor, type ConsumerOptions } from './message-processor.js';
import { MESSAGING_MIGRATIONS } from './messaging-migrations.js';
import type { RunningConsumer } from './running-consumer.js';

export interface StoreLogConsumerOptions extends ConsumerOptions {
  /** The store whose global log feeds the consumer (embedded mode: no Kafka). */
  readonly store: EventStore;
  /** Stream categories to consume (default: all). */
  readonly categories?: readonly string[];
  /** Category → context map (default: CATEGORY_CONTEXTS). */
  readonly contexts?: Readonly<Record<string, string>>;
  readonly pollIntervalMs?: number;
}

/**
 * The same consumer, fed straight from the store's global log: each event is wrapped in the
 * exact envelope the relay would publish and goes through the same pipeline (contract check,
 * inbox, retries); dead letters go to the `messaging.dead_letters` table.
 */
export async function startStoreLogConsumer(options: StoreLogConsumerOptions): Promise<RunningConsumer> {
  await migrate(options.db, MESSAGING_MIGRATIONS, 'messaging');
  const process = messageProcessor(options, sqlDeadLetterSink(options.db));
  const subscription = startSubscription(options.store, {
    subscriptionId: `consumer.${options.groupId}`,
    ...(options.categories && { categories: options.categories }),
    ...(options.pollIntervalMs !== undefined && { pollIntervalMs: options.pollIntervalMs }),
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
  return { ready: Promise.resolve(), stop: () => subscription.stop() };
}
