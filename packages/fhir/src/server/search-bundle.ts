import { randomUUID } from 'node:crypto';
import type { Bundle } from 'fhir/r4.js';
import type { SearchRequestWarning } from '../search/search-request-issues.js';
import { searchWarningIssue } from '../search/search-request-issues.js';
import type { SearchRequest } from '../search/search-request.js';
import { isSubset, subsetResource, type SubsetRequest } from '../search/resource-subset.js';
import { outcome } from '../outcomes.js';
import type { SearchResult } from './resource-provider.js';
import { matchResource, ResourceText, type SearchMatch } from './resource-text.js';

export interface SearchBundleInput {
  readonly request: SearchRequest;
  readonly result: SearchResult;
  readonly warnings: readonly SearchRequestWarning[];
  readonly baseUrl: string;
  /**
   * The search as applied (`ParseSearchResult.applied`: without the parameters that were
   * ignored; `_cursor` is replaced), for the self, previous and next links.
   */
  readonly query: URLSearchParams;
}

/**
 * A `searchset` Bundle as JSON text: matches, includes, warnings (as an outcome entry with a
 * `urn:uuid` fullUrl), self, previous and next links. A match given as stored text
 * (ResourceText) goes in as it is, unless `_elements` or `_summary` asks for a part of it:
 * `_summary` applies to every entry, `_elements` (the elements of the searched type) to the
 * matches only (R4). No entry at all (`_summary=count`, nothing found) is no `entry` property: an
 * empty array is not valid FHIR JSON.
 */
export function searchBundleJson({ request, result, warnings, baseUrl, query }: SearchBundleInput): string {
  const link = (cursor?: string) => {
    const params = new URLSearchParams(query);
    params.delete('_cursor');
    if (cursor !== undefined) params.set('_cursor', cursor);
    const text = params.toString();
    return `${baseUrl}/${request.resourceType}${text ? `?${text}` : ''}`;
  };
  const forMatches: SubsetRequest = {
    ...(request.summary !== undefined && { summary: request.summary }),
    ...(request.elements !== undefined && { elements: request.elements }),
  };
  const forIncludes: SubsetRequest = request.summary !== undefined ? { summary: request.summary } : {};
  const entry = (match: SearchMatch, mode: 'match' | 'include'): string => {
    const fullUrl = `${baseUrl}/${match.resourceType}/${match.id ?? ''}`;
    const subset = mode === 'match' ? forMatches : forIncludes;
    if (match instanceof ResourceText && !isSubset(subset)) {
      return `{"fullUrl":${JSON.stringify(fullUrl)},"resource":${match.json},"search":{"mode":"${mode}"}}`;
    }
    return JSON.stringify({
      fullUrl,
      resource: subsetResource(matchResource(match), subset),
      search: { mode },
    });
  };
  const entries: string[] =
    request.summary === 'count'
      ? []
      : [
          ...result.resources.map((r) => entry(r, 'match')),
          ...(result.included ?? []).map((r) => entry(r, 'include')),
        ];
  if (warnings.length > 0) {
    entries.push(
      JSON.stringify({
        fullUrl: `urn:uuid:${randomUUID()}`,
        resource: outcome(...warnings.map(searchWarningIssue)),
        search: { mode: 'outcome' },
      }),
    );
  }
  const head: Bundle = {
    resourceType: 'Bundle',
    type: 'searchset',
    ...(result.total !== undefined && { total: result.total }),
    link: [
      { relation: 'self', url: link(request.cursor) },
      ...(result.previousCursor !== undefined && request.summary !== 'count'
        ? [{ relation: 'previous', url: link(result.previousCursor) }]
        : []),
      ...(result.nextCursor !== undefined && request.summary !== 'count'
        ? [{ relation: 'next', url: link(result.nextCursor) }]
        : []),
    ],
  };
  if (entries.length === 0) return JSON.stringify(head);
  // The head's closing brace gives way to the entries.
  return `${JSON.stringify(head).slice(0, -1)},"entry":[${entries.join(',')}]}`;
}
