import { badRequest, FhirError, payloadTooLarge } from '../outcomes.js';

/** The entries a Bundle of type batch or transaction may have, by default. */
export const DEFAULT_MAX_BUNDLE_ENTRIES = 100;

export type BundleMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

const METHODS: ReadonlySet<string> = new Set<BundleMethod>(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);
const TYPE = /^[A-Z][A-Za-z]{0,63}$/;
const ID = /^[A-Za-z0-9\-.]{1,64}$/;

/** One entry's `request`, parsed: which interaction on what. */
export interface BundleEntryRequest {
  /** Its place in the Bundle (`Bundle.entry[index]`). */
  readonly index: number;
  readonly method: BundleMethod;
  readonly type: string;
  readonly id?: string;
  /** `T/id/_history/v` (vread). */
  readonly versionId?: string;
  /** The query of the URL (search, conditional update). */
  readonly query: URLSearchParams;
  readonly fullUrl?: string;
  readonly resource?: unknown;
  readonly ifMatch?: string;
  readonly ifNoneExist?: string;
}

/** An entry: its request, or why it cannot be one (answered for that entry, in a batch). */
export type ParsedEntry =
  | { readonly ok: true; readonly request: BundleEntryRequest }
  | { readonly ok: false; readonly index: number; readonly error: FhirError };

