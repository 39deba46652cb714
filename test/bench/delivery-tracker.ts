/** One message, sent then received (times from performance.now()). */
export interface Delivery {
  readonly id: string;
  readonly sent: number;
  readonly received: number;
}

/**
 * Matches what was sent with what was received, by message id: latency = receive time − send
 * time (same process, monotonic clock).
 */
export interface DeliveryTracker {
  sent(id: string): void;
  /** A redelivery of an id already received keeps the first time. */
  received(id: string): void;
  /** Resolves once every id sent so far was received; rejects after `timeoutMs`. */
  allReceived(timeoutMs: number): Promise<void>;
  /** The ids both sent and received. */
  deliveries(): Delivery[];
  /** Forgets everything (after a warm-up). */
  reset(): void;
}

export function deliveryTracker(): DeliveryTracker {
  const sentAt = new Map<string, number>();
  const receivedAt = new Map<string, number>();
  let pending = 0;
  let notify: (() => void) | undefined;
  return {
    sent(id) {
      sentAt.set(id, performance.now());
      if (!receivedAt.has(id)) pending += 1;
    },
    received(id) {
      if (receivedAt.has(id)) return;
      receivedAt.set(id, performance.now());
      if (sentAt.has(id)) pending -= 1;
      if (pending === 0) notify?.();
    },
    async allReceived(timeoutMs) {
      if (pending === 0) return;
      let timer: NodeJS.Timeout | undefined;
      try {
        await new Promise<void>((resolve, reject) => {
          notify = resolve;
          timer = setTimeout(() => {
            reject(
              new Error(`${pending} of ${sentAt.size} messages not received after ${timeoutMs / 1000} s`),
            );
          }, timeoutMs);
        });
      } finally {
        clearTimeout(timer);
        notify = undefined;
      }
    },
    deliveries() {
      const result: Delivery[] = [];
      for (const [id, sent] of sentAt) {
        const received = receivedAt.get(id);
        if (received !== undefined) result.push({ id, sent, received });
      }
      return result;
    },
    reset() {
      sentAt.clear();
      receivedAt.clear();
      pending = 0;
    },
  };
}
