import { STATUS_CODES } from 'node:http';
import {
  FHIR_JSON,
  FhirError,
  issue,
  JSON_PATCH,
  notSupported,
  outcome,
  type BundleEntryRequest,
  type ParsedBundle,
} from '@carenet/fhir';
import type { Bundle, BundleEntry, OperationOutcome, Resource } from 'fhir/r4.js';
import { mapBounded } from './bounded-parallel.js';
import { searchWithIncludes } from './cross-service-includes.js';
import { planCrossServiceIncludes } from './include-plan.js';
import { bufferedCall, jsonOf, type BufferedAnswer, type ProxyContext } from './proxy-context.js';

/** `201 Created`: an entry's `response.status`. */
const statusLine = (status: number) => `${status} ${STATUS_CODES[status] ?? ''}`.trim();

const isOutcome = (value: unknown): value is OperationOutcome =>
  (value as Resource | undefined)?.resourceType === 'OperationOutcome';

/** The error of one entry as its response (a batch goes on with the others). */
const failedEntry = (error: FhirError): BundleEntry => ({
  response: { status: statusLine(error.status), outcome: error.outcome },
});

/** The path of an entry's request under the FHIR base: `/Task/1/_history/2`, `/Task?status=ready`. */
function pathOf(entry: BundleEntryRequest): string {
  const segments = [
    entry.type,
    entry.id,
    ...(entry.versionId !== undefined ? ['_history', entry.versionId] : []),
  ];
  const path = segments
    .filter((s): s is string => s !== undefined)
    .map(encodeURIComponent)
    .join('/');
  const query = entry.query.toString();
  return `/${path}${query ? `?${query}` : ''}`;
}

/** The body and content type of an entry's request: its resource, or the patch it carries. */
function bodyOf(entry: BundleEntryRequest): { body: Buffer; contentType: string } | FhirError | undefined {
  if (entry.resource === undefined || entry.method === 'GET' || entry.method === 'DELETE') return undefined;
  const resource = entry.resource as { resourceType?: unknown; contentType?: unknown; data?: unknown };
  if (entry.method !== 'PATCH')
    return { body: Buffer.from(JSON.stringify(resource)), contentType: FHIR_JSON };
  if (resource.resourceType === 'Parameters') {
    return { body: Buffer.from(JSON.stringify(resource)), contentType: FHIR_JSON };
  }
  if (
    resource.resourceType === 'Binary' &&
    resource.contentType === JSON_PATCH &&
    typeof resource.data === 'string'
  ) {
    return { body: Buffer.from(resource.data, 'base64'), contentType: JSON_PATCH };
  }
  return new FhirError(
    400,
    outcome(
      issue(
        'error',
        'invalid',
        `a PATCH entry takes a FHIRPath Patch (Parameters) or a Binary of ${JSON_PATCH}`,
        [`Bundle.entry[${entry.index}].resource`],
      ),
    ),
  );
}

/** `Type/id` at the start of a Location (`Task/1/_history/2`). */
const LOCATED = /^([A-Z][A-Za-z]{0,63}\/[A-Za-z0-9\-.]{1,64})(?:\/_history\/|$)/;

/** A service's answer to one entry, as the entry's response (as the embedded mode builds it). */
function entryOf(answer: BufferedAnswer, publicBaseUrl: string): BundleEntry {
  const body = jsonOf(answer);
  const status = statusLine(answer.status);
  if (answer.status >= 400) {
    return {
      response: {
        status,
        outcome: isOutcome(body)
          ? body
          : outcome(
              issue('error', 'exception', `the service answered ${status} without an OperationOutcome`),
            ),
      },
    };
  }
  const resource = body as Resource | undefined;
  const location = answer.headers.location;
  const etag = answer.headers.etag;
  const lastModifiedHeader = answer.headers['last-modified'];
  const lastModified =
    resource?.meta?.lastUpdated ??
    (lastModifiedHeader !== undefined ? new Date(lastModifiedHeader).toISOString() : undefined);
  // The resource's URL: from the resource, or (Prefer: return=minimal) from its Location.
  const located =
    typeof location === 'string' ? LOCATED.exec(location.replace(`${publicBaseUrl}/`, '')) : null;
  const ownUrl =
    resource !== undefined &&
    resource.resourceType !== 'Bundle' &&
    !isOutcome(resource) &&
    resource.id !== undefined
      ? `${publicBaseUrl}/${resource.resourceType}/${resource.id}`
      : located !== null
        ? `${publicBaseUrl}/${located[1] ?? ''}`
        : undefined;
  return {
    ...(ownUrl !== undefined && { fullUrl: ownUrl }),
    ...(resource !== undefined && !isOutcome(resource) && { resource }),
    response: {
      status,
      ...(typeof location === 'string' && {
        location: location.startsWith(`${publicBaseUrl}/`)
          ? location.slice(publicBaseUrl.length + 1)
          : location,
      }),
      ...(typeof etag === 'string' && { etag }),
      ...(lastModified !== undefined && { lastModified }),
      ...(isOutcome(resource) && { outcome: resource }),
    },
  };
}

