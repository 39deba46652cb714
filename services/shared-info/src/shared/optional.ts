/** `{ key: value }`, or `{}` when the value is undefined (optional properties). */
export function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return (value === undefined ? {} : { [key]: value }) as Partial<Record<K, V>>;
}

/** `{ key: items }`, or `{}` for an absent or empty list (FHIR JSON has no empty arrays). */
export function nonEmpty<K extends string, V>(
  key: K,
  items: readonly V[] | undefined,
): Partial<Record<K, V[]>> {
  return (items === undefined || items.length === 0 ? {} : { [key]: [...items] }) as Partial<Record<K, V[]>>;
}
