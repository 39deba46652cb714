/** `{ key: value }`, or `{}` when the value is undefined (for optional properties). */
export function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return (value === undefined ? {} : { [key]: value }) as Partial<Record<K, V>>;
}
