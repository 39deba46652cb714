import type { Figure } from './figure.js';

function formatValue(value: number, unit: string): string {
  if (!Number.isFinite(value)) return 'n/a';
  if (unit === 'ev/s') return Math.round(value).toLocaleString('en-US');
  if (unit === 'ms')
    return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
  return value.toFixed(1);
}

function formatRatio(figure: Figure): string {
  if (!Number.isFinite(figure.value) || !Number.isFinite(figure.ceiling) || figure.ceiling === 0)
    return 'n/a';
  return `${(figure.value / figure.ceiling).toFixed(2)}x`;
}

function verdict(figure: Figure): string {
  if (!figure.target) return '';
  return figure.target.met(figure.value, figure.ceiling) ? 'ok' : 'BELOW';
}

function table(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  rightAligned: number[],
): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (rightAligned.includes(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
}

/**
 * The figures beside their ceilings: value, ceiling, ratio (value / ceiling: above 1 is better for
 * throughput, below 1 is better for latency and memory), and the target when there is one.
 */
export function figureTable(figures: readonly Figure[], options: { withBenchmark: boolean }): string[] {
  const header = [
    ...(options.withBenchmark ? ['benchmark'] : []),
    'figure',
    'unit',
    'carenet',
    'ceiling',
    'ratio',
    'target',
    'verdict',
  ];
  const offset = options.withBenchmark ? 1 : 0;
  const rows = figures.map((f) => [
    ...(options.withBenchmark ? [f.benchmark] : []),
    f.name,
    f.unit,
    formatValue(f.value, f.unit),
    formatValue(f.ceiling, f.unit),
    formatRatio(f),
    f.target?.label ?? '',
    verdict(f),
  ]);
  return table(header, rows, [offset + 2, offset + 3, offset + 4]);
}
