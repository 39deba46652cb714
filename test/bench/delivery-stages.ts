import { headersToStrings } from '@carenet/messaging';
import type { Delivery } from './delivery-tracker.js';
import type { SendObserver } from './instrumented-kafka.js';
import { latencyStats } from './latency-stats.js';

/**
 * Where a message's latency goes: waiting to be sent (the relay reading the log, or a queue),
 * the broker's acknowledgement, then the consumer. Fed by an instrumented producer, by `ce_id`.
 */
export interface DeliveryStages {
  readonly observer: SendObserver;
  /** Forgets everything (after a warm-up). */
  reset(): void;
  /** p50 / p99 of each stage, one line each. */
  describe(deliveries: readonly Delivery[], waitLabel: string): string[];
}

export function deliveryStages(): DeliveryStages {
  const sendCalled = new Map<string, number>();
  const acknowledged = new Map<string, number>();
  const line = (label: string, samples: number[]) => {
    const stats = latencyStats(samples);
    return `${label.padEnd(40)} p50 ${stats.p50.toFixed(1).padStart(6)} ms   p99 ${stats.p99.toFixed(1).padStart(6)} ms`;
  };
  return {
    observer(startedAt, endedAt, batch) {
      for (const { messages } of batch.topicMessages ?? []) {
        for (const message of messages) {
          const id = headersToStrings(message.headers).ce_id;
          if (id === undefined) continue;
          sendCalled.set(id, startedAt);
          acknowledged.set(id, endedAt);
        }
      }
    },
    reset() {
      sendCalled.clear();
      acknowledged.clear();
    },
    describe(deliveries, waitLabel) {
      const waits: number[] = [];
      const acks: number[] = [];
      const consumes: number[] = [];
      for (const { id, sent, received } of deliveries) {
        const called = sendCalled.get(id);
        const acked = acknowledged.get(id);
        if (called === undefined || acked === undefined) continue;
        waits.push(called - sent);
        acks.push(acked - called);
        consumes.push(received - acked);
      }
      return [
        line(waitLabel, waits),
        line('sendBatch called -> broker acknowledged', acks),
        line('broker acknowledged -> handler called', consumes),
      ];
    },
  };
}
