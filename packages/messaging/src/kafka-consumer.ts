import { migrate } from '@carenet/eventsourcing';
import type { Kafka } from 'kafkajs';
import { kafkaDeadLetterSink } from './dead-letter-sink.js';
import { headersToStrings } from './kafka-envelope.js';
import { messageProcessor, type ConsumerOptions } from './message-processor.js';
import { MESSAGING_MIGRATIONS } from './messaging-migrations.js';
import type { RunningConsumer } from './running-consumer.js';

export interface KafkaConsumerOptions extends ConsumerOptions {
  readonly kafka: Kafka;
  readonly topics: readonly string[];
  /** A new group starts at the beginning of the topics (default true). */
  readonly fromBeginning?: boolean;
  /** Partitions processed in parallel (order holds within a partition; default 3). */
  readonly partitionsConsumedConcurrently?: number;
  /**
   * How long the broker may hold a fetch when there is nothing new (default 500 ms). Messages are
   * returned as soon as they arrive whatever this is; it bounds how long `stop()` waits.
   */
  readonly maxWaitTimeInMs?: number;
}

/**
 * A Kafka consumer group running the common pipeline (contract check, inbox dedupe, retries,
 * `<group>.dlq`). Offsets are committed only after a message was applied or dead-lettered, so a
 * rebalance or a crash redelivers at most what was in flight, and the inbox skips it.
 */
export async function startKafkaConsumer(options: KafkaConsumerOptions): Promise<RunningConsumer> {
  await migrate(options.db, MESSAGING_MIGRATIONS, 'messaging');
  const producer = options.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const consumer = options.kafka.consumer({
    groupId: options.groupId,
    retry: { retries: 10 },
    maxWaitTimeInMs: options.maxWaitTimeInMs ?? 500,
  });
  const ready = new Promise<void>((resolve) => {
    consumer.on(consumer.events.GROUP_JOIN, () => {
      resolve();
    });
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [...options.topics], fromBeginning: options.fromBeginning ?? true });
  const process = messageProcessor(options, kafkaDeadLetterSink(producer));
  await consumer.run({
    autoCommit: true,
    partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 3,
    eachMessage: (payload) => {
      const { topic, partition, message } = payload;
      return process(
        {
          topic,
          partition,
          offset: message.offset,
          key: message.key?.toString('utf8') ?? null,
          value: message.value,
          headers: headersToStrings(message.headers),
        },
        () => payload.heartbeat(),
      );
    },
  });
  return {
    ready,
    async stop() {
      await consumer.disconnect();
      await producer.disconnect();
    },
  };
}
