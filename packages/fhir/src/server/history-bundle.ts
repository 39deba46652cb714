import type { Bundle, BundleEntry } from 'fhir/r4.js';
import { etagOf } from './http-headers.js';
import type { HistoryMethod, StoredHistoryVersion } from '../storage/postgres-search-store.js';
import type { HistoryEntry } from './resource-provider.js';

/**
 * The `request.method` of a history entry: from the interaction recorded with the write (an event's
 * `metadata.fhirInteraction`), else inferred (version 1 POST, later versions PUT: writes recorded
 * before the interaction was, and operations).
 */
export function historyMethodOf(interaction: unknown, versionId: number | string): HistoryMethod {
  switch (interaction) {
    case 'create':
      return 'POST';
    case 'update':
      return 'PUT';
    case 'patch':
      return 'PATCH';
    default:
      return Number(versionId) === 1 ? 'POST' : 'PUT';
  }
}

/** The method recorded for an interaction (`fhirInteraction`): none for operations and unknowns. */
export function recordedMethodOf(interaction: unknown): HistoryMethod | undefined {
  return interaction === 'create' || interaction === 'update' || interaction === 'patch'
    ? historyMethodOf(interaction, 0)
    : undefined;
}

/** A version of the search store's history as a history entry (version 1 was a create). */
export function historyEntryOf(version: StoredHistoryVersion): HistoryEntry {
  const versionId = String(version.versionId);
  if (version.resource === undefined) {
    return { deleted: true, id: version.id, versionId, lastUpdated: version.lastUpdated };
  }
  return {
    resource: version.resource,
    versionId,
    lastUpdated: version.lastUpdated,
    method: version.method ?? historyMethodOf(undefined, version.versionId),
  };
}

/** A `history` Bundle (R4 §3.1.0.11), newest version first. */
export function historyBundle(
  type: string,
  entries: readonly HistoryEntry[],
  baseUrl: string,
  selfUrl: string,
  nextUrl?: string,
): Bundle {
  return {
    resourceType: 'Bundle',
    type: 'history',
    link: [
      { relation: 'self', url: selfUrl },
      ...(nextUrl === undefined ? [] : [{ relation: 'next', url: nextUrl }]),
    ],
    // No version (a `_since` after the last write): no `entry`, an empty array is not valid FHIR JSON.
    ...(entries.length > 0 && { entry: entries.map(historyEntry) }),
  };

  function historyEntry(entry: HistoryEntry): BundleEntry {
    if (entry.deleted) {
      return {
        fullUrl: `${baseUrl}/${type}/${entry.id}`,
        request: { method: 'DELETE', url: `${type}/${entry.id}` },
        response: { status: '204', etag: etagOf(entry.versionId), lastModified: entry.lastUpdated },
      };
    }
    const id = entry.resource.id ?? '';
    return {
      fullUrl: `${baseUrl}/${type}/${id}`,
      resource: entry.resource,
      request: { method: entry.method, url: entry.method === 'POST' ? type : `${type}/${id}` },
      response: {
        status: entry.method === 'POST' ? '201' : '200',
        etag: etagOf(entry.versionId),
        lastModified: entry.lastUpdated,
      },
    };
  }
}
