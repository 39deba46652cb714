/** Collects bind parameters while SQL text is built: user input never enters the text. */
export class SqlParams {
  readonly values: unknown[] = [];

  /** Adds a value and returns its placeholder (`$3`, or `$3::timestamptz` with a cast). */
  bind(value: unknown, cast?: string): string {
    this.values.push(value);
    return cast === undefined ? `$${this.values.length}` : `$${this.values.length}::${cast}`;
  }
}

/** Escapes `\`, `%` and `_` so that a value is literal inside a LIKE pattern (escape character `\`). */
export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, '\\$&');
}

/** Longest prefix (in code points) the expression indexes on long strings cover. */
export const INDEXED_PREFIX_LENGTH = 256;

/** The first `INDEXED_PREFIX_LENGTH` code points of a string, as PostgreSQL's `left()` counts them. */
export function indexedPrefix(value: string): string {
  // Code points, as PostgreSQL counts characters (not UTF-16 units, not graphemes).
  const points = Array.from(value);
  return points.length <= INDEXED_PREFIX_LENGTH ? value : points.slice(0, INDEXED_PREFIX_LENGTH).join('');
}
