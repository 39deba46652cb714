import { unauthorized, type Permission, type Principal } from '@carenet/fhir';
import type { Actor } from './actor.js';
import type { ScopeSet } from './smart-scopes.js';

/** The caller of one request as a verified token describes it (the router's `Principal`). */
export class AccessPrincipal implements Principal {
  constructor(
    readonly actor: Actor,
    readonly scopes: ScopeSet,
    /** When the token stops being accepted. */
    readonly expiresAt: Date,
    /** The token's `jti`, when it has one (for the audit trail). */
    readonly tokenId?: string,
  ) {}

  allows(type: string, permission: Permission): boolean {
    return this.scopes.allows(type, permission);
  }
}

/**
 * The typed Actor of a request, from the router's RequestContext: every request but GET /metadata
 * is authenticated, so a missing one means a route that skipped authentication, answered with 401
 * rather than trusted.
 */
export function actorOf(principal: Principal | undefined): Actor {
  if (principal instanceof AccessPrincipal) return principal.actor;
  if (principal !== undefined && isActor(principal.actor)) return principal.actor;
  throw unauthorized('authentication required');
}

/** A structural check, for principals not made here (test doubles). */
function isActor(value: unknown): value is Actor {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  switch (v.kind) {
    case 'system':
      return typeof v.clientId === 'string';
    case 'professional':
    case 'patient': {
      const identifier = v.identifier as Record<string, unknown> | undefined;
      return typeof identifier?.system === 'string' && typeof identifier.value === 'string';
    }
    default:
      return false;
  }
}
