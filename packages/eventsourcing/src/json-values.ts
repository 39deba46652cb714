/**
 * `Plain<T>`: the same shape as `T`, as a type alias instead of an interface.
 *
 * Event data must be assignable to `JsonObject` (an index-signature type), and TypeScript gives
 * interfaces (FHIR datatypes from `@types/fhir`, `Actor` from `@carenet/access`) no implicit index
 * signature. Mapping the type structurally keeps every property and makes it JSON-compatible;
 * values of `T` remain assignable to `Plain<T>`.
 */
export type Plain<T> = T extends readonly (infer Item)[]
  ? Plain<Item>[]
  : T extends object
    ? { -readonly [K in keyof T]: Plain<T[K]> }
    : T;

/** Deep equality of JSON values (object key order ignored; `undefined` members count as absent). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) &&
      Array.isArray(b) &&
      a.length === b.length &&
      a.every((item, i) => jsonEqual(item, b[i]))
    );
  }
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(left), ...Object.keys(right)]);
  for (const key of keys) if (!jsonEqual(left[key], right[key])) return false;
  return true;
}
