import type { Resource } from 'fhir/r4.js';
import type { PatientVisibility } from '../storage/patient-visibility.js';

/**
 * What the router needs from authentication (implemented by @carenet/access; this package knows
 * nothing of tokens). SMART permissions: c create, r read (and vread, history), u update and
 * patch, d delete, s search.
 */
export type Permission = 'c' | 'r' | 'u' | 'd' | 's';

/** The authenticated caller of one request. */
export interface Principal {
  /** The acting party (the access package's `Actor`), recorded on every event it causes. */
  readonly actor: unknown;
  /** Whether the token's scopes grant `permission` on resources of `type`. */
  allows(type: string, permission: Permission): boolean;
}

export interface Authenticator {
  /**
   * Proves who calls from the `Authorization` header (undefined when absent). Throws a 401
   * FhirError (with `WWW-Authenticate`) when it does not.
   */
  authenticate(authorization: string | undefined): Promise<Principal>;
}

/**
 * The access decision on patient data (implemented by @carenet/access over a service's access
 * facts): every read, search and history goes through it. A read of a resource the caller may not
 * see is refused (403); a search, a type history and their includes see only the resources of the
 * patients the caller may see, and of no patient.
 */
export interface AccessGate {
  /**
   * Resolves when `principal` may see `resource` (with what grants it, when the gate says);
   * rejects with a 403 (ForbiddenError) otherwise. `request`: what the request declares (an
   * emergency access's reason).
   */
  checkRead(
    principal: Principal | undefined,
    resource: Resource,
    request?: AccessRequestDeclaration,
  ): Promise<AccessGrant | undefined>;
  /** The patients whose resources of `type` `principal` may see; `undefined`: every patient. */
  visibility(principal: Principal | undefined, type: string): PatientVisibility | undefined;
}

/**
 * The header by which a professional declares an emergency ("break-glass") access and its
 * reason: `X-Carenet-Break-Glass: <reason>`. Permitted only with a reason, flagged in the audit.
 */
export const BREAK_GLASS_HEADER = 'x-carenet-break-glass';

/** What a request declares for the access decision. */
export interface AccessRequestDeclaration {
  /** Break-glass: the reason the caller declared (`X-Carenet-Break-Glass`). */
  readonly breakGlass?: string;
}

/** What grants a permitted read (the access decision's basis), for the audit. */
export interface AccessGrant {
  /** `care-team`, `consent`, `own-record`, `break-glass`, `administration`. */
  readonly basis: string;
  readonly reason: string;
  /** An emergency access, to be reviewed. */
  readonly flagged: boolean;
  /** What grants it (`CareTeam/ct-1`, `Consent/c-1`), when a fact does. */
  readonly source?: string;
}

/**
 * What was done to a resource, as the audit records it (`operation`: an operation on the resource,
 * `POST /Task/<id>/$transfer`, `GET /Task/<id>/$responsibility`).
 */
export type AuditedAction =
  'read' | 'vread' | 'history' | 'search' | 'create' | 'update' | 'patch' | 'operation';

/** One access to a resource by the caller of a request. */
export interface AuditedAccess {
  readonly action: AuditedAction;
  readonly resource: Resource;
  readonly outcome: 'permitted' | 'denied';
  /** Why: the decision's reason (a denial's message). */
  readonly reason: string;
  /** A permitted read's grant, when the gate gave it. */
  readonly grant?: AccessGrant;
  /** The emergency reason the request declared. */
  readonly breakGlass?: string;
}

/**
 * The audit of accesses to patient data (issue 18): the router hands it every read, vread,
 * instance history and operation on a resource (permitted or denied), every search and
 * type-history hit, and every create, update and patch, before it answers; `record` resolves once the records are durable (an answer
 * is never sent for an access that was not recorded). Resources about no patient are the
 * implementation's to skip.
 */
export interface AccessAudit {
  record(principal: Principal | undefined, accesses: readonly AuditedAccess[]): Promise<void>;
}
