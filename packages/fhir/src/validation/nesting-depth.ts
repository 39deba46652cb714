import type { JsonObject } from './json-value.js';

/**
 * Whether a JSON value nests objects and arrays more than `limit` levels deep (`{}` is one
 * level, `{"a": []}` two). Stops as soon as it knows, and never recurses deeper than `limit`: a
 * hostile document cannot exhaust the stack here, nor later in the schema validation it guards.
 */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (limit <= 0) return true;
  if (Array.isArray(value)) {
    for (const item of value as unknown[]) if (nestsDeeperThan(item, limit - 1)) return true;
    return false;
  }
  for (const key in value) if (nestsDeeperThan((value as JsonObject)[key], limit - 1)) return true;
  return false;
}
