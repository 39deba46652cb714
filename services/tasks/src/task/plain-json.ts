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
