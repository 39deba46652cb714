import { randomUUID } from 'node:crypto';
import { START, type NewEvent, type RecordedEvent } from '@carenet/eventsourcing';
import { headersToStrings, toKafkaMessage } from '@carenet/messaging';
import { uniqueName } from '@carenet/testing';
import type { Message } from 'kafkajs';
import { BENCH_CONTEXTS, freshStreams, LOAD_CATEGORY, loadEvent } from './bench-events.js';
import { batchingSender } from './batching-sender.js';
import type { BenchContext } from './benchmark.js';
import { deliveryStages } from './delivery-stages.js';
import { deliveryTracker } from './delivery-tracker.js';
import { instrumentedKafka } from './instrumented-kafka.js';
import { measureDelivery, type DeliveryPath, type DeliveryResult } from './measure-delivery.js';

const STREAMS = 500;
/** What startKafkaConsumer uses by default, given to the raw consumer too. */
const CONSUMER = { maxWaitTimeInMs: 500, partitionsConsumedConcurrently: 3 } as const;

/** The envelope the relay would build for this event. */
function envelopeOf(event: NewEvent, streamId: string): Message {
  const recorded: RecordedEvent = {
    id: event.id,
    type: event.type,
    data: event.data,
    metadata: event.metadata ?? {},
    streamId,
    revision: 0,
    globalPosition: 0,
    logPosition: START,
    recordedAt: new Date().toISOString(),
  };
  const { key, value, headers } = toKafkaMessage(recorded, BENCH_CONTEXTS);
  return { key, value, headers };
}

/** The ceiling: kafkajs produce (queued, sent in batches one at a time) -> kafkajs consume. */
export async function rawKafkaDelivery(
  context: BenchContext,
  count: number,
  topic: string,
): Promise<DeliveryResult> {
  const tracker = deliveryTracker();
  const stages = deliveryStages();
  const producer = instrumentedKafka(context.kafka, stages.observer).producer({
    idempotent: true,
    maxInFlightRequests: 1,
  });
  const consumer = context.kafka.consumer({
    groupId: uniqueName('bench-latency-raw-group'),
    maxWaitTimeInMs: CONSUMER.maxWaitTimeInMs,
  });
  const joined = new Promise<void>((resolve) => {
    consumer.on(consumer.events.GROUP_JOIN, () => {
      resolve();
    });
  });
  await producer.connect();
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      autoCommit: true,
      partitionsConsumedConcurrently: CONSUMER.partitionsConsumedConcurrently,
      eachMessage: ({ message }) => {
        tracker.received(headersToStrings(message.headers).ce_id ?? '');
        return Promise.resolve();
      },
    });
    await joined;
    const streams = freshStreams(LOAD_CATEGORY, STREAMS);
    let sender = batchingSender(producer, topic);
    const path: DeliveryPath = {
      send(i) {
        const id = randomUUID();
        tracker.sent(id);
        sender.push(envelopeOf(loadEvent(i, id), streams[i % STREAMS]!));
      },
      async flush() {
        await sender.close();
        sender = batchingSender(producer, topic);
      },
    };
    const result = await measureDelivery(tracker, stages, count, path, 'produce called -> sendBatch called');
    await sender.close();
    return result;
  } finally {
    await consumer.disconnect();
    await producer.disconnect();
  }
}