/** What a Bundle's entries are sent with: the client's token, trace, request id, Prefer. */
export interface BundleCall {
  readonly onBehalf: Readonly<Record<string, string>>;
  readonly prefer?: string;
  readonly concurrency: number;
}

/** One entry of a batch, sent to its owner as its own HTTP request. */
async function batchEntry(
  context: ProxyContext,
  call: BundleCall,
  entry: BundleEntryRequest,
): Promise<BundleEntry> {
  const service = context.routes.get(entry.type);
  if (service === undefined) {
    return failedEntry(notSupported(`resource type "${entry.type}" is not supported by this server`));
  }
  const body = bodyOf(entry);
  if (body instanceof FhirError) return failedEntry(body);
  const headers: Record<string, string> = {
    ...call.onBehalf,
    ...(call.prefer !== undefined && { prefer: call.prefer }),
    ...(entry.ifMatch !== undefined && { 'if-match': entry.ifMatch }),
    ...(entry.ifNoneExist !== undefined && { 'if-none-exist': entry.ifNoneExist }),
    ...(body !== undefined && {
      'content-type': body.contentType,
      'content-length': String(body.body.length),
    }),
  };
  try {
    const plan =
      entry.method === 'GET' && entry.id === undefined
        ? planCrossServiceIncludes(entry.type, entry.query, context.routes)
        : undefined;
    const answer =
      plan !== undefined
        ? await searchWithIncludes(context, {
            type: entry.type,
            service,
            plan,
            headers,
            onBehalf: call.onBehalf,
            post: false,
          })
        : await bufferedCall(
            context,
            {
              service,
              method: entry.method,
              path: pathOf(entry),
              headers,
              ...(body !== undefined && { body: body.body }),
            },
            'batch-entry',
            entry.type,
          );
    return entryOf(answer, context.publicBaseUrl);
  } catch (error) {
    if (error instanceof FhirError) return failedEntry(error);
    throw error;
  }
}

/**
 * A batch across services: each entry is sent to the service owning its type as its own HTTP
 * request (several at once, at most `call.concurrency`), and the batch-response lists their
 * answers in the order of the entries. An entry the gateway cannot send (unknown type, malformed
 * request) or whose service fails gets its OperationOutcome; it never fails the others.
 */
export async function batch(context: ProxyContext, call: BundleCall, parsed: ParsedBundle): Promise<Bundle> {
  const entries = await mapBounded(parsed.entries, call.concurrency, (entry) =>
    entry.ok ? batchEntry(context, call, entry.request) : Promise.resolve(failedEntry(entry.error)),
  );
  return { resourceType: 'Bundle', type: 'batch-response', ...(entries.length > 0 && { entry: entries }) };
}

/** The failure of a transaction's entry as the whole transaction's answer (as the embedded mode words it). */
function entryFailure(error: FhirError, index: number, label: string): FhirError {
  const at = `Bundle.entry[${index}]`;
  return new FhirError(
    error.status,
    outcome(
      ...error.outcome.issue.map((i) => ({
        ...i,
        diagnostics: `${at} (${label}): ${i.diagnostics ?? i.code}; nothing in the transaction was stored`,
        expression: [
          ...(i.expression ?? []),
          ...((i.expression ?? []).some((e) => e.startsWith(at)) ? [] : [at]),
        ],
      })),
    ),
    error.headers,
  );
}

/**
 * The service a transaction goes to, whole: the one owning the types of all its entries. A
 * transaction is one database transaction in one service, so entries of several services are a
 * 422 naming them; an entry of no service's type a 404 naming the entry. Undefined: no entry.
 */
export function transactionService(context: ProxyContext, parsed: ParsedBundle): string | undefined {
  const types = new Map<string, Set<string>>();
  for (const entry of parsed.entries) {
    if (!entry.ok) throw entryFailure(entry.error, entry.index, 'request');
    const { type, index, method } = entry.request;
    const service = context.routes.get(type);
    if (service === undefined) {
      throw entryFailure(
        notSupported(`resource type "${type}" is not supported by this server`),
        index,
        `${method} ${type}`,
      );
    }
    types.set(service, (types.get(service) ?? new Set()).add(type));
  }
  if (types.size > 1) {
    const spans = [...types].map(([service, of]) => `${service} (${[...of].join(', ')})`).join(' and ');
    throw new FhirError(
      422,
      outcome(
        issue(
          'error',
          'not-supported',
          `a transaction is atomic within one service only, and this one spans ${spans}: send one ` +
            'transaction per service (or a batch, which is not atomic); nothing was stored',
          ['Bundle.entry'],
        ),
      ),
    );
  }
  return [...types.keys()][0];
}
