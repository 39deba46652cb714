import type { LogPosition } from '../../events.js';

/** PostgreSQL log positions are `<transaction id>:<global position>`. */
export function encodeLogPosition(transactionId: string, globalPosition: string | number): LogPosition {
  return `${transactionId}:${globalPosition}` as LogPosition;
}

export function decodeLogPosition(position: LogPosition): { transactionId: string; globalPosition: string } {
  const match = /^(\d+):(\d+)$/.exec(position);
  if (!match?.[1] || !match[2]) throw new RangeError(`not a PostgreSQL log position: "${position}"`);
  return { transactionId: match[1], globalPosition: match[2] };
}
