import { deterministicId } from '@carenet/eventsourcing';

/**
 * The id a conditional create (`If-None-Exist`) gives the resource it creates: the same for the
 * same type and condition (its parameters in a canonical order), so that requests racing with one
 * condition, in any process, race for one stream and the event store lets exactly one create it
 * (the others then answer with what it created).
 */
export function conditionalCreateId(type: string, condition: URLSearchParams): string {
  const canonical = [...condition.entries()]
    .filter(([name]) => name !== '_count')
    .sort(([a, x], [b, y]) => (a === b ? (x < y ? -1 : x > y ? 1 : 0) : a < b ? -1 : 1))
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`)
    .join('&');
  return deterministicId(`conditional-create:${type}?${canonical}`);
}
