import { createRequire } from 'node:module';
import express, { type Request, type Response, type Router } from 'express';
import type { OperationOutcomeIssue as Issue, Resource } from 'fhir/r4.js';
import type * as FastJsonPatch from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';
import {
  buildCapabilityStatement,
  type CapabilityOptions,
  type RegisteredResourceType,
} from '../capability/capability-statement.js';
import { fhirErrorHandler } from '../http/error-handler.js';
import { fhirJsonBody, negotiateJson } from '../http/content-negotiation.js';
import { JSON_PATCH } from '../http/media-types.js';
import { requestTrace, requestTraceOf } from '../http/request-trace.js';
import { fhirResponseHeaders } from '../http/response-headers.js';
import { sendFhir, sendFhirJson } from '../http/send-fhir.js';
import {
  badRequest,
  FhirError,
  forbidden,
  invalidResource,
  issue,
  methodNotAllowed,
  notSupported,
  outcome,
  preconditionFailed,
  unsupportedMediaType,
} from '../outcomes.js';
import { parseSearchRequest } from '../search/parse-search-request.js';
import { parseReadSubset, subsetResource } from '../search/resource-subset.js';
import type { SearchParameterRegistry } from '../search/search-parameter-registry.js';
import { searchRequestError } from '../search/search-request-issues.js';
import type { Authenticator, Permission, Principal } from './access-port.js';
import { conditionalCreateId } from './conditional-create-id.js';
import { historyBundle } from './history-bundle.js';
import { boundedJsonBody, checkIfMatchVersion, checkSince, checkVreadVersion } from './request-limits.js';
import { searchBundleJson } from './search-bundle.js';
import { matchResource } from './resource-text.js';
import { etagOf, httpDate, parsePrefer, versionFromEtag } from './http-headers.js';
import type {
  FhirInteraction,
  HistoryOptions,
  IncomingResourceValidator,
  RequestContext,
  ResourceProvider,
  StoredResource,
} from './resource-provider.js';

const PERMISSION_NAMES: Readonly<Record<Permission, string>> = {
  c: 'create',
  r: 'read',
  u: 'update',
  d: 'delete',
  s: 'search',
};

// fast-json-patch is CommonJS and its typings have no default export.
const jsonPatch = createRequire(import.meta.url)('fast-json-patch') as typeof FastJsonPatch;

const ID = /^[A-Za-z0-9\-.]{1,64}$/;

/** The canonical of R4's `$validate` (Resource-validate), which the router serves on every type. */
export const RESOURCE_VALIDATE = 'http://hl7.org/fhir/OperationDefinition/Resource-validate';

const VALIDATE_MODES: ReadonlySet<string> = new Set(['create', 'update', 'delete']);

export interface FhirRouterOptions {
  readonly providers: readonly ResourceProvider[];
  /** Validates every incoming resource before any provider method runs. */
  readonly validator?: IncomingResourceValidator;
  /** The FHIR base URL clients see. */
  readonly publicBaseUrl: string;
  /** Largest accepted body (default 1 MiB). */
  readonly bodyLimit?: string;
  readonly logger: { error(details: object, message: string): void };
  /** `_count` of history: default and maximum (default 50 and 500). */
  readonly historyCount?: { readonly default: number; readonly max: number };
  /**
   * Search (`GET /T`, `POST /T/_search`) for providers that implement it: the registry says which
   * parameters each type supports; `_count` default and maximum (default 20 and 100).
   */
  readonly search?: {
    readonly registry: SearchParameterRegistry;
    readonly defaultCount?: number;
    readonly maxCount?: number;
    /** The clock (for `ap` dates); default: the system clock. */
    readonly now?: () => Date;
  };
  /**
   * Authentication: when given, every request but `GET /metadata` must prove who calls (401
   * otherwise), and each interaction needs its SMART permission on the type (403 otherwise).
   */
  readonly authenticator?: Authenticator;
  /**
   * When given, `GET /metadata` serves the CapabilityStatement of these providers (with the
   * `security` and the served `operationDefinitions` the composition root states).
   */
  readonly capability?: Omit<CapabilityOptions, 'baseUrl' | 'resources'>;
}

