import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import express, { type Request, type Response, type Router } from 'express';
import type { Bundle, BundleEntry, OperationOutcomeIssue as Issue, Resource } from 'fhir/r4.js';
import { assertNever, ForbiddenError } from '@carenet/eventsourcing';
import type * as FastJsonPatch from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';
import {
  buildCapabilityStatement,
  type CapabilityOptions,
  type RegisteredResourceType,
} from '../capability/capability-statement.js';
import { errorToFhir } from '../error-mapping.js';
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
import { nestsDeeperThan } from '../validation/nesting-depth.js';
import {
  BREAK_GLASS_HEADER,
  type AccessAudit,
  type AccessGate,
  type AccessGrant,
  type AuditedAccess,
  type AuditedAction,
  type Authenticator,
  type Permission,
  type Principal,
} from './access-port.js';
import {
  DEFAULT_MAX_BUNDLE_ENTRIES,
  parseBundleRequest,
  statusLine,
  transactionOrder,
  type BundleEntryRequest,
  type ParsedBundle,
} from './bundle-request.js';
import { isPlaceholderUrl, resolveBundleReferences } from './bundle-references.js';
import { conditionalCreateId } from './conditional-create-id.js';
import { applyFhirPathPatch, parseFhirPathPatch } from './fhirpath-patch.js';
import { historyBundle } from './history-bundle.js';
import {
  boundedJsonBody,
  checkIfMatchVersion,
  checkSince,
  checkVreadVersion,
  MAX_BODY_NESTING_DEPTH,
} from './request-limits.js';
import { searchBundleJson } from './search-bundle.js';
import { matchResource } from './resource-text.js';
import { etagOf, httpDate, parsePrefer, versionFromEtag, type PreferReturn } from './http-headers.js';
import type {
  FhirInteraction,
  HistoryOptions,
  IncomingResourceValidator,
  RequestContext,
  ResourceProvider,
  StoredResource,
  UnitOfWork,
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

/** Who calls, with which providers: an HTTP request, or one entry of a batch or transaction. */
interface Call {
  readonly principal: Principal | undefined;
  readonly context: (interaction?: FhirInteraction) => RequestContext;
  /** By type: the router's providers, or (in a transaction) those its unit of work bound. */
  readonly providers: ReadonlyMap<string, ResourceProvider>;
  readonly handling: 'strict' | 'lenient';
  /** The emergency reason the request declares (`X-Carenet-Break-Glass`). */
  readonly breakGlass?: string;
  /**
   * In a transaction: where its audit records wait for the outcome (recorded after the commit, on
   * another connection than the transaction's; a rolled-back transaction's denials only).
   */
  readonly auditBuffer?: AuditedAccess[];
}

/** What an interaction answers: its status, the version, whether it gets a Location. */
interface Answer {
  readonly status: number;
  readonly stored: StoredResource;
  readonly location: boolean;
}

/** Where a transaction's create goes, decided before any write: an id, or what its condition found. */
interface Preset {
  readonly id: string;
  readonly existing?: StoredResource;
}

/** The `:type` of the route (generic request handlers type params loosely). */
const typeOf = (req: Request): string => String(req.params.type);

const queryOf = (req: Request): URLSearchParams => new URLSearchParams(req.url.split('?')[1] ?? '');

/** The criteria of `If-None-Exist` (`identifier=…`, or with the type: `Task?identifier=…`). */
const conditionOf = (header: string): URLSearchParams => new URLSearchParams(header.replace(/^.*\?/, ''));

/**
 * The system interactions `batch` and `transaction` of the CapabilityStatement, with what they do
 * here (transactions: within the types of one unit of work, one service's database).
 */
export function bundleInteractions(
  providers: readonly ResourceProvider[],
  maxEntries: number,
): { code: 'batch' | 'transaction'; documentation: string }[] {
  const units = new Map<UnitOfWork, string[]>();
  for (const p of providers) {
    if (p.unitOfWork) units.set(p.unitOfWork, [...(units.get(p.unitOfWork) ?? []), p.type]);
  }
  const groups = [...units].map(([unit, types]) => `${unit.name}: ${types.join(', ')}`).join('; ');
  return [
    {
      code: 'batch',
      documentation:
        `POST [base] with a batch Bundle of at most ${maxEntries} entries (413 beyond): each entry ` +
        'is processed on its own, in order, with the checks of its interaction (GET read, vread and ' +
        'search; POST create and conditional create; PUT update and conditional update; PATCH with a ' +
        'FHIRPath Patch Parameters or a JSON Patch Binary; DELETE); a failing entry gets its ' +
        'OperationOutcome in its response and never fails the others.',
    },
    {
      code: 'transaction',
      documentation:
        `POST [base] with a transaction Bundle of at most ${maxEntries} entries: all or nothing, in ` +
        'one database transaction, processed DELETE, POST, PUT/PATCH then GET; urn:uuid fullUrls of ' +
        'created entries are resolved in the references of the others; ifNoneExist honoured. A ' +
        'transaction is atomic within one service only: its entries must all be of the types of one ' +
        `of (${groups || 'none'}); one spanning two services is refused (422 not-supported). A ` +
        "failing entry fails the whole transaction with that entry's status and OperationOutcome.",
    },
  ];
}

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
  readonly capability?: Omit<CapabilityOptions, 'baseUrl' | 'resources' | 'systemInteractions'>;
  /** Batch and transaction Bundles (`POST [base]`): entries per Bundle (default 100; 413 beyond). */
  readonly bundle?: { readonly maxEntries?: number };
  /**
   * The access decision on patient data: each read, vread, history and conditional match is
   * checked (403 when denied), each search and type history filtered to the patients the caller
   * may see. Without it, the scopes alone decide.
   */
  readonly access?: AccessGate;
  /**
   * The audit of accesses to patient data (issue 18): every read, vread and instance history
   * (permitted or denied), every search and type-history hit, every create, update and patch is
   * recorded before the answer is sent (a failure to record is a 500, nothing is answered).
   */
  readonly audit?: AccessAudit;
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
    conditionalUpdate: Boolean(p.update && p.create && p.read && p.search && registry),
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

  /** The call an HTTP request is: its caller, the router's providers. */
  const callOf = (req: Request, res: Response): Call => ({
    principal: principalOf(res),
    context: (interaction) => context(res, interaction),
    providers,
    handling: parsePrefer(req.get('prefer')).handling,
    ...breakGlassOf(req),
  });

  /** The emergency reason of `X-Carenet-Break-Glass` (trimmed; absent or blank: none). */
  function breakGlassOf(req: Request): { breakGlass?: string } {
    const reason = req.get(BREAK_GLASS_HEADER)?.trim();
    return reason === undefined || reason === '' ? {} : { breakGlass: reason.slice(0, 500) };
  }

  /** Records accesses (no audit configured, or none: nothing). */
  async function audited(call: Call, accesses: readonly AuditedAccess[]): Promise<void> {
    if (options.audit === undefined || accesses.length === 0) return;
    if (call.auditBuffer !== undefined) {
      call.auditBuffer.push(...accesses);
      return;
    }
    await options.audit.record(call.principal, accesses);
  }

  /** Permitted accesses of `action` to `resources` (search and type-history hits, writes). */
  function permitted(call: Call, action: AuditedAction, resources: readonly Resource[]): AuditedAccess[] {
    const reason =
      action === 'search' || action === 'history'
        ? 'a hit among the patients the caller may see'
        : `a ${action} permitted by the token's scopes and the service's rules`;
    return resources.map((resource) => ({
      action,
      resource,
      outcome: 'permitted' as const,
      reason,
      ...(call.breakGlass !== undefined && { breakGlass: call.breakGlass }),
    }));
  }

  /** 403 unless the caller's scopes grant `permission` on `type` (no authenticator: all granted). */
  function permit(call: Call, type: string, permission: Permission): void {
    const { principal } = call;
    if (principal === undefined || principal.allows(type, permission)) return;
    throw forbidden(
      `the token's scopes do not grant ${PERMISSION_NAMES[permission]} (${permission}) on ${type}: ` +
        `a scope such as user/${type}.${permission} or system/${type}.${permission} is needed`,
    );
  }

  /**
   * Resolves when the caller may see `resource` (the access decision), 403 otherwise; either way
   * recorded in the audit as `action`.
   */
  async function mayRead(call: Call, resource: Resource, action: AuditedAction = 'read'): Promise<void> {
    const declared = call.breakGlass === undefined ? {} : { breakGlass: call.breakGlass };
    let grant: AccessGrant | undefined;
    try {
      grant = await options.access?.checkRead(call.principal, resource, declared);
    } catch (error) {
      if (error instanceof ForbiddenError) {
        await audited(call, [{ action, resource, outcome: 'denied', reason: error.message, ...declared }]);
      }
      throw error;
    }
    await audited(call, [
      {
        action,
        resource,
        outcome: 'permitted',
        reason: grant?.reason ?? "permitted by the token's scopes",
        ...(grant !== undefined && { grant }),
        ...declared,
      },
    ]);
  }

  /** The provider of `type`, once the caller may do `permission` on it. */
  function providerOf(call: Call, type: string, permission: Permission | undefined): ResourceProvider {
    const provider = call.providers.get(type);
    if (!provider) throw notSupported(`resource type "${type.slice(0, 64)}" is not supported by this server`);
    if (permission !== undefined) permit(call, type, permission);
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

  function ifMatchOf(header: string | undefined, provider: ResourceProvider): { ifMatch?: string } {
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
  function subsetOf(query: URLSearchParams, stored: StoredResource): StoredResource {
    if (!query.has('_summary') && !query.has('_elements')) return stored;
    const parsed = parseReadSubset(stored.resource.resourceType, query);
    if (!parsed.ok) throw badRequest(parsed.message, [parsed.parameter]);
    return { ...stored, resource: subsetResource(stored.resource, parsed.request) };
  }

  /** Up to two matches of a search criterion (conditional interactions). */
  async function matching(
    call: Call,
    provider: ResourceProvider,
    query: URLSearchParams,
    what: string,
  ): Promise<readonly Resource[]> {
    if (!provider.search || !options.search) {
      throw badRequest(`${what} needs search, which ${provider.type} does not support`);
    }
    query.set('_count', '2');
    const parsed = parseSearchRequest(provider.type, query, {
      registry: options.search.registry,
      now: options.search.now?.() ?? new Date(),
      localBaseUrls: [options.publicBaseUrl],
    });
    if (!parsed.ok) throw searchRequestError(parsed.errors, parsed.warnings);
    return (await provider.search(parsed.request, call.context())).resources.map(matchResource);
  }

  /** The one resource the criteria of a conditional interaction find (412 when several). */
  async function matchOne(
    call: Call,
    provider: ResourceProvider,
    condition: URLSearchParams,
    what: string,
  ): Promise<StoredResource | undefined> {
    const read = need(provider, 'read', what);
    const existing = await matching(call, provider, new URLSearchParams(condition), what);
    if (existing.length > 1) {
      throw preconditionFailed(
        `${what} matches ${existing.length} ${provider.type} resources: be more specific`,
      );
    }
    const id = existing[0]?.id;
    return id === undefined ? undefined : read.call(provider, id, call.context());
  }

  /**
   * Where a conditional interaction's create goes, once nothing matches: the id derived from the
   * condition (`conditionalCreateId`), so that concurrent requests with it (in any process) race for
   * one stream; `taken` when a resource already has that id (created since by a request with the
   * same condition, or one that no longer matches).
   */
  async function conditionalTarget(
    call: Call,
    provider: ResourceProvider,
    condition: URLSearchParams,
  ): Promise<{ readonly id: string; readonly taken: boolean }> {
    const read = need(provider, 'read', 'a conditional interaction');
    const id = conditionalCreateId(provider.type, condition);
    const taken = (await read.call(provider, id, call.context()).catch(() => undefined)) !== undefined;
    return { id, taken };
  }

  /**
   * `If-None-Exist`, atomic: the resource found by the condition (200), or a new one (201) whose id
   * is derived from the condition, so that concurrent requests with it (in any process) race for
   * one stream: the store lets one create it and the others answer with it. A resource that once
   * had that id but no longer matches gets a random id instead (not atomic then).
   */
  async function conditionalCreate(
    call: Call,
    provider: ResourceProvider,
    resource: Resource,
    condition: URLSearchParams,
  ): Promise<Answer> {
    permit(call, provider.type, 's');
    const create = need(provider, 'create', 'create');
    const read = need(provider, 'read', 'conditional create');
    const match = () => matchOne(call, provider, condition, 'If-None-Exist');
    const found = await match();
    if (found !== undefined) {
      await mayRead(call, found.resource);
      return { status: 200, stored: found, location: false };
    }
    const { id, taken } = await conditionalTarget(call, provider, condition);
    // The condition's id is taken: by a request with the same condition that created it since
    // (the search now finds it), or by a resource that no longer matches (a random id then).
    if (taken) {
      const created = await match();
      if (created !== undefined) {
        await mayRead(call, created.resource);
        return { status: 200, stored: created, location: false };
      }
    }
    try {
      const stored = await create.call(provider, resource, call.context('create'), taken ? {} : { id });
      await audited(call, permitted(call, 'create', [stored.resource]));
      return { status: 201, stored, location: true };
    } catch (error) {
      // Another request with the same condition created it first: answer with that one.
      const winner = taken ? undefined : await read.call(provider, id, call.context()).catch(() => undefined);
      if (winner === undefined) throw error;
      await mayRead(call, winner.resource);
      return { status: 200, stored: winner, location: false };
    }
  }

  /**
   * Conditional update (`PUT /T?criteria`, R4): no match, a create (201) with the body's id when it
   * has one, else the id derived from the criteria, so that concurrent requests with the same
   * criteria race for one stream and exactly one creates (the others then update it); one match,
   * an update of that resource (the body's id, if any, must be its id: 400 otherwise); several, 412.
   */
  async function conditionalUpdate(
    call: Call,
    type: string,
    condition: URLSearchParams,
    body: unknown,
    ifMatchHeader: string | undefined,
  ): Promise<Answer> {
    const provider = providerOf(call, type, 'u');
    permit(call, type, 's');
    const update = need(provider, 'update', 'update');
    const create = need(provider, 'create', 'conditional update');
    if ([...condition.keys()].filter((k) => k !== '_count').length === 0) {
      throw badRequest(`a conditional update needs search criteria: PUT ${type}?<criteria>`);
    }
    const bodyId = (body as { id?: unknown } | null | undefined)?.id;
    if (bodyId !== undefined && (typeof bodyId !== 'string' || !ID.test(bodyId))) {
      throw badRequest(`${JSON.stringify(bodyId).slice(0, 80)} is not a valid FHIR id`, [`${type}.id`]);
    }
    const resource = validated(provider, body, typeof bodyId === 'string' ? bodyId : undefined);
    const updateOf = async (id: string): Promise<Answer> => {
      if (bodyId !== undefined && bodyId !== id) {
        throw badRequest(
          `the criteria match ${type}/${id}, the body's id is ${bodyId}: they must be the same`,
          [`${type}.id`],
        );
      }
      const { stored, created } = await update.call(
        provider,
        id,
        { ...resource, id },
        ifMatchOf(ifMatchHeader, provider),
        call.context('update'),
      );
      await audited(call, permitted(call, created ? 'create' : 'update', [stored.resource]));
      return { status: created ? 201 : 200, stored, location: created };
    };
    const found = await matchOne(call, provider, condition, 'the conditional update');
    if (found !== undefined) return updateOf(found.resource.id ?? '');
    const target =
      typeof bodyId === 'string'
        ? { id: bodyId, taken: false }
        : await conditionalTarget(call, provider, condition);
    if (target.taken) {
      // Created since by a request with the same criteria: update it if it matches now.
      const created = await matchOne(call, provider, condition, 'the conditional update');
      if (created !== undefined) return updateOf(created.resource.id ?? '');
    }
    permit(call, type, 'c');
    try {
      const stored = await create.call(
        provider,
        resource,
        call.context('create'),
        target.taken ? {} : { id: target.id },
      );
      await audited(call, permitted(call, 'create', [stored.resource]));
      return { status: 201, stored, location: true };
    } catch (error) {
      // Another request with the same criteria created it first: update that one.
      if (target.taken) throw error;
      const winner = await matchOne(call, provider, condition, 'the conditional update').catch(
        () => undefined,
      );
      if (winner === undefined) throw error;
      return updateOf(winner.resource.id ?? '');
    }
  }

  /** A search of `type`: the searchset Bundle's JSON text. */
  async function searchJson(call: Call, type: string, query: URLSearchParams): Promise<string> {
    const provider = providerOf(call, type, 's');
    const run = need(provider, 'search', 'search');
    if (!options.search) throw methodNotAllowed(`search is not supported for ${provider.type}`);
    const parsed = parseSearchRequest(provider.type, query, {
      registry: options.search.registry,
      now: options.search.now?.() ?? new Date(),
      handling: call.handling,
      localBaseUrls: [options.publicBaseUrl],
      ...(options.search.defaultCount !== undefined && { defaultCount: options.search.defaultCount }),
      ...(options.search.maxCount !== undefined && { maxCount: options.search.maxCount }),
    });
    if (!parsed.ok) throw searchRequestError(parsed.errors, parsed.warnings);
    const visibility = options.access?.visibility(call.principal, provider.type);
    const request = visibility === undefined ? parsed.request : { ...parsed.request, visibility };
    const found = await run.call(provider, request, call.context());
    // `_include`/`_revinclude` entries of types the caller may not read are left out, and said so.
    const { principal } = call;
    const hidden = new Set<string>();
    const included = (found.included ?? []).filter((r) => {
      const readable = principal === undefined || principal.allows(r.resourceType, 'r');
      if (!readable) hidden.add(r.resourceType);
      return readable;
    });
    const result = hidden.size === 0 ? found : { ...found, included };
    await audited(call, permitted(call, 'search', [...found.resources, ...included]));
    const warnings = [
      ...parsed.warnings,
      ...[...hidden].map((type) => ({
        code: 'included-not-permitted' as const,
        parameter: parsed.request.include.length > 0 ? '_include' : '_revinclude',
        message: `included ${type} resources were left out: the token's scopes do not grant read (r) on ${type}`,
      })),
    ];
    return searchBundleJson({
      request: parsed.request,
      result,
      warnings,
      baseUrl: options.publicBaseUrl,
      // The self link shows what was applied: ignored parameters are left out.
      query: parsed.applied,
    });
  }

  async function search(req: Request, res: Response, query: URLSearchParams): Promise<void> {
    sendFhirJson(res, 200, await searchJson(callOf(req, res), typeOf(req), query));
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
      permit(callOf(req, res), provider.type, 'r');
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
    const call = callOf(req, res);
    const provider = providerOf(call, typeOf(req), undefined);
    const name = segment.slice(1);
    // Own properties only: `$toString` or `$__proto__` name no operation.
    const operations = provider.operations ?? {};
    if (name === 'validate' && !Object.hasOwn(operations, name)) {
      await validateOperation(req, res, provider, id);
      return;
    }
    const op = Object.hasOwn(operations, name) ? operations[name] : undefined;
    if (!op) throw notSupported(`operation $${name.slice(0, 64)} is not supported for ${provider.type}`);
    permit(call, provider.type, op.permission ?? (req.method === 'GET' ? 'r' : 'u'));
    // An operation on one resource reads or changes it: the caller must be one who may see it
    // (the access decision, 403 otherwise), and the access is audited, permitted or denied.
    if (id !== undefined && provider.read !== undefined && (options.access ?? options.audit) !== undefined) {
      const stored = await provider.read(id, call.context());
      await mayRead(call, stored.resource, 'operation');
    }
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

  /** A read (200), with `_summary`/`_elements` applied. */
  async function readAnswer(call: Call, type: string, id: string, query: URLSearchParams): Promise<Answer> {
    const provider = providerOf(call, type, 'r');
    const stored = await need(provider, 'read', 'read').call(provider, id, call.context());
    await mayRead(call, stored.resource);
    return { status: 200, stored: subsetOf(query, stored), location: false };
  }

  async function vreadAnswer(
    call: Call,
    type: string,
    id: string,
    versionId: string,
    query: URLSearchParams,
  ): Promise<Answer> {
    const provider = providerOf(call, type, 'r');
    const stored = await need(provider, 'vread', 'vread').call(
      provider,
      id,
      checkVreadVersion(provider.type, id, versionId),
      call.context(),
    );
    await mayRead(call, stored.resource, 'vread');
    return { status: 200, stored: subsetOf(query, stored), location: false };
  }

  /**
   * A create (201), or a conditional create with `ifNoneExist`. A transaction decides beforehand
   * where its creates go (`preset`: the id, or the resource its condition found).
   */
  async function createAnswer(
    call: Call,
    type: string,
    body: unknown,
    ifNoneExist: string | undefined,
    preset?: Preset,
  ): Promise<Answer> {
    const provider = providerOf(call, type, 'c');
    const create = need(provider, 'create', 'create');
    const resource = validated(provider, body);
    if (ifNoneExist !== undefined) {
      if (preset === undefined) {
        return conditionalCreate(call, provider, resource, conditionOf(ifNoneExist));
      }
      permit(call, type, 's');
    }
    if (preset?.existing !== undefined) return { status: 200, stored: preset.existing, location: false };
    const stored = await create.call(
      provider,
      resource,
      call.context('create'),
      preset === undefined ? undefined : { id: preset.id },
    );
    await audited(call, permitted(call, 'create', [stored.resource]));
    return { status: 201, stored, location: true };
  }

  /** An update (200), or a create with the client's id (201) when the provider allows it. */
  async function updateAnswer(
    call: Call,
    type: string,
    id: string,
    body: unknown,
    ifMatchHeader: string | undefined,
  ): Promise<Answer> {
    const provider = providerOf(call, type, 'u');
    const update = need(provider, 'update', 'update');
    const { stored, created } = await update.call(
      provider,
      id,
      validated(provider, body, id),
      ifMatchOf(ifMatchHeader, provider),
      call.context('update'),
    );
    await audited(call, permitted(call, created ? 'create' : 'update', [stored.resource]));
    return { status: created ? 201 : 200, stored, location: created };
  }

  /**
   * A patch (200): a JSON Patch document or a FHIRPath Patch `Parameters`, applied to the current
   * version, validated as an update, stored with that version as precondition.
   */
  async function patchAnswer(
    call: Call,
    type: string,
    id: string,
    format: 'json-patch' | 'fhirpath',
    body: unknown,
    ifMatchHeader: string | undefined,
  ): Promise<Answer> {
    const provider = providerOf(call, type, 'u');
    const read = need(provider, 'read', 'patch');
    const update = need(provider, 'update', 'patch');
    let apply: (current: Resource) => unknown;
    if (format === 'json-patch') {
      const patch = boundedJsonBody(body, 'JSON Patch document', 'Patch');
      const problem = Array.isArray(patch) ? jsonPatch.validate(patch as Operation[]) : undefined;
      if (!Array.isArray(patch) || problem) {
        throw badRequest(`not a valid JSON Patch document${problem ? `: ${problem.message}` : ''}`);
      }
      apply = (current) => {
        try {
          return jsonPatch.applyPatch(structuredClone(current), patch as Operation[], true, false)
            .newDocument;
        } catch (error) {
          throw badRequest(`the patch does not apply: ${(error as Error).message.split('\n')[0] ?? ''}`);
        }
      };
    } else {
      const operations = parseFhirPathPatch(boundedJsonBody(body, 'FHIRPath Patch', 'Parameters'));
      apply = (current) => applyFhirPathPatch(current, operations);
    }
    const current = await read.call(provider, id, call.context());
    const ifMatch = ifMatchOf(ifMatchHeader, provider);
    if (ifMatch.ifMatch !== undefined && ifMatch.ifMatch !== current.versionId) {
      throw preconditionFailed(
        `${provider.type}/${id} is at version ${current.versionId}, If-Match says ${ifMatch.ifMatch}`,
      );
    }
    const { stored } = await update.call(
      provider,
      id,
      validated(provider, apply(current.resource), id),
      { ifMatch: current.versionId },
      call.context('patch'),
    );
    await audited(call, permitted(call, 'patch', [stored.resource]));
    return { status: 200, stored, location: false };
  }

  async function deleteAnswer(
    call: Call,
    type: string,
    id: string,
    ifMatchHeader: string | undefined,
  ): Promise<void> {
    const provider = providerOf(call, type, 'd');
    await need(provider, 'delete', 'delete').call(
      provider,
      id,
      ifMatchOf(ifMatchHeader, provider),
      call.context('delete'),
    );
  }

  /** The patch of a Bundle entry: a FHIRPath Patch `Parameters`, or a JSON Patch in a `Binary`. */
  function entryPatchOf(resource: unknown): { format: 'json-patch' | 'fhirpath'; body: unknown } {
    const r = resource as { resourceType?: unknown; contentType?: unknown; data?: unknown };
    if (r.resourceType === 'Parameters') return { format: 'fhirpath', body: resource };
    if (r.resourceType === 'Binary' && r.contentType === JSON_PATCH && typeof r.data === 'string') {
      try {
        return { format: 'json-patch', body: JSON.parse(Buffer.from(r.data, 'base64').toString('utf8')) };
      } catch {
        throw badRequest('the Binary of the PATCH entry is not a base64 JSON Patch document', [
          'Binary.data',
        ]);
      }
    }
    throw badRequest(`a PATCH entry takes a FHIRPath Patch (Parameters) or a Binary of ${JSON_PATCH}`, [
      'Bundle.entry.resource',
    ]);
  }

  /** A Bundle's response entry for an answer. */
  function responseEntry(answer: Answer, preferReturn: PreferReturn): BundleEntry {
    const { stored, status, location } = answer;
    const path = `${stored.resource.resourceType}/${stored.resource.id ?? ''}`;
    return {
      fullUrl: `${options.publicBaseUrl}/${path}`,
      ...(preferReturn !== 'minimal' && { resource: stored.resource }),
      response: {
        status: statusLine(status),
        ...(location && { location: `${path}/_history/${stored.versionId}` }),
        etag: etagOf(stored.versionId),
        lastModified: stored.lastUpdated,
      },
    };
  }

  /** One entry of a batch or transaction, through the same code as its HTTP interaction. */
  async function performEntry(
    call: Call,
    entry: BundleEntryRequest,
    preferReturn: PreferReturn,
    preset?: Preset,
  ): Promise<BundleEntry> {
    const { type, id } = entry;
    switch (entry.method) {
      case 'GET': {
        if (id === undefined) {
          const bundle = JSON.parse(await searchJson(call, type, entry.query)) as Resource;
          return { resource: bundle, response: { status: statusLine(200) } };
        }
        const answer =
          entry.versionId === undefined
            ? await readAnswer(call, type, id, entry.query)
            : await vreadAnswer(call, type, id, entry.versionId, entry.query);
        return responseEntry(answer, preferReturn === 'minimal' ? 'representation' : preferReturn);
      }
      case 'POST':
        return responseEntry(
          await createAnswer(call, type, entry.resource, entry.ifNoneExist, preset),
          preferReturn,
        );
      case 'PUT':
        return responseEntry(
          id === undefined
            ? await conditionalUpdate(call, type, entry.query, entry.resource, entry.ifMatch)
            : await updateAnswer(call, type, id, entry.resource, entry.ifMatch),
          preferReturn,
        );
      case 'PATCH': {
        const { format, body } = entryPatchOf(entry.resource);
        return responseEntry(
          await patchAnswer(call, type, id ?? '', format, body, entry.ifMatch),
          preferReturn,
        );
      }
      case 'DELETE':
        await deleteAnswer(call, type, id ?? '', entry.ifMatch);
        return { response: { status: statusLine(204) } };
      default:
        return assertNever(entry.method);
    }
  }

  /** An error as an entry's outcome (a 500 is logged here: it never reaches the edge). */
  function mappedError(error: unknown, requestId: string): FhirError {
    const mapped = errorToFhir(error, requestId);
    if (mapped.status >= 500) {
      options.logger.error(
        { err: error, correlationId: requestId, status: mapped.status },
        'error in an entry of a batch or transaction Bundle',
      );
    }
    return mapped;
  }

  /**
   * The failure of a transaction's entry as the whole transaction's answer: its status, its
   * issues said to be of `Bundle.entry[index]` (diagnostics and expression).
   */
  function entryFailure(
    error: unknown,
    entry: { index: number; label: string },
    requestId: string,
  ): FhirError {
    const mapped = mappedError(error, requestId);
    const at = `Bundle.entry[${entry.index}]`;
    return new FhirError(
      mapped.status,
      outcome(
        ...mapped.outcome.issue.map((i) => ({
          ...i,
          diagnostics: `${at} (${entry.label}): ${i.diagnostics ?? i.code}; nothing in the transaction was stored`,
          expression: [
            ...(i.expression ?? []).map((e) =>
              e.startsWith('Bundle.')
                ? e
                : /^[A-Z][A-Za-z]*\./.test(e)
                  ? `${at}.resource${e.slice(e.indexOf('.'))}`
                  : e,
            ),
            ...((i.expression ?? []).some((e) => e.startsWith(at)) ? [] : [at]),
          ],
        })),
      ),
      mapped.headers,
    );
  }

  async function batch(
    call: Call,
    parsed: ParsedBundle,
    requestId: string,
    prefer: PreferReturn,
  ): Promise<Bundle> {
    const entries: BundleEntry[] = [];
    for (const entry of parsed.entries) {
      let failure: FhirError;
      if (entry.ok) {
        try {
          entries.push(await performEntry(call, entry.request, prefer));
          continue;
        } catch (error) {
          failure = mappedError(error, requestId);
        }
      } else {
        failure = entry.error;
      }
      entries.push({ response: { status: statusLine(failure.status), outcome: failure.outcome } });
    }
    return { resourceType: 'Bundle', type: 'batch-response', ...(entries.length > 0 && { entry: entries }) };
  }

  /**
   * A transaction, all or nothing: its entries' types must belong to one unit of work (one
   * service's database transaction; 422 `not-supported` otherwise); creates get their ids first
   * (conditional ones by their condition) so that `urn:uuid:` references to them resolve; then, in
   * the unit of work, DELETE, POST, PUT/PATCH and GET entries run in that order. The first failure
   * rolls everything back and is the answer, naming its entry.
   */
  async function transaction(
    call: Call,
    parsed: ParsedBundle,
    requestId: string,
    prefer: PreferReturn,
  ): Promise<Bundle> {
    const requests: BundleEntryRequest[] = [];
    for (const entry of parsed.entries) {
      if (!entry.ok) throw entryFailure(entry.error, { index: entry.index, label: 'request' }, requestId);
      requests.push(entry.request);
    }
    const label = (r: BundleEntryRequest) => ({ index: r.index, label: `${r.method} ${r.type}` });
    const units = new Map<UnitOfWork, Set<string>>();
    for (const r of requests) {
      const provider = providers.get(r.type);
      if (!provider) {
        throw entryFailure(
          notSupported(`resource type "${r.type}" is not supported by this server`),
          label(r),
          requestId,
        );
      }
      if (!provider.unitOfWork) {
        throw entryFailure(
          new FhirError(
            422,
            outcome(
              issue('error', 'not-supported', `${r.type} cannot take part in a transaction on this server`),
            ),
          ),
          label(r),
          requestId,
        );
      }
      units.set(provider.unitOfWork, (units.get(provider.unitOfWork) ?? new Set()).add(r.type));
    }
    if (units.size > 1) {
      const spans = [...units]
        .map(([unit, types]) => `${unit.name} (${[...types].join(', ')})`)
        .join(' and ');
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
    const [unit] = units.keys();
    if (unit === undefined) return { resourceType: 'Bundle', type: 'transaction-response' };
    // Where each create goes, decided before anything is written: placeholders resolve to it.
    const presets = new Map<number, Preset>();
    const resolved = new Map<string, string>();
    for (const r of requests) {
      if (r.method !== 'POST') continue;
      let preset: Preset;
      try {
        preset =
          r.ifNoneExist === undefined
            ? { id: randomUUID() }
            : await conditionalPreset(call, r.type, conditionOf(r.ifNoneExist));
      } catch (error) {
        throw entryFailure(error, label(r), requestId);
      }
      presets.set(r.index, preset);
      if (isPlaceholderUrl(r.fullUrl)) {
        if (resolved.has(r.fullUrl)) {
          throw entryFailure(badRequest(`two entries have the fullUrl ${r.fullUrl}`), label(r), requestId);
        }
        resolved.set(r.fullUrl, `${r.type}/${preset.id}`);
      }
    }
    const ordered = requests
      .map((r) =>
        r.resource === undefined ? r : { ...r, resource: resolveBundleReferences(r.resource, resolved) },
      )
      .sort((a, b) => transactionOrder(a.method) - transactionOrder(b.method) || a.index - b.index);
    const audits: AuditedAccess[] = [];
    const entries = await unit
      .run(async (bound) => {
        audits.length = 0; // a unit of work may run its function again
        const inTransaction: Call = {
          ...call,
          providers: new Map([...providers, ...bound]),
          auditBuffer: audits,
        };
        const out: BundleEntry[] = new Array<BundleEntry>(requests.length);
        for (const r of ordered) {
          try {
            out[r.index] = await performEntry(inTransaction, r, prefer, presets.get(r.index));
          } catch (error) {
            throw entryFailure(error, label(r), requestId);
          }
        }
        return out;
      })
      .catch(async (error: unknown) => {
        // Rolled back: nothing was written or shown, but the denied attempts are recorded.
        await audited(
          call,
          audits.filter((a) => a.outcome === 'denied'),
        );
        throw error;
      });
    await audited(call, audits);
    return { resourceType: 'Bundle', type: 'transaction-response', entry: entries };
  }

  /** Where a transaction's conditional create goes: the match, else the condition's id. */
  async function conditionalPreset(call: Call, type: string, condition: URLSearchParams): Promise<Preset> {
    const provider = providerOf(call, type, 'c');
    permit(call, type, 's');
    const found = await matchOne(call, provider, condition, 'If-None-Exist');
    if (found !== undefined) return { id: found.resource.id ?? '', existing: found };
    const target = await conditionalTarget(call, provider, condition);
    if (!target.taken) return { id: target.id };
    const created = await matchOne(call, provider, condition, 'If-None-Exist');
    return created === undefined
      ? { id: randomUUID() }
      : { id: created.resource.id ?? '', existing: created };
  }

  const maxBundleEntries = options.bundle?.maxEntries ?? DEFAULT_MAX_BUNDLE_ENTRIES;

  if (options.capability) {
    const statement = buildCapabilityStatement({
      baseUrl: options.publicBaseUrl,
      ...options.capability,
      resources: registrationsOf(options.providers, options.search?.registry),
      systemInteractions: bundleInteractions(options.providers, maxBundleEntries),
    });
    router.get('/metadata', (_req, res) => {
      sendFhir(res, 200, statement);
    });
  }

  // A batch or transaction Bundle (R4 http.html#transaction) at the base URL.
  router.post('/', async (req, res) => {
    if (nestsDeeperThan(req.body, MAX_BODY_NESTING_DEPTH + 2)) {
      throw badRequest(
        `the Bundle nests more than ${MAX_BODY_NESTING_DEPTH + 2} levels of JSON objects and arrays`,
      );
    }
    const parsed = parseBundleRequest(req.body, options.publicBaseUrl, maxBundleEntries);
    const call = callOf(req, res);
    const requestId = String(res.getHeader('x-request-id') ?? '');
    const prefer = parsePrefer(req.get('prefer')).return;
    const bundle =
      parsed.type === 'batch'
        ? await batch(call, parsed, requestId, prefer)
        : await transaction(call, parsed, requestId, prefer);
    sendFhir(res, 200, bundle);
  });

  router.get('/:type/:id/_history/:vid', async (req, res) => {
    const answer = await vreadAnswer(
      callOf(req, res),
      req.params.type,
      idOf(req),
      idOf(req, 'vid'),
      queryOf(req),
    );
    send(req, res, answer.status, answer.stored, answer.location);
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
    const provider = providerOf(callOf(req, res), req.params.type, 'r');
    const history = historyOptionsOf(req);
    const cursor = typeof req.query._cursor === 'string' ? req.query._cursor : undefined;
    const visibility = options.access?.visibility(principalOf(res), provider.type);
    const page = await need(provider, 'typeHistory', 'type-level history').call(
      provider,
      {
        ...history,
        ...(cursor !== undefined && { cursor }),
        ...(visibility !== undefined && { visibility }),
      },
      context(res),
    );
    await audited(
      callOf(req, res),
      permitted(
        callOf(req, res),
        'history',
        page.entries.filter((e) => e.deleted !== true).map((e) => e.resource),
      ),
    );
    const query = queryOf(req);
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
    const provider = providerOf(callOf(req, res), req.params.type, 'r');
    const id = idOf(req);
    const entries = await need(provider, 'history', 'history').call(
      provider,
      id,
      historyOptionsOf(req),
      context(res),
    );
    // The versions of one resource are about one patient: the newest one decides.
    for (const entry of entries) {
      if (entry.deleted === true) continue;
      await mayRead(callOf(req, res), entry.resource, 'history');
      break;
    }
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
    const answer = await readAnswer(callOf(req, res), req.params.type, idOf(req), queryOf(req));
    send(req, res, answer.status, answer.stored, answer.location);
  });

  router.get('/:type', async (req, res) => {
    await search(req, res, queryOf(req));
  });

  router.post('/:type', async (req, res) => {
    const answer = await createAnswer(callOf(req, res), req.params.type, req.body, req.get('if-none-exist'));
    send(req, res, answer.status, answer.stored, answer.location);
  });

  // Conditional update: `PUT /T?criteria`.
  router.put('/:type', async (req, res) => {
    const answer = await conditionalUpdate(
      callOf(req, res),
      req.params.type,
      queryOf(req),
      req.body,
      req.get('if-match'),
    );
    send(req, res, answer.status, answer.stored, answer.location);
  });

  router.put('/:type/:id', async (req, res) => {
    const answer = await updateAnswer(
      callOf(req, res),
      req.params.type,
      idOf(req),
      req.body,
      req.get('if-match'),
    );
    send(req, res, answer.status, answer.stored, answer.location);
  });

  router.patch('/:type/:id', async (req, res) => {
    const call = callOf(req, res);
    const type = req.params.type;
    // The type and permission first: an unknown type is a 404 whatever the body.
    providerOf(call, type, 'u');
    const id = idOf(req);
    const mediaType = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    let format: 'json-patch' | 'fhirpath';
    if (mediaType === JSON_PATCH) {
      format = 'json-patch';
    } else if (mediaType === 'application/fhir+json' || mediaType === 'application/json') {
      // FHIRPath Patch: a Parameters resource (anything else is a 400 saying so).
      format = 'fhirpath';
    } else {
      throw unsupportedMediaType(
        `PATCH takes ${JSON_PATCH} (JSON Patch) or application/fhir+json with a Parameters body (FHIRPath Patch)`,
      );
    }
    const answer = await patchAnswer(call, type, id, format, req.body, req.get('if-match'));
    send(req, res, answer.status, answer.stored, answer.location);
  });

  router.delete('/:type/:id', async (req, res) => {
    await deleteAnswer(callOf(req, res), req.params.type, idOf(req), req.get('if-match'));
    res.status(204).end();
  });

  router.use((req) => {
    throw notSupported(`${req.method} ${req.baseUrl}${req.path} is not supported by this server`);
  });
  router.use(fhirErrorHandler(options.logger));
  return router;
}
