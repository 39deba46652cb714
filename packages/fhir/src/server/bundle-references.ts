/**
 * R4 transaction (http.html#trules): the `fullUrl` of an entry a transaction creates
 * (`urn:uuid:…`, `urn:oid:…`) stands for the resource until it has an id; every reference to it in
 * the other entries becomes the assigned `Type/id`. `resolved` maps each such `fullUrl` to its
 * `Type/id`; `value` is not changed: the result is a copy where any string equal to one of them
 * (a `reference`, at any depth, or any other element that holds the placeholder) is replaced,
 * as is a `reference` that names one with a fragment (`urn:uuid:…#c1`).
 */
export function resolveBundleReferences(value: unknown, resolved: ReadonlyMap<string, string>): unknown {
  if (resolved.size === 0) return value;
  return rewrite(value, resolved);
}

function rewrite(value: unknown, resolved: ReadonlyMap<string, string>): unknown {
  if (typeof value === 'string') return replacement(value, resolved) ?? value;
  if (Array.isArray(value)) return value.map((item) => rewrite(item, resolved));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) out[key] = rewrite(child, resolved);
    return out;
  }
  return value;
}

function replacement(value: string, resolved: ReadonlyMap<string, string>): string | undefined {
  if (!value.startsWith('urn:')) return undefined;
  const exact = resolved.get(value);
  if (exact !== undefined) return exact;
  const hash = value.indexOf('#');
  if (hash < 0) return undefined;
  const target = resolved.get(value.slice(0, hash));
  return target === undefined ? undefined : `${target}${value.slice(hash)}`;
}

/** Whether a `fullUrl` is a placeholder a transaction resolves (`urn:uuid:` or `urn:oid:`). */
export function isPlaceholderUrl(fullUrl: unknown): fullUrl is string {
  return typeof fullUrl === 'string' && /^urn:(?:uuid|oid):\S+$/.test(fullUrl);
}
