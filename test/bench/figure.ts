import type { PhaseResult } from './phase-result.js';

/** A goal a figure is checked against (informative: the run never fails on it). */
export interface Target {
  /** "≥ 50% of ceiling", "≥ 20,000 ev/s", "< 100 ms". */
  readonly label: string;
  met(value: number, ceiling: number): boolean;
}

/** One figure of a benchmark, measured beside its ceiling in the same run. */
export interface Figure {
  readonly benchmark: string;
  readonly name: string;
  readonly unit: string;
  readonly value: number;
  readonly ceiling: number;
  /** Throughput: higher is better; latency and memory: lower is better. */
  readonly higherIsBetter: boolean;
  readonly target?: Target;
}

export const atLeastOfCeiling = (share: number): Target => ({
  label: `>= ${Math.round(share * 100)}% of ceiling`,
  met: (value, ceiling) => value >= share * ceiling,
});

export const atLeast = (minimum: number, unit: string): Target => ({
  label: `>= ${minimum.toLocaleString('en-US')} ${unit}`,
  met: (value) => value >= minimum,
});

export const below = (maximum: number, unit: string): Target => ({
  label: `< ${maximum.toLocaleString('en-US')} ${unit}`,
  met: (value) => value < maximum,
});

export interface StandardTargets {
  readonly throughput?: Target;
  readonly p50?: Target;
  readonly p99?: Target;
}

/**
 * A builder of figures comparing one phase with its ceiling: `figure(name, unit, pick, …)` takes
 * the same measure (`pick`) of both.
 */
export function figureOf(benchmark: string, product: PhaseResult, ceiling: PhaseResult) {
  return (
    name: string,
    unit: string,
    pick: (r: PhaseResult) => number,
    higherIsBetter: boolean,
    target?: Target,
  ): Figure => ({
    benchmark,
    name,
    unit,
    value: pick(product),
    ceiling: pick(ceiling),
    higherIsBetter,
    ...(target && { target }),
  });
}

/**
 * The figures every benchmark reports for a phase and its ceiling: throughput, median and p99
 * latency of one operation (named by `operation`), peak RSS and heap.
 */
export function standardFigures(
  benchmark: string,
  operation: string,
  product: PhaseResult,
  ceiling: PhaseResult,
  targets: StandardTargets = {},
): Figure[] {
  const figure = figureOf(benchmark, product, ceiling);
  return [
    figure('throughput', 'ev/s', (r) => r.throughput, true, targets.throughput),
    figure(`${operation} p50`, 'ms', (r) => r.latency.p50, false, targets.p50),
    figure(`${operation} p99`, 'ms', (r) => r.latency.p99, false, targets.p99),
    figure('peak RSS', 'MiB', (r) => r.memory.rssMb, false, undefined),
    figure('peak heap used', 'MiB', (r) => r.memory.heapUsedMb, false, undefined),
  ];
}
