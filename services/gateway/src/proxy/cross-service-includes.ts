import { randomUUID } from 'node:crypto';
import { IndexValueExtractor, issue, outcome, SearchParameterRegistry, type Issue } from '@carenet/fhir';
import type { Bundle, BundleEntry, BundleLink, OperationOutcome, Resource } from 'fhir/r4.js';
import { mapBounded } from './bounded-parallel.js';
import type { CrossServiceInclude, IncludePlan } from './include-plan.js';
import { bufferedCall, jsonOf, type BufferedAnswer, type ProxyContext } from './proxy-context.js';
import { badGateway } from './upstream-errors.js';

/** Ids (or references) per request for the included resources: the URL stays a few KB. */
const IDS_PER_REQUEST = 50;
/** Pages of one `_revinclude` request followed at most (100 resources each). */
const MAX_REVINCLUDE_PAGES = 10;
const REVINCLUDE_PAGE_SIZE = 100;
/** Requests for included resources under way at once, per search. */
const INCLUDE_CONCURRENCY = 4;

/** The search of `type` as the client asked it, and how it reaches the owner. */
export interface IncludingSearch {
  readonly type: string;
  readonly service: string;
  readonly plan: IncludePlan;
  /** The headers sent to the owner (the client's, forwarded) and, with the token, to the others. */
  readonly headers: Readonly<Record<string, string>>;
  /** Headers for the gateway's own requests on the client's behalf (token, request id, trace). */
  readonly onBehalf: Readonly<Record<string, string>>;
  /** `POST [type]/_search` (a form), rather than `GET [type]?…`. */
  readonly post: boolean;
}

/**
 * The reference values one parameter of one type has in a resource (`Task:based-on` of a Task),
 * as `Type/id` of this server: an extractor per parameter, built once.
 */
class ReferenceReader {
  private readonly extractors = new Map<string, IndexValueExtractor | undefined>();

  constructor(private readonly localBaseUrls: readonly string[]) {}

  references(resource: Resource, code: string): { type: string; id: string }[] {
    const extractor = this.extractor(resource.resourceType, code);
    if (extractor === undefined) return [];
    const values = extractor.extract(resource).parameters.find((p) => p.parameter === code);
    if (values?.type !== 'reference') return [];
    const out: { type: string; id: string }[] = [];
    for (const v of values.values) {
      if (
        v.targetType !== undefined &&
        v.targetId !== undefined &&
        v.reference === `${v.targetType}/${v.targetId}`
      )
        out.push({ type: v.targetType, id: v.targetId });
    }
    return out;
  }

  private extractor(type: string, code: string): IndexValueExtractor | undefined {
    const key = `${type}:${code}`;
    if (!this.extractors.has(key)) {
      let extractor: IndexValueExtractor | undefined;
      try {
        extractor = new IndexValueExtractor(SearchParameterRegistry.r4({ supported: { [type]: [code] } }), {
          localBaseUrls: this.localBaseUrls,
        });
      } catch {
        extractor = undefined;
      }
      this.extractors.set(key, extractor);
    }
    return this.extractors.get(key);
  }
}

const readers = new WeakMap<ProxyContext, ReferenceReader>();

function readerOf(context: ProxyContext): ReferenceReader {
  let reader = readers.get(context);
  if (reader === undefined) {
    reader = new ReferenceReader([context.publicBaseUrl, ...[...context.bases.values()].flat()]);
    readers.set(context, reader);
  }
  return reader;
}

const chunks = <T>(items: readonly T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, i * size + size));

const keyOf = (resource: Resource | undefined) =>
  resource?.id === undefined ? undefined : `${resource.resourceType}/${resource.id}`;

/** The path (under the public base) of a link the gateway follows, or undefined when it is not ours. */
function pathOf(url: string, publicBaseUrl: string): string | undefined {
  return url.startsWith(`${publicBaseUrl}/`) ? url.slice(publicBaseUrl.length) : undefined;
}

/** What the gateway found for one cross-service include: resources, or why some are left out. */
interface Found {
  readonly resources: Resource[];
  readonly warnings: Issue[];
}

/**
 * The search, with its cross-service `_include`/`_revinclude` resolved by the gateway: the owner
 * answers the search without them; the included resources are asked of their owner with the
 * client's token (so the owner's access decision applies, and its audit records the access), and
 * added as `search.mode = include` entries, once each; the Bundle's links keep the parameters, so
 * that the next page, fetched through the gateway, includes again. The owner's answer other than a
 * searchset Bundle is returned as it is.
 */
