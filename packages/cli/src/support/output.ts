import Table from 'cli-table3';
import type { CliIo } from '../cli-io.js';

/** A table for humans on stdout: plain characters, no colours, one row per item. */
export function printTable(io: CliIo, head: readonly string[], rows: readonly (readonly string[])[]): void {
  const table = new Table({
    head: [...head],
    style: { head: [], border: [], compact: true },
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  });
  for (const row of rows) table.push([...row]);
  io.stdout.write(`${table.toString()}\n`);
}

/** One JSON document per line on stdout (for jq). */
export function printJsonLine(io: CliIo, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value)}\n`);
}

/** A line for humans on stderr (summaries, notes), so that stdout stays the verb's data. */
export function note(io: CliIo, text: string): void {
  io.stderr.write(`${text}\n`);
}

/** Shortens a text to `max` characters for a table cell. */
export function clip(text: string, max = 60): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** A rate for a summary: `12,345 ev/s`. */
export function rateOf(count: number, ms: number): string {
  const perSecond = ms <= 0 ? count : (count * 1000) / ms;
  return `${Math.round(perSecond).toLocaleString('en-US')} ev/s`;
}