/** What the router serves per type, for the CapabilityStatement (it claims nothing else). */
export function registrationsOf(
  providers: readonly ResourceProvider[],
  registry?: SearchParameterRegistry,
): RegisteredResourceType[] {
  return providers.map((p) => ({
    type: p.type as RegisteredResourceType['type'],
    ...(p.search &&
      registry && {
        searchParams: registry.capabilitySearchParams(p.type),
        searchInclude: registry.searchIncludes(p.type),
        searchRevInclude: registry.searchRevIncludes(p.type),
      }),
    interactions: [
      ...(p.search && registry ? (['search-type'] as const) : []),
      ...(p.read ? (['read'] as const) : []),
      ...(p.vread ? (['vread'] as const) : []),
      ...(p.update ? (['update', 'patch'] as const) : []),
      ...(p.delete ? (['delete'] as const) : []),
      ...(p.history ? (['history-instance'] as const) : []),
      ...(p.typeHistory ? (['history-type'] as const) : []),
      ...(p.create ? (['create'] as const) : []),
    ],
    conditionalCreate: Boolean(p.create && p.search && registry),
    operations: [
      ...Object.entries(p.operations ?? {}).map(([name, o]) => ({ name, definition: o.definition })),
      // Served by the router for every type (unless the provider registers its own `validate`).
      ...(Object.hasOwn(p.operations ?? {}, 'validate')
        ? []
        : [{ name: 'validate', definition: RESOURCE_VALIDATE }]),
    ],
  }));
}

/**
 * Express router of FHIR R4 interactions over resource providers (the handlers know nothing of
 * express): read, vread, create, update, JSON Patch, delete, instance history and typed
 * operations, with ETag / Last-Modified / Location, If-Match and Prefer.
 */