export async function searchWithIncludes(
  context: ProxyContext,
  search: IncludingSearch,
): Promise<BufferedAnswer> {
  const { type, service, plan } = search;
  const form = plan.forwarded.toString();
  // The form is sent again, re-encoded: whatever encoding the client's had does not apply.
  const { 'content-encoding': _encoding, ...headers } = search.headers;
  const owned = await bufferedCall(
    context,
    search.post
      ? {
          service,
          method: 'POST',
          path: `/${type}/_search`,
          headers: {
            ...headers,
            'content-type': 'application/x-www-form-urlencoded',
            'content-length': String(Buffer.byteLength(form)),
          },
          body: Buffer.from(form),
        }
      : { service, method: 'GET', path: `/${type}${form ? `?${form}` : ''}`, headers },
    undefined,
    type,
  );
  const bundle = jsonOf(owned) as Bundle | undefined;
  if (owned.status !== 200 || bundle?.resourceType !== 'Bundle' || bundle.type !== 'searchset') return owned;

  const entries = bundle.entry ?? [];
  const matches = entries.flatMap((e) =>
    e.search?.mode === 'match' && e.resource?.resourceType === type ? [e.resource] : [],
  );
  const summary = plan.forwarded.get('_summary');
  const found: Found[] =
    summary === 'count' || matches.length === 0
      ? []
      : await Promise.all(
          plan.includes.map((include) =>
            include.parameter === '_revinclude'
              ? revincluded(context, search, include, matches, summary)
              : included(context, search, include, matches, summary),
          ),
        );
  const seen = new Set(entries.map((e) => keyOf(e.resource)).filter((k) => k !== undefined));
  const added: BundleEntry[] = [];
  for (const resource of found.flatMap((f) => f.resources)) {
    const key = keyOf(resource);
    if (key === undefined || seen.has(key)) continue;
    seen.add(key);
    added.push({ fullUrl: `${context.publicBaseUrl}/${key}`, resource, search: { mode: 'include' } });
  }
  const others = entries.filter((e) => e.search?.mode !== 'outcome');
  const outcomeEntries = withWarnings(
    entries.filter((e) => e.search?.mode === 'outcome'),
    found.flatMap((f) => f.warnings),
  );
  const all = [...others, ...added, ...outcomeEntries];
  const merged: Bundle = {
    ...bundle,
    ...(bundle.link !== undefined && { link: bundle.link.map((l) => restoredLink(l, plan.restored)) }),
    ...(all.length > 0 && { entry: all }),
  };
  return { status: 200, headers: owned.headers, text: JSON.stringify(merged) };
}

/** The outcome entries of the owner's Bundle with the gateway's warnings: in the first one, or a new one. */
function withWarnings(outcomes: readonly BundleEntry[], warnings: readonly Issue[]): BundleEntry[] {
  if (warnings.length === 0) return [...outcomes];
  const [first, ...more] = outcomes;
  if (first?.resource?.resourceType === 'OperationOutcome') {
    const said = first.resource as OperationOutcome;
    const resource: OperationOutcome = { ...said, issue: [...said.issue, ...warnings] };
    return [{ ...first, resource }, ...more];
  }
  const entry: BundleEntry = {
    fullUrl: `urn:uuid:${randomUUID()}`,
    resource: outcome(...warnings),
    search: { mode: 'outcome' },
  };
  return [...outcomes, entry];
}

/** A link of the owner's Bundle with the cross-service include parameters put back. */
function restoredLink(link: BundleLink, restored: URLSearchParams): BundleLink {
  const extra = restored.toString();
  if (extra === '') return link;
  return { ...link, url: `${link.url}${link.url.includes('?') ? '&' : '?'}${extra}` };
}

