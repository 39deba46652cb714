import { START, type LogPosition } from '@carenet/eventsourcing';
import { CliUsageError } from '../cli-io.js';

const DURATION = /^(\d+)(s|m|h|d)$/;
const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/**
 * An instant given on the command line: ISO 8601 (`2026-12-07T10:00:00Z`, `2026-12-07`) or a
 * duration ago (`90s`, `15m`, `2h`, `3d`). Returned as ISO 8601; a clear refusal otherwise.
 */
export function parseInstant(text: string, flag: string, now: Date = new Date()): string {
  const ago = DURATION.exec(text);
  if (ago?.[1] !== undefined && ago[2] !== undefined) {
    return new Date(now.getTime() - Number(ago[1]) * UNIT_MS[ago[2] as keyof typeof UNIT_MS]).toISOString();
  }
  if (/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(text)) {
    const ms = Date.parse(text);
    if (!Number.isNaN(ms)) return new Date(ms).toISOString();
  }
  throw new CliUsageError(
    `${flag} takes an ISO 8601 instant (2026-12-07T10:00:00Z) or a duration ago (90s, 15m, 2h, 3d) (got "${text}")`,
  );
}

/** Whether `text` looks like a log position (`<transaction id>:<position>`, as the CLI prints them). */
export function isLogPosition(text: string): boolean {
  return /^\d+:\d+$/.test(text);
}

/** A log position given on the command line (`start` or `0`: the beginning). */
export function parseLogPosition(text: string, flag: string): LogPosition {
  if (text === 'start' || text === '0') return START;
  if (isLogPosition(text)) return text as LogPosition;
  throw new CliUsageError(
    `${flag} takes a log position as printed by the CLI (<transaction>:<position>, e.g. 1043:5120) or "start" (got "${text}")`,
  );
}

/** A positive integer option. */
export function parseCount(text: string, flag: string): number {
  if (!/^\d+$/.test(text) || Number(text) <= 0)
    throw new CliUsageError(`${flag} takes a positive whole number (got "${text}")`);
  return Number(text);
}