export function fhirRouter(options: FhirRouterOptions): Router {
  const providers = new Map(options.providers.map((p) => [p.type, p]));
  const historyCount = options.historyCount ?? { default: 50, max: 500 };
  const router = express.Router();
  // On every answer, errors too: X-Content-Type-Options: nosniff, Cache-Control: no-store.
  router.use(fhirResponseHeaders);
  // First: every request, refused ones too, has its server span and trace context.
  router.use(requestTrace());
  router.use(negotiateJson);
  const { authenticator } = options;
  if (authenticator) {
    // Before any body is parsed: an unauthenticated caller learns nothing about the request.
    router.use(async (req, res, next) => {
      if (req.method === 'GET' && req.path === '/metadata') {
        next();
        return;
      }
      res.locals.principal = await authenticator.authenticate(req.get('authorization'));
      next();
    });
  }
  // POST _search takes a form (application/x-www-form-urlencoded), not FHIR JSON.
  router.post('/:type/_search', express.urlencoded({ extended: false, limit: '64kb' }), async (req, res) => {
    const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (req.headers['content-length'] !== '0' && type !== 'application/x-www-form-urlencoded') {
      throw unsupportedMediaType('POST _search takes application/x-www-form-urlencoded');
    }
    const query = new URLSearchParams(req.url.split('?')[1] ?? '');
    for (const [name, value] of Object.entries(req.body as Record<string, string | string[]>)) {
      for (const v of Array.isArray(value) ? value : [value]) query.append(name, v);
    }
    await search(req, res, query);
  });
  router.use(...fhirJsonBody(options.bodyLimit ?? '1mb'));

  const principalOf = (res: Response): Principal | undefined => res.locals.principal as Principal | undefined;

  const context = (res: Response, interaction?: FhirInteraction): RequestContext => {
    const principal = principalOf(res);
    const trace = requestTraceOf(res);
    return {
      ...(interaction !== undefined && { interaction }),
      baseUrl: options.publicBaseUrl,
      requestId: String(res.getHeader('x-request-id') ?? ''),
      ...(trace !== undefined && { traceparent: trace.traceparent }),
      ...(principal !== undefined && { principal }),
    };
  };

  /** 403 unless the caller's scopes grant `permission` on `type` (no authenticator: all granted). */
  function permit(res: Response, type: string, permission: Permission): void {
    const principal = principalOf(res);
    if (principal === undefined || principal.allows(type, permission)) return;
    throw forbidden(
      `the token's scopes do not grant ${PERMISSION_NAMES[permission]} (${permission}) on ${type}: ` +
        `a scope such as user/${type}.${permission} or system/${type}.${permission} is needed`,
    );
  }

  /** The provider of the request's type, once the caller may do `permission` on it. */
  function providerOf(req: Request, res: Response, permission: Permission | undefined): ResourceProvider {
    const type = String(req.params.type);
    const provider = providers.get(type);
    if (!provider) throw notSupported(`resource type "${type.slice(0, 64)}" is not supported by this server`);
    if (permission !== undefined) permit(res, type, permission);
    return provider;
  }

  function idOf(req: Request, name = 'id'): string {
    const id = String(req.params[name]);
    if (!ID.test(id)) throw badRequest(`"${id.slice(0, 80)}" is not a valid FHIR id`);
    return id;
  }

  function need<K extends keyof ResourceProvider>(provider: ResourceProvider, method: K, what: string) {
    const fn = provider[method];
    if (!fn) throw methodNotAllowed(`${what} is not supported for ${provider.type}`);
    return fn;
  }

  function validated(provider: ResourceProvider, body: unknown, id?: string): Resource {
    if (options.validator) {
      const result = options.validator.validate(body, {
        type: provider.type,
        ...(id !== undefined && { id }),
      });
      if (!result.ok) throw invalidResource(result.issues, result.status ?? 400);
      return result.resource;
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw badRequest('the body is not a FHIR resource');
    const resource = body as Resource;
    if (resource.resourceType !== provider.type) {
      throw badRequest(`expected a ${provider.type}, got ${resource.resourceType}`, [
        `${provider.type}.resourceType`,
      ]);
    }
    if (id !== undefined && resource.id !== id) {
      throw badRequest(`the id in the body (${String(resource.id)}) does not match the URL (${id})`, [
        `${provider.type}.id`,
      ]);
    }
    return resource;
  }

  function ifMatchOf(req: Request, provider: ResourceProvider): { ifMatch?: string } {
    const header = req.headers['if-match'];
    if (!header) {
      if (provider.requireIfMatch)
        throw preconditionFailed(`updates of ${provider.type} must carry If-Match`);
      return {};
    }
    return { ifMatch: checkIfMatchVersion(provider.type, versionFromEtag(header)) };
  }

  function send(
    req: Request,
    res: Response,
    status: number,
    stored: StoredResource,
    location: boolean,
  ): void {
    const type = stored.resource.resourceType;
    const headers: Record<string, string> = {
      ETag: etagOf(stored.versionId),
      'Last-Modified': httpDate(stored.lastUpdated),
    };
    if (location) {
      headers.Location = `${options.publicBaseUrl}/${type}/${stored.resource.id ?? ''}/_history/${stored.versionId}`;
    }
    const prefer = parsePrefer(req.get('prefer'));
    if (status !== 200 || req.method !== 'GET') {
      if (prefer.return === 'minimal') {
        res.status(status).set(headers).end();
        return;
      }
      if (prefer.return === 'OperationOutcome') {
        sendFhir(
          res,
          status,
          outcome(
            issue(
              'information',
              'informational',
              `${type}/${stored.resource.id ?? ''} version ${stored.versionId}`,
            ),
          ),
          headers,
        );
        return;
      }
    }
    sendFhir(res, status, stored.resource, headers);
  }

  /**
   * A read's `_summary`/`_elements` (R4: they apply to reads too): the part asked for, with the
   * mandatory elements, tagged SUBSETTED; a bad value is a 400 naming the parameter.
   */
  function subsetOf(req: Request, stored: StoredResource): StoredResource {
    const query = new URLSearchParams(req.url.split('?')[1] ?? '');
    if (!query.has('_summary') && !query.has('_elements')) return stored;
    const parsed = parseReadSubset(stored.resource.resourceType, query);
    if (!parsed.ok) throw badRequest(parsed.message, [parsed.parameter]);
    return { ...stored, resource: subsetResource(stored.resource, parsed.request) };
  }

  /** Up to two matches of a search criterion (conditional interactions). */
  async function matching(
    provider: ResourceProvider,
    query: URLSearchParams,
    res: Response,
  ): Promise<readonly Resource[]> {
    if (!provider.search || !options.search) {
      throw badRequest(`conditional create needs search, which ${provider.type} does not support`);
    }
    query.set('_count', '2');
    const parsed = parseSearchRequest(provider.type, query, {
      registry: options.search.registry,
      now: options.search.now?.() ?? new Date(),
      localBaseUrls: [options.publicBaseUrl],
    });
    if (!parsed.ok) throw searchRequestError(parsed.errors, parsed.warnings);
    return (await provider.search(parsed.request, context(res))).resources.map(matchResource);
  }

  /**
   * `If-None-Exist`, atomic: the resource found by the condition (200), or a new one (201) whose id
   * is derived from the condition, so that concurrent requests with it (in any process) race for
   * one stream: the store lets one create it and the others answer with it. A resource that once
   * had that id but no longer matches gets a random id instead (not atomic then).
   */
  async function conditionalCreate(
    req: Request,
    res: Response,
    provider: ResourceProvider,
    resource: Resource,
    condition: URLSearchParams,
  ): Promise<void> {
    permit(res, provider.type, 's');
    const create = need(provider, 'create', 'create');
    const read = need(provider, 'read', 'conditional create');
    /** The one resource the condition finds (412 when it finds several). */
    const match = async () => {
      const existing = await matching(provider, new URLSearchParams(condition), res);
      if (existing.length > 1) {
        throw preconditionFailed(
          `If-None-Exist matches ${existing.length} ${provider.type} resources: be more specific`,
        );
      }
      const id = existing[0]?.id;
      return id === undefined ? undefined : read.call(provider, id, context(res));
    };
    const found = await match();
    if (found !== undefined) {
      send(req, res, 200, found, false);
      return;
    }
    const id = conditionalCreateId(provider.type, condition);
    const readById = () => read.call(provider, id, context(res)).catch(() => undefined);
    // The condition's id is taken: by a request with the same condition that created it since
    // (the search now finds it), or by a resource that no longer matches (a random id then).
    const taken = (await readById()) !== undefined;
    if (taken) {
      const created = await match();
      if (created !== undefined) {
        send(req, res, 200, created, false);
        return;
      }
    }
    try {
      const stored = await create.call(provider, resource, context(res, 'create'), taken ? {} : { id });
      send(req, res, 201, stored, true);
    } catch (error) {
      // Another request with the same condition created it first: answer with that one.
      const winner = taken ? undefined : await readById();
      if (winner === undefined) throw error;
      send(req, res, 200, winner, false);
    }
  }

  async function search(req: Request, res: Response, query: URLSearchParams): Promise<void> {
    const provider = providerOf(req, res, 's');
    const run = need(provider, 'search', 'search');
    if (!options.search) throw methodNotAllowed(`search is not supported for ${provider.type}`);
    const parsed = parseSearchRequest(provider.type, query, {
      registry: options.search.registry,
      now: options.search.now?.() ?? new Date(),
      handling: parsePrefer(req.get('prefer')).handling,
      localBaseUrls: [options.publicBaseUrl],
      ...(options.search.defaultCount !== undefined && { defaultCount: options.search.defaultCount }),
      ...(options.search.maxCount !== undefined && { maxCount: options.search.maxCount }),
    });
    if (!parsed.ok) throw searchRequestError(parsed.errors, parsed.warnings);
    const found = await run.call(provider, parsed.request, context(res));
    // `_include`/`_revinclude` entries of types the caller may not read are left out, and said so.
    const principal = principalOf(res);
    const hidden = new Set<string>();
    const included = (found.included ?? []).filter((r) => {
      const readable = principal === undefined || principal.allows(r.resourceType, 'r');
      if (!readable) hidden.add(r.resourceType);
      return readable;
    });
    const result = hidden.size === 0 ? found : { ...found, included };
    const warnings = [
      ...parsed.warnings,
      ...[...hidden].map((type) => ({
        code: 'included-not-permitted' as const,
        parameter: parsed.request.include.length > 0 ? '_include' : '_revinclude',
        message: `included ${type} resources were left out: the token's scopes do not grant read (r) on ${type}`,
      })),
    ];
    sendFhirJson(
      res,
      200,
      searchBundleJson({
        request: parsed.request,
        result,
        warnings,
        baseUrl: options.publicBaseUrl,
        // The self link shows what was applied: ignored parameters are left out.
        query: parsed.applied,
      }),
    );
  }

  /**
   * The resource and mode of a `$validate` body: the resource itself, or a `Parameters` with
   * `resource` (and `mode`, `profile`); 400 when it is neither.
   */
  function validateRequestOf(
    provider: ResourceProvider,
    body: unknown,
  ): { resource: unknown; mode: string | undefined; notes: Issue[] } {
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw badRequest(`$validate takes a ${provider.type} or a Parameters resource as its body`);
    const { resourceType } = body as { resourceType?: unknown };
    if (resourceType === provider.type) return { resource: body, mode: undefined, notes: [] };
    if (resourceType !== 'Parameters') {
      throw badRequest(
        `$validate on ${provider.type} takes a ${provider.type} or a Parameters resource, got ${
          typeof resourceType === 'string' ? resourceType.slice(0, 64) : 'no resourceType'
        }`,
        [`${provider.type}.resourceType`],
      );
    }
    // Untrusted JSON: every shape is checked, whatever the R4 typings say.
    const parameters: unknown = (body as { parameter?: unknown }).parameter ?? [];
    if (!Array.isArray(parameters)) throw badRequest('Parameters.parameter must be an array');
    const notes: Issue[] = [];
    let resource: unknown;
    let mode: string | undefined;
    for (const item of parameters as unknown[]) {
      if (typeof item !== 'object' || item === null)
        throw badRequest('a parameter of $validate is not an object');
      const p = item as Partial<Record<'name' | 'valueCode' | 'valueString', unknown>> & {
        resource?: unknown;
      };
      switch (p.name) {
        case 'resource':
          if (resource !== undefined) throw badRequest('$validate takes one resource parameter');
          resource = p.resource;
          break;
        case 'mode': {
          const value = p.valueCode ?? p.valueString;
          if (typeof value !== 'string' || !VALIDATE_MODES.has(value))
            throw badRequest('the mode of $validate is create, update or delete', ['Parameters.parameter']);
          mode = value;
          break;
        }
        case 'profile':
          notes.push(
            issue(
              'information',
              'informational',
              'the profile parameter is ignored: the resource is validated against the base R4 ' +
                'definition and the rules of this server',
            ),
          );
          break;
        default:
          throw badRequest(
            `unknown parameter "${typeof p.name === 'string' ? p.name.slice(0, 64) : '(no name)'}" of $validate`,
            ['Parameters.parameter'],
          );
      }
    }
    if (resource === undefined && mode !== 'delete')
      throw badRequest('$validate needs a resource parameter', ['Parameters.parameter']);
    if (resource !== undefined) {
      const type = (resource as { resourceType?: unknown }).resourceType;
      if (type !== provider.type) {
        throw badRequest(
          `$validate on ${provider.type} takes a ${provider.type}, got ${
            typeof type === 'string' ? type.slice(0, 64) : 'no resourceType'
          }`,
          [`${provider.type}.resourceType`],
        );
      }
    }
    return { resource, mode, notes };
  }

  /**
   * R4 `$validate` (Resource-validate) on every type: the checks of a create (type level,
   * `mode=create`) or an update (instance level, or `mode=update` with the resource's id), nothing
   * stored; 200 with an OperationOutcome of the issues (one `information` issue when there are
   * none). Permission: read or create on the type (it reads nothing stored but `mode=delete`).
   */
  async function validateOperation(
    req: Request,
    res: Response,
    provider: ResourceProvider,
    id: string | undefined,
  ): Promise<void> {
    if (req.method !== 'POST') throw methodNotAllowed('$validate takes a POST with the resource as the body');
    const principal = principalOf(res);
    if (
      principal !== undefined &&
      !principal.allows(provider.type, 'r') &&
      !principal.allows(provider.type, 'c')
    ) {
      throw forbidden(
        `the token's scopes grant neither read (r) nor create (c) on ${provider.type}, one of which ` +
          `$validate needs: a scope such as user/${provider.type}.r or system/${provider.type}.c`,
      );
    }
    const { resource, mode, notes } = validateRequestOf(
      provider,
      boundedJsonBody(req.body, '$validate body'),
    );
    if (mode === 'delete') {
      if (id === undefined) throw badRequest('$validate with mode=delete needs the id: POST /T/id/$validate');
      // It reads what is stored: the read permission, not create.
      permit(res, provider.type, 'r');
      await need(provider, 'read', 'read').call(provider, id, context(res));
      sendFhir(
        res,
        200,
        outcome(
          ...notes,
          issue(
            'information',
            'informational',
            `${provider.type}/${id} exists; this server sets no rule on deletes`,
          ),
        ),
      );
      return;
    }
    const bodyId = (resource as { id?: unknown }).id;
    const expectedId = id ?? (mode === 'update' ? (typeof bodyId === 'string' ? bodyId : '') : undefined);
    let issues: Issue[] = [];
    try {
      validated(provider, resource, expectedId);
    } catch (error) {
      if (!(error instanceof FhirError)) throw error;
      issues = error.outcome.issue;
    }
    sendFhir(
      res,
      200,
      outcome(
        ...notes,
        ...(issues.length > 0
          ? issues
          : [issue('information', 'informational', `no issues: the ${provider.type} is valid`)]),
      ),
    );
  }

  async function operation(req: Request, res: Response, id: string | undefined, segment: string) {
    const provider = providerOf(req, res, undefined);
    const name = segment.slice(1);
    // Own properties only: `$toString` or `$__proto__` name no operation.
    const operations = provider.operations ?? {};
    if (name === 'validate' && !Object.hasOwn(operations, name)) {
      await validateOperation(req, res, provider, id);
      return;
    }
    const op = Object.hasOwn(operations, name) ? operations[name] : undefined;
    if (!op) throw notSupported(`operation $${name.slice(0, 64)} is not supported for ${provider.type}`);
    permit(res, provider.type, op.permission ?? (req.method === 'GET' ? 'r' : 'u'));
    const parameters =
      req.method === 'POST'
        ? (boundedJsonBody(req.body, 'operation body') as Resource | undefined)
        : undefined;
    const query = new URLSearchParams(req.url.split('?')[1] ?? '');
    const method = req.method === 'GET' ? 'GET' : 'POST';
    const result = await op.handler(
      { ...(id !== undefined && { id }), method, parameters, query },
      context(res, 'operation'),
    );
    sendFhir(res, result.status ?? 200, result.resource);
  }

  if (options.capability) {
    const statement = buildCapabilityStatement({
      baseUrl: options.publicBaseUrl,
      ...options.capability,
      resources: registrationsOf(options.providers, options.search?.registry),
    });
    router.get('/metadata', (_req, res) => {
      sendFhir(res, 200, statement);
    });
  }

  router.get('/:type/:id/_history/:vid', async (req, res) => {
    const provider = providerOf(req, res, 'r');
    const id = idOf(req);
    const stored = await need(provider, 'vread', 'vread').call(
      provider,
      id,
      checkVreadVersion(provider.type, id, idOf(req, 'vid')),
      context(res),
    );
    send(req, res, 200, subsetOf(req, stored), false);
  });

  /** `_since` and `_count` of a history request. */
  function historyOptionsOf(req: Request): HistoryOptions {
    const since = typeof req.query._since === 'string' ? checkSince(req.query._since) : undefined;
    const rawCount = typeof req.query._count === 'string' ? Number(req.query._count) : historyCount.default;
    if (!Number.isInteger(rawCount) || rawCount < 0)
      throw badRequest('_count must be a whole number', ['_count']);
    return { ...(since !== undefined && { since }), count: Math.min(rawCount, historyCount.max) };
  }

  router.get('/:type/_history', async (req, res) => {
    const provider = providerOf(req, res, 'r');
    const history = historyOptionsOf(req);
    const cursor = typeof req.query._cursor === 'string' ? req.query._cursor : undefined;
    const page = await need(provider, 'typeHistory', 'type-level history').call(
      provider,
      { ...history, ...(cursor !== undefined && { cursor }) },
      context(res),
    );
    const query = new URLSearchParams(req.url.split('?')[1] ?? '');
    const url = (params: URLSearchParams) =>
      `${options.publicBaseUrl}/${provider.type}/_history${params.size > 0 ? `?${params.toString()}` : ''}`;
    const next = new URLSearchParams(query);
    if (page.nextCursor !== undefined) next.set('_cursor', page.nextCursor);
    sendFhir(
      res,
      200,
      historyBundle(
        provider.type,
        page.entries,
        options.publicBaseUrl,
        url(query),
        page.nextCursor === undefined ? undefined : url(next),
      ),
    );
  });

  router.get('/:type/:id/_history', async (req, res) => {
    const provider = providerOf(req, res, 'r');
    const id = idOf(req);
    const entries = await need(provider, 'history', 'history').call(
      provider,
      id,
      historyOptionsOf(req),
      context(res),
    );
    const self = `${options.publicBaseUrl}/${provider.type}/${id}/_history${req.url.includes('?') ? req.url.slice(req.url.indexOf('?')) : ''}`;
    sendFhir(res, 200, historyBundle(provider.type, entries, options.publicBaseUrl, self));
  });

  router.all('/:type/:segment', async (req, res, next) => {
    const segment = req.params.segment;
    if (!segment.startsWith('$')) {
      next();
      return;
    }
    if (req.method !== 'GET' && req.method !== 'POST')
      throw methodNotAllowed(`${req.method} of an operation`);
    await operation(req, res, undefined, segment);
  });

  router.all('/:type/:id/:segment', async (req, res) => {
    const segment = req.params.segment;
    if (!segment.startsWith('$'))
      throw notSupported(`${req.method} ${req.path} is not supported by this server`);
    if (req.method !== 'GET' && req.method !== 'POST')
      throw methodNotAllowed(`${req.method} of an operation`);
    await operation(req, res, idOf(req), segment);
  });

  router.get('/:type/:id', async (req, res) => {
    const provider = providerOf(req, res, 'r');
    const stored = await need(provider, 'read', 'read').call(provider, idOf(req), context(res));
    send(req, res, 200, subsetOf(req, stored), false);
  });

  router.get('/:type', async (req, res) => {
    await search(req, res, new URLSearchParams(req.url.split('?')[1] ?? ''));
  });

  router.post('/:type', async (req, res) => {
    const provider = providerOf(req, res, 'c');
    const create = need(provider, 'create', 'create');
    const resource = validated(provider, req.body);
    const condition = req.get('if-none-exist');
    if (condition !== undefined) {
      await conditionalCreate(
        req,
        res,
        provider,
        resource,
        new URLSearchParams(condition.replace(/^.*\?/, '')),
      );
      return;
    }
    const stored = await create.call(provider, resource, context(res, 'create'));
    send(req, res, 201, stored, true);
  });

  router.put('/:type/:id', async (req, res) => {
    const provider = providerOf(req, res, 'u');
    const id = idOf(req);
    const update = need(provider, 'update', 'update');
    const { stored, created } = await update.call(
      provider,
      id,
      validated(provider, req.body, id),
      ifMatchOf(req, provider),
      context(res, 'update'),
    );
    send(req, res, created ? 201 : 200, stored, created);
  });

  router.patch('/:type/:id', async (req, res) => {
    const provider = providerOf(req, res, 'u');
    const id = idOf(req);
    const read = need(provider, 'read', 'patch');
    const update = need(provider, 'update', 'patch');
    if (!(req.headers['content-type'] ?? '').startsWith(JSON_PATCH)) {
      throw unsupportedMediaType(`PATCH takes ${JSON_PATCH}`);
    }
    const patch = boundedJsonBody(req.body, 'JSON Patch document', 'Patch');
    const problem = Array.isArray(patch) ? jsonPatch.validate(patch as Operation[]) : undefined;
    if (!Array.isArray(patch) || problem) {
      throw badRequest(`not a valid JSON Patch document${problem ? `: ${problem.message}` : ''}`);
    }
    const current = await read.call(provider, id, context(res));
    const ifMatch = ifMatchOf(req, provider);
    if (ifMatch.ifMatch !== undefined && ifMatch.ifMatch !== current.versionId) {
      throw preconditionFailed(
        `${provider.type}/${id} is at version ${current.versionId}, If-Match says ${ifMatch.ifMatch}`,
      );
    }
    let patched: unknown;
    try {
      patched = jsonPatch.applyPatch(
        structuredClone(current.resource),
        patch as Operation[],
        true,
        false,
      ).newDocument;
    } catch (error) {
      throw badRequest(`the patch does not apply: ${(error as Error).message.split('\n')[0] ?? ''}`);
    }
    const { stored } = await update.call(
      provider,
      id,
      validated(provider, patched, id),
      { ifMatch: current.versionId },
      context(res, 'patch'),
    );
    send(req, res, 200, stored, false);
  });

  router.delete('/:type/:id', async (req, res) => {
    const provider = providerOf(req, res, 'd');
    await need(provider, 'delete', 'delete').call(
      provider,
      idOf(req),
      ifMatchOf(req, provider),
      context(res, 'delete'),
    );
    res.status(204).end();
  });

  router.use((req) => {
    throw notSupported(`${req.method} ${req.baseUrl}${req.path} is not supported by this server`);
  });
  router.use(fhirErrorHandler(options.logger));
  return router;
}
