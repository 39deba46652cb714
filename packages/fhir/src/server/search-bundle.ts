import type { Bundle, Resource } from 'fhir/r4.js';
import type { SearchRequestWarning } from '../search/search-request-issues.js';
import { searchWarningIssue } from '../search/search-request-issues.js';
import type { SearchRequest } from '../search/search-request.js';
import { summaryElements } from '../search/summary-elements.js';
import { outcome } from '../outcomes.js';
import type { SearchResult } from './resource-provider.js';
import { matchResource, ResourceText, type SearchMatch } from './resource-text.js';

const SUBSETTED = { system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue', code: 'SUBSETTED' };

/** `_elements`: keep the listed top-level elements (and what every resource needs), mark SUBSETTED. */
function withElements(resource: Resource, elements: readonly string[]): Resource {
  const keep = new Set(['resourceType', 'id', 'meta', ...elements]);
  const subset = Object.fromEntries(Object.entries(resource).filter(([name]) => keep.has(name))) as Resource;
  return { ...subset, meta: { ...resource.meta, tag: [...(resource.meta?.tag ?? []), SUBSETTED] } };
}

/**
 * `_summary=true` (the elements marked `isSummary` in the type's StructureDefinition) and
 * `_summary=text` (`text`, `id`, `meta` and the mandatory elements): top-level elements only,
 * marked SUBSETTED. A type R4 does not define is returned whole.
 */
function withSummary(resource: Resource, mode: 'true' | 'text'): Resource {
  const elements = summaryElements(resource.resourceType);
  if (!elements) return resource;
  const keep = mode === 'true' ? elements.summary : elements.text;
  const subset = Object.fromEntries(Object.entries(resource).filter(([name]) => keep.has(name))) as Resource;
  return { ...subset, meta: { ...resource.meta, tag: [...(resource.meta?.tag ?? []), SUBSETTED] } };
}

/** `_summary=data`: everything but the narrative. */
function withoutText(resource: Resource): Resource {
  const { text: _text, ...rest } = resource as Resource & { text?: unknown };
  return { ...rest, meta: { ...resource.meta, tag: [...(resource.meta?.tag ?? []), SUBSETTED] } };
}

export interface SearchBundleInput {
  readonly request: SearchRequest;
  readonly result: SearchResult;
  readonly warnings: readonly SearchRequestWarning[];
  readonly baseUrl: string;
  /** The search as received, without `_cursor` (for the self and next links). */
  readonly query: URLSearchParams;
}

/**
 * A `searchset` Bundle as JSON text: matches, includes, warnings (as an outcome entry), self,
 * previous and next links. A match given as stored text (ResourceText) goes in as it is, unless
 * `_elements` or `_summary` asks for a part of it.
 */
export function searchBundleJson({ request, result, warnings, baseUrl, query }: SearchBundleInput): string {
  const link = (cursor?: string) => {
    const params = new URLSearchParams(query);
    params.delete('_cursor');
    if (cursor !== undefined) params.set('_cursor', cursor);
    const text = params.toString();
    return `${baseUrl}/${request.resourceType}${text ? `?${text}` : ''}`;
  };
  const shaping =
    (request.elements !== undefined && request.elements.length > 0) ||
    request.summary === 'data' ||
    request.summary === 'true' ||
    request.summary === 'text';
  const shape = (resource: Resource): Resource => {
    if (request.elements && request.elements.length > 0) return withElements(resource, request.elements);
    if (request.summary === 'data') return withoutText(resource);
    if (request.summary === 'true' || request.summary === 'text')
      return withSummary(resource, request.summary);
    return resource;
  };
  const entry = (match: SearchMatch, mode: 'match' | 'include'): string => {
    const fullUrl = `${baseUrl}/${match.resourceType}/${match.id ?? ''}`;
    if (match instanceof ResourceText && !shaping) {
      return `{"fullUrl":${JSON.stringify(fullUrl)},"resource":${match.json},"search":{"mode":"${mode}"}}`;
    }
    return JSON.stringify({ fullUrl, resource: shape(matchResource(match)), search: { mode } });
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
  // The head's closing brace gives way to the entries.
  return `${JSON.stringify(head).slice(0, -1)},"entry":[${entries.join(',')}]}`;
}
