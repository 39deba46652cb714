import { assertNever } from '@carenet/eventsourcing';
import { unstorableCharacterIn } from '../validation/storable-text.js';
import { SearchStoreError } from './search-store-error.js';

/**
 * A position between two rows of a search: the sort keys of a row (as PostgreSQL prints them,
 * `null` when the resource has no value) and its id, bound to the sort it was made for, with the
 * direction to read in: the page `after` it (next) or the page `before` it (previous). Opaque to
 * clients: base64url JSON.
 */
export interface SearchCursor {
  /** The `_sort` the cursor belongs to (`-priority,period`). */
  readonly sort: string;
  readonly keys: readonly (string | null)[];
  readonly id: string;
  readonly direction: 'after' | 'before';
}

export function encodeCursor(cursor: SearchCursor): string {
  return Buffer.from(
    JSON.stringify({
      s: cursor.sort,
      k: cursor.keys,
      i: cursor.id,
      ...(cursor.direction === 'before' && { d: 'b' }),
    }),
  ).toString('base64url');
}

function isKeyList(value: unknown): value is (string | null)[] {
  return Array.isArray(value) && value.every((k) => k === null || typeof k === 'string');
}

/** The SQL types a cursor's values are bound as (and so cast to by PostgreSQL). */
export type CursorValueType = 'text' | 'timestamptz' | 'numeric' | 'int';

/** `2026-06-01 08:30:00.123+02` (timestamptz as text) or `2026-06-01T08:30:00.123+02:00` (as JSON). */
const INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.\d{1,6})?(?:Z|[+-]\d{2}(?::?\d{2}(?::?\d{2})?)?)$/;

function isInstant(text: string): boolean {
  const match = INSTANT.exec(text);
  if (!match) return false;
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const date = new Date(Date.UTC(year, month - 1, day));
  return (
    date.getUTCMonth() === month - 1 && date.getUTCDate() === day && hour < 24 && minute < 60 && second < 60
  );
}

/**
 * Whether a value read from a cursor can be bound as `type` without PostgreSQL refusing it (a
 * forged cursor must be a 400, not a database error): no NUL in text, an instant PostgreSQL
 * reads, a plain decimal, a 32-bit integer.
 */
export function fitsCursorValue(value: string, type: CursorValueType): boolean {
  switch (type) {
    case 'text':
      return unstorableCharacterIn(value) === undefined;
    case 'timestamptz':
      // An open end of a period is stored as infinity.
      return value === 'infinity' || value === '-infinity' || isInstant(value);
    case 'numeric':
      return /^-?\d{1,1000}(?:\.\d{1,1000})?$/.test(value);
    case 'int':
      return /^-?\d{1,10}$/.test(value) && Math.abs(Number(value)) <= 2 ** 31 - 1;
    default:
      return assertNever(type);
  }
}

/** Throws `invalid-cursor` unless `value` fits `type` (see `fitsCursorValue`). */
export function checkCursorValue(value: string, type: CursorValueType): string {
  if (!fitsCursorValue(value, type))
    throw new SearchStoreError('invalid-cursor', 'the paging cursor is malformed');
  return value;
}

/** Reads a cursor made by `encodeCursor` for the same sort; anything else is `invalid-cursor`. */
export function decodeCursor(text: string, sort: string, keyCount: number): SearchCursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw new SearchStoreError('invalid-cursor', 'the paging cursor is malformed');
  }
  if (typeof parsed !== 'object' || parsed === null) {
    throw new SearchStoreError('invalid-cursor', 'the paging cursor is malformed');
  }
  const { s, k, i, d } = parsed as Record<string, unknown>;
  if (
    typeof s !== 'string' ||
    typeof i !== 'string' ||
    !fitsCursorValue(i, 'text') ||
    !isKeyList(k) ||
    k.length !== keyCount ||
    (d !== undefined && d !== 'b')
  ) {
    throw new SearchStoreError('invalid-cursor', 'the paging cursor is malformed');
  }
  if (s !== sort) {
    throw new SearchStoreError('invalid-cursor', 'the paging cursor belongs to another _sort');
  }
  return { sort: s, keys: k, id: i, direction: d === 'b' ? 'before' : 'after' };
}

/** The position after the last version of a type-level history page. Opaque: base64url JSON. */
export interface HistoryCursor {
  /** The instant as PostgreSQL prints it in JSON (microseconds kept). */
  readonly lastUpdated: string;
  readonly id: string;
  readonly versionId: number;
}

export function encodeHistoryCursor(cursor: HistoryCursor): string {
  return Buffer.from(JSON.stringify({ t: cursor.lastUpdated, i: cursor.id, v: cursor.versionId })).toString(
    'base64url',
  );
}

export function decodeHistoryCursor(text: string): HistoryCursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw new SearchStoreError('invalid-cursor', 'the history paging cursor is malformed');
  }
  const { t, i, v } = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<
    string,
    unknown
  >;
  if (
    typeof t !== 'string' ||
    !isInstant(t) ||
    typeof i !== 'string' ||
    !fitsCursorValue(i, 'text') ||
    typeof v !== 'number' ||
    !fitsCursorValue(String(v), 'int')
  ) {
    throw new SearchStoreError('invalid-cursor', 'the history paging cursor is malformed');
  }
  return { lastUpdated: t, id: i, versionId: v };
}
