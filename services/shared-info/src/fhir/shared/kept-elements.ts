import type { JsonObject, ValidationIssues } from '@carenet/eventsourcing';
import type { Extension, Meta } from 'fhir/r4.js';

/**
 * Round-trip fidelity (issue 15): the elements of a resource the domain does not model (`text`,
 * `contained`, `identifier`, `photo`, `policy`, other extensions…) are kept as given, as a JSON
 * object keyed by element name, carried by the creating event and by the events of later changes,
 * and served back as given. `modifierExtension` and `implicitRules` change the meaning of what
 * carenet models: they are refused (422, naming the element), never kept or dropped.
 */
export type KeptElements = JsonObject;

/**
 * Elements the server owns on every resource: never kept (`id` is the server's; `meta` is kept
 * but for `versionId` and `lastUpdated`, which are the server's).
 */
const SERVER_OWNED: ReadonlySet<string> = new Set(['resourceType', 'id']);

/**
 * The elements of `element` (a resource or a backbone element at `path`) that are neither in
 * `modelled` nor server-owned, as given; its extensions other than `known` (the extensions the
 * type models or the server owns) as `extension`. `undefined` when nothing is kept.
 */
export function keptElementsOf(
  element: object,
  modelled: ReadonlySet<string>,
  path: string,
  issues: ValidationIssues,
  known: ReadonlySet<string> = new Set(),
): KeptElements | undefined {
  const kept: KeptElements = {};
  for (const [key, value] of Object.entries(element) as [string, unknown][]) {
    if (value === undefined || SERVER_OWNED.has(key) || modelled.has(key)) continue;
    if (key === 'meta') {
      const { versionId: _versionId, lastUpdated: _lastUpdated, ...given } = value as Record<string, unknown>;
      if (Object.keys(given).length > 0) kept.meta = given as JsonObject;
      continue;
    }
    if (key === 'modifierExtension' || key === 'implicitRules') {
      issues.add(
        `${path}.${key}`,
        'is not accepted: carenet does not know the rules it would change, and keeps no element it cannot honour',
      );
      continue;
    }
    if (key === 'extension') {
      const others = (value as Extension[]).filter((extension) => !known.has(extension.url));
      if (others.length > 0) kept.extension = others as unknown as JsonObject[];
      continue;
    }
    kept[key] = value as JsonObject;
  }
  return Object.keys(kept).length === 0 ? undefined : kept;
}

/** The extensions kept as given (`kept.extension`), to append to the server's own. */
export function keptExtensions(kept: KeptElements | undefined): Extension[] {
  return (kept?.extension ?? []) as unknown as Extension[];
}

/** The kept elements but `extension` and `meta` (rendered with the server's), to spread into a resource. */
export function keptElementsBut(kept: KeptElements | undefined): Record<string, unknown> {
  if (kept === undefined) return {};
  return Object.fromEntries(Object.entries(kept).filter(([key]) => key !== 'extension' && key !== 'meta'));
}

/**
 * `meta` of a version: the client's `profile`, `tag`, `security`, `source`… kept as given, with
 * the server's `versionId` and `lastUpdated`.
 */
export function metaOf(
  kept: KeptElements | undefined,
  version: { readonly versionId: string; readonly lastUpdated: string },
): Meta {
  return {
    ...(kept?.meta as Meta | undefined),
    versionId: version.versionId,
    lastUpdated: version.lastUpdated,
  };
}
