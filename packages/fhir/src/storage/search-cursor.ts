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
