import { SearchStoreError } from './search-store-error.js';

/**
 * The position after the last row of a page: its sort keys (as PostgreSQL prints them, `null`
 * when the resource has no value) and its id, bound to the sort it was made for. Opaque to
 * clients: base64url JSON.
 */
export interface SearchCursor {
  /** The `_sort` the cursor belongs to (`-priority,period`). */
  readonly sort: string;
  readonly keys: readonly (string | null)[];
  readonly id: string;
}

export function encodeCursor(cursor: SearchCursor): string {
  return Buffer.from(JSON.stringify({ s: cursor.sort, k: cursor.keys, i: cursor.id })).toString('base64url');
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
  const { s, k, i } = parsed as Record<string, unknown>;
  if (typeof s !== 'string' || typeof i !== 'string' || !isKeyList(k) || k.length !== keyCount) {
    throw new SearchStoreError('invalid-cursor', 'the paging cursor is malformed');
  }
  if (s !== sort) {
    throw new SearchStoreError('invalid-cursor', 'the paging cursor belongs to another _sort');
  }
  return { sort: s, keys: k, id: i };
}
