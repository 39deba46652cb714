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
