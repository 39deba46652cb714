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
  /** Resolves when `principal` may see `resource`; rejects with a 403 (ForbiddenError) otherwise. */
  checkRead(principal: Principal | undefined, resource: Resource): Promise<void>;
  /** The patients whose resources of `type` `principal` may see; `undefined`: every patient. */
  visibility(principal: Principal | undefined, type: string): PatientVisibility | undefined;
}
