import { latencyStats, type LatencyStats } from './latency-stats.js';
import type { MemoryPeak } from './memory-sampler.js';

/** What one measured phase (the product, or its ceiling) did. */
export interface PhaseResult {
  readonly events: number;
  readonly seconds: number;
  /** Events per second over the whole phase. */
  readonly throughput: number;
  /** Per operation (an append, a batch read, a batch sent, an event delivered). */
  readonly latency: LatencyStats;
  readonly memory: MemoryPeak;
}

export function phaseResult(
  events: number,
  seconds: number,
  latenciesMs: readonly number[],
  memory: MemoryPeak,
): PhaseResult {
  return { events, seconds, throughput: events / seconds, latency: latencyStats(latenciesMs), memory };
}
