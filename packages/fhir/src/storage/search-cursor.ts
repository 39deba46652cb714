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
  if (typeof t !== 'string' || Number.isNaN(Date.parse(t)) || typeof i !== 'string' || !Number.isInteger(v)) {
    throw new SearchStoreError('invalid-cursor', 'the history paging cursor is malformed');
  }
  return { lastUpdated: t, id: i, versionId: v as number };
}
