import type { DeliveryStages } from './delivery-stages.js';
import type { DeliveryTracker } from './delivery-tracker.js';
import { startMemorySampler } from './memory-sampler.js';
import { runPaced } from './paced-schedule.js';
import { phaseResult, type PhaseResult } from './phase-result.js';

/** The steady rate of the latency benchmark, events per second. */
export const RATE = 500;
/** Messages sent, and waited for, before measuring (connections, JIT, first fetches). */
export const WARM_UP_EVENTS = 250;
const DRAIN_TIMEOUT_MS = 60_000;

/** A delivery phase: the figures, and where the time went (one line per stage). */
export interface DeliveryResult {
  readonly phase: PhaseResult;
  readonly stages: string[];
}

/** The path under test: starts message `index` on its way (returns at once). */
export interface DeliveryPath {
  send(index: number): void;
  /** Resolves once every message sent so far has left (appended, or handed to Kafka). */
  flush(): Promise<void>;
}

/** A warm-up, then `count` messages at RATE; measured until every one was received. */
export async function measureDelivery(
  tracker: DeliveryTracker,
  stages: DeliveryStages,
  count: number,
  path: DeliveryPath,
  waitLabel: string,
  afterWarmUp: () => void = () => undefined,
): Promise<DeliveryResult> {
  await runPaced(RATE, WARM_UP_EVENTS, (i) => {
    path.send(i);
  });
  await path.flush();
  await tracker.allReceived(DRAIN_TIMEOUT_MS);
  tracker.reset();
  stages.reset();
  afterWarmUp();
  const memory = startMemorySampler();
  const started = performance.now();
  await runPaced(RATE, count, (i) => {
    path.send(WARM_UP_EVENTS + i);
  });
  await path.flush();
  await tracker.allReceived(DRAIN_TIMEOUT_MS);
  const seconds = (performance.now() - started) / 1000;
  const deliveries = tracker.deliveries();
  const latencies = deliveries.map((d) => d.received - d.sent);
  return {
    phase: phaseResult(count, seconds, latencies, memory.stop()),
    stages: stages.describe(deliveries, waitLabel),
  };
}
