import { forbidden, type FhirError, type Permission } from '@carenet/fhir';

/**
 * SMART on FHIR scopes (App Launch 2.0 and 1.0), as carried by a token's `scope` claim.
 *
 * - v2: `<context>/<Type|*>.<cruds>` with the letters a non-empty subset of c, r, u, d, s in that
 *   order (`user/Task.cru`, `system/*.cruds`, `patient/*.rs`).
 * - v1: `<context>/<Type|*>.read` (= r s), `.write` (= c u d), `.*` (= c r u d s).
 * - context is `system`, `user` or `patient`; anything else in front of a `/` is not a resource scope.
 * - a v2 scope with a query (`patient/Observation.rs?category=laboratory`) grants only what the query
 *   allows, which this server does not evaluate: such a scope grants nothing (conservative; it is kept
 *   so the caller can see it).
 * - `openid`, `fhirUser`, `launch`, `launch/patient`, `offline_access`, … are kept and grant nothing.
 */
export type ScopeContext = 'system' | 'user' | 'patient';
export const SCOPE_CONTEXTS: readonly ScopeContext[] = ['system', 'user', 'patient'];

/** All the permissions, in the order SMART v2 spells them. */
export const PERMISSIONS: readonly Permission[] = ['c', 'r', 'u', 'd', 's'];

const PERMISSION_NAMES: Readonly<Record<Permission, string>> = {
  c: 'create',
  r: 'read',
  u: 'update',
  d: 'delete',
  s: 'search',
};

/** A scope that grants permissions on resources. */
export interface ResourceScope {
  readonly kind: 'resource';
  readonly raw: string;
  readonly context: ScopeContext;
  /** A FHIR resource type, or `*` for every type. */
  readonly resourceType: string;
  /** What it grants; empty when `restriction` is set (see above). */
  readonly permissions: ReadonlySet<Permission>;
  readonly syntax: 'v1' | 'v2';
  /** The `?query` of a v2 scope, when there is one. */
  readonly restriction?: string;
}

/** A scope that is not about resources (`openid`, `launch/patient`, …): kept, grants nothing. */
export interface OtherScope {
  readonly kind: 'other';
  readonly raw: string;
}

/** A `<context>/…` scope that does not parse (bad letters, bad context, bad type): grants nothing. */
export interface InvalidScope {
  readonly kind: 'invalid';
  readonly raw: string;
  readonly reason: string;
}

export type Scope = ResourceScope | OtherScope | InvalidScope;

const RESOURCE_TYPE = /^(?:\*|[A-Z][A-Za-z]*)$/;
const V2_LETTERS = /^c?r?u?d?s?$/;
const V1_PERMISSIONS: Readonly<Record<string, readonly Permission[]>> = {
  read: ['r', 's'],
  write: ['c', 'u', 'd'],
  '*': PERMISSIONS,
};

const isContext = (text: string): text is ScopeContext =>
  (SCOPE_CONTEXTS as readonly string[]).includes(text);

/** One scope token, classified. */
export function parseScope(raw: string): Scope {
  const slash = raw.indexOf('/');
  // `launch/patient`, `launch/encounter`: SMART's launch context scopes, not resource scopes.
  if (slash < 0 || raw.startsWith('launch/')) return { kind: 'other', raw };
  const contextText = raw.slice(0, slash);
  const rest = raw.slice(slash + 1);
  const invalid = (reason: string): InvalidScope => ({ kind: 'invalid', raw, reason });
  if (!isContext(contextText)) return invalid(`unknown context "${contextText}" (system, user or patient)`);
  const dot = rest.indexOf('.');
  if (dot < 0) return invalid('no ".<permissions>" after the resource type');
  const resourceType = rest.slice(0, dot);
  if (!RESOURCE_TYPE.test(resourceType)) return invalid(`"${resourceType}" is not a resource type or *`);
  const query = rest.indexOf('?', dot);
  const action = query < 0 ? rest.slice(dot + 1) : rest.slice(dot + 1, query);
  const common = { kind: 'resource', raw, context: contextText, resourceType } as const;
  const v1 = V1_PERMISSIONS[action];
  if (v1 !== undefined) {
    if (query >= 0) return invalid('a v1 scope takes no query');
    return { ...common, permissions: new Set(v1), syntax: 'v1' };
  }
  if (action === '' || !V2_LETTERS.test(action)) {
    return invalid(`"${action}" is not read, write, * or a subset of c, r, u, d, s in that order`);
  }
  if (query >= 0) {
    return { ...common, permissions: new Set(), syntax: 'v2', restriction: rest.slice(query + 1) };
  }
  return { ...common, permissions: new Set(PERMISSIONS.filter((p) => action.includes(p))), syntax: 'v2' };
}

/** The scopes of a token and what they grant. */
export class ScopeSet {
  /** Every scope, in the order given (duplicates removed). */
  readonly scopes: readonly Scope[];

  private constructor(scopes: readonly Scope[]) {
    this.scopes = scopes;
  }

  /** From a `scope` claim (space separated) or an `scp` claim (array of scope strings). */
  static parse(scope: string | readonly string[]): ScopeSet {
    const tokens = typeof scope === 'string' ? scope.split(' ') : scope.flatMap((s) => s.split(' '));
    const unique = [...new Set(tokens.filter((t) => t !== ''))];
    return new ScopeSet(unique.map(parseScope));
  }

  static readonly empty: ScopeSet = new ScopeSet([]);

  /** The scopes that grant permissions on resources. */
  get resourceScopes(): readonly ResourceScope[] {
    return this.scopes.filter((s): s is ResourceScope => s.kind === 'resource');
  }

  /** The `<context>/…` scopes that did not parse (they grant nothing). */
  get invalid(): readonly InvalidScope[] {
    return this.scopes.filter((s): s is InvalidScope => s.kind === 'invalid');
  }

  /** Whether some scope grants `permission` on resources of `type` (in any context). */
  allows(type: string, permission: Permission): boolean {
    return this.contextsAllowing(type, permission).size > 0;
  }

  /**
   * The contexts in which `permission` on `type` is granted: a `patient/` grant is limited to the
   * patient's own data, a check the care-relationship rules make, not this set.
   */
  contextsAllowing(type: string, permission: Permission): ReadonlySet<ScopeContext> {
    const contexts = new Set<ScopeContext>();
    for (const scope of this.scopes) {
      if (
        scope.kind === 'resource' &&
        (scope.resourceType === '*' || scope.resourceType === type) &&
        scope.permissions.has(permission)
      ) {
        contexts.add(scope.context);
      }
    }
    return contexts;
  }

  has(raw: string): boolean {
    return this.scopes.some((s) => s.raw === raw);
  }

  /** The space-separated form, as in a `scope` claim. */
  toString(): string {
    return this.scopes.map((s) => s.raw).join(' ');
  }
}

/**
 * Why a request is refused for want of a scope, naming a scope that would do (for the 403's
 * diagnostics; it names no more than the request did).
 */
export function describeMissingScope(type: string, permission: Permission): string {
  return (
    `the token's scopes do not grant ${PERMISSION_NAMES[permission]} (${permission}) on ${type}: ` +
    `a scope such as system/${type}.${permission} or user/${type}.${permission} is needed`
  );
}

/** The 403 a FHIR interaction answers when no scope grants it. */
export function missingScope(type: string, permission: Permission): FhirError {
  return forbidden(describeMissingScope(type, permission));
}

export function permissionName(permission: Permission): string {
  return PERMISSION_NAMES[permission];
}