export interface ParsedBundle {
  readonly type: 'batch' | 'transaction';
  readonly entries: readonly ParsedEntry[];
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const text = (value: unknown): string => (typeof value === 'string' ? value.slice(0, 80) : typeof value);

/**
 * A `POST [base]` body: a Bundle of type `batch` or `transaction` with at most `maxEntries`
 * entries (413 beyond), each entry's `request` parsed against `baseUrl` (relative URLs, or absolute
 * under the base). What makes the whole Bundle unusable throws (400 naming the element); what is
 * wrong with one entry is that entry's error.
 */
export function parseBundleRequest(body: unknown, baseUrl: string, maxEntries: number): ParsedBundle {
  if (!isObject(body) || body.resourceType !== 'Bundle') {
    throw badRequest(
      `POST to the base URL takes a Bundle (batch or transaction), got ${
        isObject(body) ? text(body.resourceType) : 'no resource'
      }`,
      ['Bundle.resourceType'],
    );
  }
  const { type } = body;
  if (type !== 'batch' && type !== 'transaction') {
    throw badRequest(`Bundle.type must be batch or transaction to be processed, got ${text(type)}`, [
      'Bundle.type',
    ]);
  }
  const entries: unknown = body.entry ?? [];
  if (!Array.isArray(entries)) throw badRequest('Bundle.entry must be an array', ['Bundle.entry']);
  if (entries.length > maxEntries) {
    throw payloadTooLarge(
      `the Bundle has ${entries.length} entries; this server processes at most ${maxEntries} per ` +
        'batch or transaction: split it',
    );
  }
  return { type, entries: (entries as unknown[]).map((entry, index) => parseEntry(entry, index, baseUrl)) };
}

function parseEntry(entry: unknown, index: number, baseUrl: string): ParsedEntry {
  const at = `Bundle.entry[${index}]`;
  const fail = (message: string, element = `${at}.request`): ParsedEntry => ({
    ok: false,
    index,
    error: badRequest(message, [element]),
  });
  if (!isObject(entry)) return fail(`${at} is not an object`, at);
  const request = entry.request;
  if (!isObject(request)) return fail(`${at} has no request (method and url)`);
  const method = request.method;
  if (typeof method !== 'string' || !METHODS.has(method)) {
    return fail(
      `${at}.request.method must be GET, POST, PUT, PATCH or DELETE, got ${text(method)}`,
      `${at}.request.method`,
    );
  }
  if (typeof request.url !== 'string' || request.url === '') {
    return fail(`${at}.request.url is missing`, `${at}.request.url`);
  }
  let url = request.url;
  for (const prefix of [`${baseUrl}/`, baseUrl]) {
    if (url.startsWith(prefix)) {
      url = url.slice(prefix.length);
      break;
    }
  }
  url = url.replace(/^\/+/, '');
  const question = url.indexOf('?');
  const path = question < 0 ? url : url.slice(0, question);
  const query = new URLSearchParams(question < 0 ? '' : url.slice(question + 1));
  let segments: string[];
  try {
    segments = path.split('/').map((s) => decodeURIComponent(s));
  } catch {
    return fail(`${at}.request.url is not correctly percent-encoded`, `${at}.request.url`);
  }
  const [type, id, history, versionId, ...rest] = segments;
  const shapeOk =
    type !== undefined &&
    TYPE.test(type) &&
    (id === undefined || ID.test(id)) &&
    (history === undefined || (history === '_history' && versionId !== undefined && ID.test(versionId))) &&
    rest.length === 0;
  if (!shapeOk) {
    return fail(
      `${at}.request.url "${text(request.url)}" is not one this server processes in a Bundle: ` +
        'Type, Type?search, Type/id or Type/id/_history/version',
      `${at}.request.url`,
    );
  }
  if (versionId !== undefined && method !== 'GET') {
    return fail(`${at}: only GET takes a version (vread)`, `${at}.request.url`);
  }
  if ((method === 'PATCH' || method === 'DELETE') && id === undefined) {
    return fail(
      `${at}: ${method} needs Type/id (conditional ${method} is not supported)`,
      `${at}.request.url`,
    );
  }
  if (method === 'POST' && id !== undefined) {
    return fail(`${at}: POST takes the type only (Type), not Type/id`, `${at}.request.url`);
  }
  const needsResource = method === 'POST' || method === 'PUT' || method === 'PATCH';
  if (needsResource && !isObject(entry.resource)) {
    return fail(`${at}: ${method} needs the entry's resource`, `${at}.resource`);
  }
  const optional = (name: 'ifMatch' | 'ifNoneExist'): string | undefined | FhirError => {
    const value = request[name];
    if (value === undefined) return undefined;
    return typeof value === 'string'
      ? value
      : badRequest(`${at}.request.${name} must be a string`, [`${at}.request.${name}`]);
  };
  const ifMatch = optional('ifMatch');
  const ifNoneExist = optional('ifNoneExist');
  if (ifMatch instanceof FhirError) return { ok: false, index, error: ifMatch };
  if (ifNoneExist instanceof FhirError) return { ok: false, index, error: ifNoneExist };
  if (ifNoneExist !== undefined && method !== 'POST') {
    return fail(`${at}.request.ifNoneExist applies to POST only`, `${at}.request.ifNoneExist`);
  }
  return {
    ok: true,
    request: {
      index,
      method: method as BundleMethod,
      type,
      ...(id !== undefined && { id }),
      ...(versionId !== undefined && { versionId }),
      query,
      ...(typeof entry.fullUrl === 'string' && { fullUrl: entry.fullUrl }),
      ...(entry.resource !== undefined && { resource: entry.resource }),
      ...(ifMatch !== undefined && { ifMatch }),
      ...(ifNoneExist !== undefined && { ifNoneExist }),
    },
  };
}

/** R4 transaction processing order (http.html#trules): DELETE, POST, PUT and PATCH, then GET. */
export function transactionOrder(method: BundleMethod): number {
  switch (method) {
    case 'DELETE':
      return 0;
    case 'POST':
      return 1;
    case 'PUT':
    case 'PATCH':
      return 2;
    case 'GET':
      return 3;
  }
}

/** `201 Created`: the status line of an entry's response. */
export function statusLine(status: number): string {
  const reason: Record<number, string> = {
    200: 'OK',
    201: 'Created',
    204: 'No Content',
    400: 'Bad Request',
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'Not Found',
    405: 'Method Not Allowed',
    409: 'Conflict',
    410: 'Gone',
    412: 'Precondition Failed',
    413: 'Payload Too Large',
    415: 'Unsupported Media Type',
    422: 'Unprocessable Entity',
    500: 'Internal Server Error',
    503: 'Service Unavailable',
    507: 'Insufficient Storage',
  };
  const phrase = reason[status];
  return phrase === undefined ? String(status) : `${status} ${phrase}`;
}
