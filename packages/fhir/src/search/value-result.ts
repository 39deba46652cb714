/** The outcome of parsing one search value: the typed value, or why it is invalid. */
export type ValueResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string };

export function valid<T>(value: T): ValueResult<T> {
  return { ok: true, value };
}

export function invalid<T>(message: string): ValueResult<T> {
  return { ok: false, message };
}