/** `_revinclude=Source:param`: the Source resources of another service pointing to the matches. */
async function revincluded(
  context: ProxyContext,
  search: IncludingSearch,
  include: CrossServiceInclude,
  matches: readonly Resource[],
  summary: string | null,
): Promise<Found> {
  const service = context.routes.get(include.sourceType) ?? '';
  const references = matches.map((m) => `${search.type}/${m.id ?? ''}`);
  const pages = await mapBounded(chunks(references, IDS_PER_REQUEST), INCLUDE_CONCURRENCY, async (chunk) => {
    const query = new URLSearchParams({
      [include.code]: chunk.join(','),
      _count: String(REVINCLUDE_PAGE_SIZE),
      ...(summary !== null && { _summary: summary }),
    });
    const found: Found = { resources: [], warnings: [] };
    let path: string | undefined = `/${include.sourceType}?${query.toString()}`;
    for (let page = 0; path !== undefined; page++) {
      if (page === MAX_REVINCLUDE_PAGES) {
        found.warnings.push(
          issue(
            'warning',
            'too-costly',
            `_revinclude=${include.value}: more than ${MAX_REVINCLUDE_PAGES * REVINCLUDE_PAGE_SIZE} ` +
              `${include.sourceType} resources point to ${chunk.length} matches; the rest were left out (ask for a smaller _count)`,
            ['_revinclude'],
          ),
        );
        break;
      }
      const answer = await fetchIncluded(context, search, include, service, path);
      if ('warning' in answer) {
        found.warnings.push(answer.warning);
        break;
      }
      found.resources.push(...answer.resources);
      path = answer.next === undefined ? undefined : pathOf(answer.next, context.publicBaseUrl);
    }
    return found;
  });
  return { resources: pages.flatMap((p) => p.resources), warnings: pages.flatMap((p) => p.warnings) };
}

/** `_include=Type:param`: the resources of other services the matches point to, by id. */
async function included(
  context: ProxyContext,
  search: IncludingSearch,
  include: CrossServiceInclude,
  matches: readonly Resource[],
  summary: string | null,
): Promise<Found> {
  const reader = readerOf(context);
  const idsByType = new Map<string, Set<string>>();
  for (const match of matches) {
    for (const { type, id } of reader.references(match, include.code)) {
      if (!include.targetTypes.includes(type)) continue;
      idsByType.set(type, (idsByType.get(type) ?? new Set()).add(id));
    }
  }
  const requests = [...idsByType].flatMap(([type, ids]) =>
    chunks([...ids], IDS_PER_REQUEST).map((chunk) => ({ type, chunk })),
  );
  const answers = await mapBounded(requests, INCLUDE_CONCURRENCY, async ({ type, chunk }) => {
    const query = new URLSearchParams({
      _id: chunk.join(','),
      _count: String(chunk.length),
      ...(summary !== null && { _summary: summary }),
    });
    return fetchIncluded(
      context,
      search,
      include,
      context.routes.get(type) ?? '',
      `/${type}?${query.toString()}`,
    );
  });
  return {
    resources: answers.flatMap((a) => ('resources' in a ? a.resources : [])),
    warnings: answers.flatMap((a) => ('warning' in a ? [a.warning] : [])),
  };
}

/**
 * One page of included resources from their owner: its matches and its next link; a refusal of
 * the service (401, 403, another 4xx) leaves them out with a warning, as the embedded mode does for
 * types the token cannot read; a service that fails or is down fails the search (502, 504).
 */
async function fetchIncluded(
  context: ProxyContext,
  search: IncludingSearch,
  include: CrossServiceInclude,
  service: string,
  path: string,
): Promise<{ resources: Resource[]; next?: string } | { warning: Issue }> {
  const answer = await bufferedCall(
    context,
    { service, method: 'GET', path, headers: search.onBehalf },
    'include',
    include.sourceType,
  );
  const body = jsonOf(answer) as Bundle | OperationOutcome | undefined;
  if (answer.status >= 500 || body === undefined) {
    throw badGateway(
      `the ${service} service failed (${answer.status}) while the gateway resolved ${include.parameter}=${include.value}`,
    );
  }
  if (answer.status !== 200 || body.resourceType !== 'Bundle') {
    const said = body.resourceType === 'OperationOutcome' ? body.issue[0]?.diagnostics : undefined;
    return {
      warning: issue(
        'warning',
        answer.status === 401 || answer.status === 403 ? 'forbidden' : 'incomplete',
        `${include.parameter}=${include.value}: included resources were left out: the ${service} service ` +
          `answered ${answer.status}${said !== undefined ? ` (${said})` : ''}`,
        [include.parameter],
      ),
    };
  }
  const next = body.link?.find((l) => l.relation === 'next')?.url;
  return {
    resources: (body.entry ?? []).flatMap((e) =>
      e.search?.mode !== 'outcome' && e.resource !== undefined ? [e.resource] : [],
    ),
    ...(next !== undefined && { next }),
  };
}

/** The form body of a `POST [type]/_search`, merged with its URL query: all the search's parameters. */
export function searchParametersOf(url: string, form: Buffer | undefined): URLSearchParams {
  const query = new URLSearchParams(url.split('?')[1] ?? '');
  if (form !== undefined) {
    for (const [name, value] of new URLSearchParams(form.toString('utf8'))) query.append(name, value);
  }
  return query;
}
