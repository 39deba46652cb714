import type { EventStore, Logger, SqlDatabase } from '@carenet/eventsourcing';
import type { Kafka } from 'kafkajs';
import type { Registry } from 'prom-client';
import { CATEGORY_CONTEXTS, topicOf } from './contexts.js';
import type { EventContracts } from './event-contracts.js';
import { startKafkaConsumer } from './kafka-consumer.js';
import type { MessageHandler } from './message-processor.js';
import type { RunningConsumer } from './running-consumer.js';
import { startStoreLogConsumer } from './store-log-consumer.js';
import type { TopicProtection } from './topic-protection.js';

/**
 * What a service consumes, independent of where the events come from: its consumer group, the
 * stream categories it follows (their contexts' topics on Kafka) and its handler.
 */
export interface EventSubscriber {
  readonly groupId: string;
  /** Stream categories (`CarePlan`, `Task`…); on Kafka, the topics of their contexts. */
  readonly categories: readonly string[];
  readonly handler: MessageHandler;
}

/** Where events come from: Kafka (distributed, or embedded with brokers) or the store's log. */
export type EventSource =
  | { readonly kind: 'kafka'; readonly kafka: Kafka; readonly topicOf?: (context: string) => string }
  | {
      readonly kind: 'store-log';
      readonly store: EventStore;
      /** First pause when caught up, and the longest (see `startSubscription`). */
      readonly pollIntervalMs?: number;
      readonly maxIdleMs?: number;
    };

export interface SubscriberRuntime {
  /** The database of the consumer's effects and inbox. */
  readonly db: SqlDatabase;
  readonly contracts: EventContracts;
  /** The topic key: sealed values are put back before the handler (Kafka only: the store log is whole). */
  readonly protection?: TopicProtection;
  readonly logger?: Logger;
  readonly metrics?: Registry;
}

/** Starts a subscriber on a source, through the same pipeline (contracts, inbox, retries, DLQ). */
export function startEventSubscriber(
  subscriber: EventSubscriber,
  source: EventSource,
  runtime: SubscriberRuntime,
): Promise<RunningConsumer> {
  const common = {
    groupId: subscriber.groupId,
    handler: subscriber.handler,
    db: runtime.db,
    contracts: runtime.contracts,
    ...(runtime.logger !== undefined && { logger: runtime.logger }),
    ...(runtime.metrics !== undefined && { metrics: runtime.metrics }),
  };
  if (source.kind === 'store-log') {
    return startStoreLogConsumer({
      ...common,
      store: source.store,
      categories: subscriber.categories,
      ...(source.pollIntervalMs !== undefined && { pollIntervalMs: source.pollIntervalMs }),
      ...(source.maxIdleMs !== undefined && { maxIdleMs: source.maxIdleMs }),
    });
  }
  const contexts = [...new Set(subscriber.categories.map((c) => CATEGORY_CONTEXTS[c] ?? c.toLowerCase()))];
  return startKafkaConsumer({
    ...common,
    ...(runtime.protection !== undefined && { protection: runtime.protection }),
    kafka: source.kafka,
    topics: contexts.map(source.topicOf ?? topicOf),
  });
}
