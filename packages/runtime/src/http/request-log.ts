import type { IncomingMessage, ServerResponse } from 'node:http';
import { stdSerializers, type LoggerOptions, type SerializedError } from 'pino';

/**
 * What the gateway's logs may say (issue 18, data minimisation): who did what (the caller's
 * identity, the method, the path, the status), never a patient identifier or clinical text.
 * Query values are kept only for parameters that cannot carry them (paging, subsetting, sorting,
 * codes of status); every other value is `[redacted]`, the parameter's name kept. Of the headers,
 * only the ones that say how the request was made; `If-None-Exist` (a search, often by INS) and
 * tokens never. Error objects lose the SQL parameters and driver details some drivers attach to
 * them (PGlite's `params`: the resource being written).
 */

/** Query parameters whose values say nothing about a patient. */
const SAFE_PARAMETERS: ReadonlySet<string> = new Set([
  '_count',
  '_summary',
  '_elements',
  '_sort',
  '_total',
  '_format',
  '_pretty',
  '_include',
  '_revinclude',
  '_lastUpdated',
  '_since',
  'status',
  'intent',
  'priority',
]);

/** Request headers logged (values that describe the exchange, not its content). */
const LOGGED_HEADERS = [
  'content-type',
  'content-length',
  'accept',
  'user-agent',
  'prefer',
  'if-match',
] as const;

/** Properties drivers put on errors that hold the values of a statement (patient data). */
const ERROR_DATA_PROPERTIES = ['params', 'parameters', 'values', 'detail', 'where', 'internalQuery'] as const;

/** A URL's path and query with every value that could identify a patient replaced. */
export function redactedUrl(url: string): string {
  const mark = url.indexOf('?');
  if (mark < 0) return url;
  const query = new URLSearchParams(url.slice(mark + 1));
  const kept = [...query].map(([name, value]) => {
    const base = name.split(':')[0] ?? name;
    return `${encodeURIComponent(name)}=${SAFE_PARAMETERS.has(base) ? encodeURIComponent(value) : '[redacted]'}`;
  });
  return `${url.slice(0, mark)}?${kept.join('&')}`;
}

/** Who made a request, for the log: a professional or system by identifier, a patient as `patient` only. */
export function callerOf(principal: unknown): string | undefined {
  const actor = (principal as { actor?: Record<string, unknown> } | undefined)?.actor;
  if (actor === undefined) return undefined;
  const identifier = actor.identifier as { system?: string; value?: string } | undefined;
  switch (actor.kind) {
    case 'professional':
      return `professional ${identifier?.system ?? ''}|${identifier?.value ?? ''}`;
    case 'system':
      return `system ${String(actor.clientId)}`;
    case 'patient':
      return 'patient';
    default:
      return undefined;
  }
}

type RawRequest = IncomingMessage & { originalUrl?: string };
type LoggedRequest = RawRequest & { id?: unknown; raw?: RawRequest };

function serializeRequest(req: LoggedRequest) {
  const raw = req.raw ?? req;
  const headers: Record<string, string> = {};
  for (const name of LOGGED_HEADERS) {
    const value = raw.headers[name];
    if (typeof value === 'string') headers[name] = value.slice(0, 200);
  }
  if (raw.headers['if-none-exist'] !== undefined) headers['if-none-exist'] = '[redacted]';
  return { id: req.id, method: raw.method, url: redactedUrl(raw.originalUrl ?? raw.url ?? ''), headers };
}

function serializeResponse(res: ServerResponse & { raw?: ServerResponse }) {
  return { statusCode: (res.raw ?? res).statusCode };
}

/** An error as logged: type, message, stack and code, without the statement's values. */
export function serializeError(error: Error): SerializedError {
  const serialized = stdSerializers.err(error) as SerializedError & Record<string, unknown>;
  for (const property of ERROR_DATA_PROPERTIES) Reflect.deleteProperty(serialized, property);
  return serialized;
}

/** `customProps` of the request log: the authenticated caller, once the router has it. */
export function requestLogProps(_req: IncomingMessage, res: ServerResponse): { caller?: string } {
  const caller = callerOf((res as ServerResponse & { locals?: { principal?: unknown } }).locals?.principal);
  return caller === undefined ? {} : { caller };
}

/** The serializers of every gateway logger (pino options). */
export const logSerializers: NonNullable<LoggerOptions['serializers']> = {
  req: serializeRequest,
  res: serializeResponse,
  err: serializeError,
};
