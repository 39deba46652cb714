import type { Coding, Resource } from 'fhir/r4.js';
import { parseElements, parseSummary } from './parse-result-parameters.js';
import type { SummaryMode } from './search-request.js';
import { summaryElements } from './summary-elements.js';

/**
 * `_elements` and `_summary` on a resource (R4 search §3.1.1.5.7 and §3.1.1.5.9), for search
 * and read alike: the part of each resource a client asked for, always with the mandatory
 * (min >= 1) top-level elements of its type, `resourceType`, `id` and `meta`, and tagged
 * SUBSETTED so that nobody takes it for the whole resource.
 */

/** The tag of a resource returned in part (R4 §2.17.4, `meta.tag`). */
export const SUBSETTED: Readonly<Coding> = Object.freeze({
  system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue',
  code: 'SUBSETTED',
});

/** What a request asks of each resource: `_summary`, `_elements` (top-level element names). */
export interface SubsetRequest {
  readonly summary?: SummaryMode;
  readonly elements?: readonly string[];
}

/** Whether the request asks for a part of each resource: `_elements`, or `_summary=true|text|data`. */
export function isSubset(request: SubsetRequest): boolean {
  return (
    (request.elements !== undefined && request.elements.length > 0) ||
    request.summary === 'true' ||
    request.summary === 'text' ||
    request.summary === 'data'
  );
}

const ALWAYS = ['resourceType', 'id', '_id', 'meta'];

/**
 * The JSON properties `_elements` keeps on a resource of `resourceType`: the listed elements
 * (each with its `_name` sibling; a choice element `effective` with every variant
 * `effectiveDateTime`, `effectivePeriod`…), the mandatory ones, `resourceType`, `id`, `meta`.
 */
export function elementsToKeep(resourceType: string, elements: readonly string[]): ReadonlySet<string> {
  const definitions = summaryElements(resourceType);
  const keep = new Set<string>(definitions?.mandatory ?? ALWAYS);
  for (const element of elements) {
    const properties = definitions?.properties.get(element) ?? [element, `_${element}`];
    for (const property of properties) keep.add(property);
  }
  return keep;
}

function tagged(resource: Resource, subset: Resource): Resource {
  const tags = resource.meta?.tag ?? [];
  const already = tags.some((t) => t.system === SUBSETTED.system && t.code === SUBSETTED.code);
  return { ...subset, meta: { ...resource.meta, tag: already ? tags : [...tags, { ...SUBSETTED }] } };
}

function only(resource: Resource, keep: ReadonlySet<string>): Resource {
  return tagged(
    resource,
    Object.fromEntries(Object.entries(resource).filter(([name]) => keep.has(name))) as Resource,
  );
}

/**
 * The part of `resource` the request asks for, tagged SUBSETTED; the resource itself when it
 * asks for the whole (`_summary=false`, `_summary=count`, nothing). `_elements` wins over
 * `_summary`. A type R4 does not define keeps, under `_summary=true|text`, all of it.
 */
export function subsetResource(resource: Resource, request: SubsetRequest): Resource {
  if (request.elements !== undefined && request.elements.length > 0) {
    return only(resource, elementsToKeep(resource.resourceType, request.elements));
  }
  switch (request.summary) {
    case 'data': {
      const { text: _text, ...rest } = resource as Resource & { text?: unknown };
      return tagged(resource, rest);
    }
    case 'true':
    case 'text': {
      const definitions = summaryElements(resource.resourceType);
      if (!definitions) return resource;
      return only(resource, request.summary === 'true' ? definitions.summary : definitions.text);
    }
    default:
      return resource;
  }
}

/** The SubsetRequest of a read, or what is wrong with it, naming the parameter. */
export type ReadSubsetResult =
  | { readonly ok: true; readonly request: SubsetRequest }
  | { readonly ok: false; readonly parameter: '_summary' | '_elements'; readonly message: string };

/**
 * A read's `_summary` and `_elements` (`GET /T/id?_elements=status`): each at most once;
 * `_summary=count` is for searches. Other parameters are not looked at.
 */
export function parseReadSubset(resourceType: string, query: URLSearchParams): ReadSubsetResult {
  const fail = (parameter: '_summary' | '_elements', message: string): ReadSubsetResult => ({
    ok: false,
    parameter,
    message,
  });
  const summaries = query.getAll('_summary');
  const elementLists = query.getAll('_elements');
  if (summaries.length > 1) return fail('_summary', '_summary given more than once');
  if (elementLists.length > 1) return fail('_elements', '_elements given more than once');
  let summary: SummaryMode | undefined;
  let elements: string[] | undefined;
  const [summaryText] = summaries;
  if (summaryText !== undefined && summaryText !== '') {
    const parsed = parseSummary(summaryText);
    if (!parsed.ok) return fail('_summary', `_summary: ${parsed.message}`);
    if (parsed.value === 'count')
      return fail('_summary', '_summary=count applies to searches, not to a read');
    summary = parsed.value;
  }
  const [elementsText] = elementLists;
  if (elementsText !== undefined && elementsText !== '') {
    const parsed = parseElements(elementsText, resourceType);
    if (!parsed.ok) return fail('_elements', `_elements: ${parsed.message}`);
    elements = parsed.value;
  }
  return {
    ok: true,
    request: { ...(summary !== undefined && { summary }), ...(elements !== undefined && { elements }) },
  };
}
