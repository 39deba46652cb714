/** Percentiles of a set of durations, in milliseconds (nearest rank). */
export interface LatencyStats {
  readonly count: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

export function latencyStats(samplesMs: readonly number[]): LatencyStats {
  const sorted = Float64Array.from(samplesMs).sort();
  const rank = (p: number) => (sorted.length === 0 ? Number.NaN : sorted[Math.ceil(p * sorted.length) - 1]!);
  return {
    count: sorted.length,
    p50: rank(0.5),
    p95: rank(0.95),
    p99: rank(0.99),
    max: sorted.length === 0 ? Number.NaN : sorted[sorted.length - 1]!,
  };
}
