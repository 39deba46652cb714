import type { Message, Producer } from 'kafkajs';

export interface BatchingSender {
  /** Queues a message; it goes out with the next batch. */
  push(message: Message): void;
  /** Sends what is queued, then stops. */
  close(): Promise<void>;
}

/**
 * What a relay does at best, without the database: one `sendBatch` (acks -1) at a time, each
 * carrying every message queued while the previous one was in flight.
 */
export function batchingSender(producer: Producer, topic: string): BatchingSender {
  const queue: Message[] = [];
  const state = { running: true };
  let wake: (() => void) | undefined;
  const loop = (async () => {
    while (state.running || queue.length > 0) {
      if (queue.length === 0) {
        await new Promise<void>((resolve) => (wake = resolve));
        continue;
      }
      const messages = queue.splice(0);
      await producer.sendBatch({ acks: -1, topicMessages: [{ topic, messages }] });
    }
  })();
  // A failed send ends the loop; close() reports it.
  loop.catch(() => undefined);
  const signal = () => {
    const resolve = wake;
    wake = undefined;
    resolve?.();
  };
  return {
    push(message) {
      queue.push(message);
      signal();
    },
    async close() {
      state.running = false;
      signal();
      await loop;
    },
  };
}
