import type { PatientVisibility } from '../storage/patient-visibility.js';
import type { OperationOutcomeIssue, Resource } from 'fhir/r4.js';
import type { SearchRequest } from '../search/search-request.js';
import type { Permission, Principal } from './access-port.js';
import type { SearchMatch } from './resource-text.js';

/** A version of a resource as the server returns it. `resource.meta` is set by the provider. */
export interface StoredResource<R extends Resource = Resource> {
  readonly resource: R;
  /** `meta.versionId`: the stream revision + 1. */
  readonly versionId: string;
  /** `meta.lastUpdated` (ISO 8601). */
  readonly lastUpdated: string;
}

/** One entry of a resource's history: a version, or its deletion. */
export type HistoryEntry<R extends Resource = Resource> =
  | (StoredResource<R> & { readonly deleted?: false; readonly method: 'POST' | 'PUT' | 'PATCH' })
  | { readonly deleted: true; readonly id: string; readonly versionId: string; readonly lastUpdated: string };

/**
 * The FHIR interaction a request is (set by the router): providers record it with the write, in the
 * events' metadata (`fhirInteraction`), so the history shows the method as sent (PATCH as PATCH).
 */
export type FhirInteraction = 'create' | 'update' | 'patch' | 'delete' | 'operation';

export interface RequestContext {
  /** The FHIR base URL as clients see it (for Location, fullUrl, links). */
  readonly baseUrl: string;
  /** Correlation id of the request (logs, OperationOutcome of a 500). */
  readonly requestId: string;
  /**
   * W3C `traceparent` of the request's server span: what the events the request causes carry
   * (`metadata.traceparent`). The caller's trace id when it sent one, else a new root trace.
   */
  readonly traceparent?: string;
  /** The authenticated caller, when the router has an authenticator. */
  readonly principal?: Principal;
  /** Which interaction this is, on writes (`create`, `update`, `patch`, `delete`, `operation`). */
  readonly interaction?: FhirInteraction;
}

export interface UpdateOptions {
  /** The version the client saw (`If-Match`); the provider refuses with 412 if it moved on. */
  readonly ifMatch?: string;
}

export interface HistoryOptions {
  /** Only versions recorded at or after this instant. */
  readonly since?: string;
  /** At most this many entries, newest first. */
  readonly count: number;
}

/** Type-level history: a page, newest first, and the cursor of the next (older) page. */
export interface TypeHistoryOptions extends HistoryOptions {
  /** Opaque cursor from a previous page's `nextCursor`. */
  readonly cursor?: string;
  /** The patients the caller may see (the access decision): other patients' versions left out. */
  readonly visibility?: PatientVisibility;
}

export interface TypeHistoryPage<R extends Resource = Resource> {
  readonly entries: HistoryEntry<R>[];
  readonly nextCursor?: string;
}

/** One page of a search: the matches, what `_include`/`_revinclude` added, the next page. */
export interface SearchResult {
  /** The matches: objects, or their stored JSON text (served as is; see ResourceText). */
  readonly resources: readonly SearchMatch[];
  readonly included?: readonly Resource[];
  /** Opaque cursor of the next page; none on the last page. */
  readonly nextCursor?: string;
  /** Opaque cursor of the previous page; none on the first page. */
  readonly previousCursor?: string;
  /** Number of matches, when `_total` asked for it (or `_summary=count`). */
  readonly total?: number;
}

/** A typed operation (`$name`), at type level (`id` undefined) or instance level. */
export type OperationHandler = (
  input: {
    readonly id?: string;
    readonly method: 'GET' | 'POST';
    readonly parameters: Resource | undefined;
    readonly query: URLSearchParams;
  },
  ctx: RequestContext,
) => Promise<{ readonly status?: number; readonly resource: Resource }>;

/** How the router asks for a resource to be created. */
export interface CreateOptions {
  /** The id to give it, when the router chooses it. */
  readonly id?: string;
}

/**
 * A transaction's unit of work, shared by the providers of one service (one database): `run`
 * opens one database transaction and hands `work` providers bound to it (by type), whose writes
 * (events and inline projections) commit together when `work` resolves and roll back when it
 * throws. The router runs a transaction Bundle in it when all its entries are of its types.
 */
export interface UnitOfWork {
  /** The service, for messages (`tasks`, `care-plans`). */
  readonly name: string;
  run<T>(work: (providers: ReadonlyMap<string, ResourceProvider>) => Promise<T>): Promise<T>;
}

/**
 * What a service provides for a resource type it owns. Every method is optional: the router
 * serves (and the CapabilityStatement claims) only what is there. Methods throw typed errors
 * (FhirError or the kernel's DomainError): the router maps them to HTTP once.
 */
export interface ResourceProvider<R extends Resource = Resource> {
  readonly type: R['resourceType'];
  read?(id: string, ctx: RequestContext): Promise<StoredResource<R>>;
  vread?(id: string, versionId: string, ctx: RequestContext): Promise<StoredResource<R>>;
  /**
   * `resource` is validated; its `id` and `meta` are the server's to set. With `options.id` the
   * router chose the id (a conditional create's, see `conditionalCreateId`): the provider uses it,
   * and fails (any typed error) when a resource already has it.
   */
  create?(resource: R, ctx: RequestContext, options?: CreateOptions): Promise<StoredResource<R>>;
  /** `resource` is validated and its id matches the URL. */
  update?(
    id: string,
    resource: R,
    options: UpdateOptions,
    ctx: RequestContext,
  ): Promise<{ readonly stored: StoredResource<R>; readonly created: boolean }>;
  delete?(id: string, options: UpdateOptions, ctx: RequestContext): Promise<void>;
  history?(id: string, options: HistoryOptions, ctx: RequestContext): Promise<HistoryEntry<R>[]>;
  /** Every version of every resource of the type, newest first (`GET /T/_history`). */
  typeHistory?(options: TypeHistoryOptions, ctx: RequestContext): Promise<TypeHistoryPage<R>>;
  /** A parsed, validated search of this type (parameters the registry supports only). */
  search?(request: SearchRequest, ctx: RequestContext): Promise<SearchResult>;
  /**
   * The unit of work of the provider's service: transaction Bundles of its types run in it. The
   * same object for every provider of one service; none: its type takes no part in transactions.
   */
  readonly unitOfWork?: UnitOfWork;
  /** Updates must carry `If-Match` (428 otherwise)… answered 412 per R4 when missing. */
  readonly requireIfMatch?: boolean;
  readonly operations?: Readonly<
    Record<
      string,
      {
        readonly definition: string;
        readonly handler: OperationHandler;
        /** What the caller's scopes must grant on the type (default: r for GET, u for POST). */
        readonly permission?: Permission;
      }
    >
  >;
}

/** Validation of an incoming resource (the validator of this package fits). */
export interface IncomingResourceValidator {
  validate(
    body: unknown,
    expected: { readonly type: string; readonly id?: string },
  ):
    | { readonly ok: true; readonly resource: Resource }
    | { readonly ok: false; readonly issues: OperationOutcomeIssue[]; readonly status?: 422 };
}
