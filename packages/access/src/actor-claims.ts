import { unauthorized } from '@carenet/fhir';
import type { JWTPayload } from 'jose';
import { z } from 'zod';
import { SECTORS, type Actor, type ActorIdentifier, type Sector } from './actor.js';
import { INS_SYSTEMS, ORGANIZATION_SYSTEMS, PROFESSIONAL_SYSTEMS } from './naming-systems.js';
import { ScopeSet } from './smart-scopes.js';

/**
 * The one mapping between JWT claims and the Actor (documented in the package README):
 * - `carenet_actor`: the Actor as JSON, validated here; a token that carries an invalid one is refused.
 * - without it, the caller is a system acting on its own behalf (SMART backend services): its
 *   clientId is the `client_id` claim, or else `sub`.
 * - `scope` (space-separated string), or else `scp` (array of strings, as some issuers send).
 */
export const ACTOR_CLAIM = 'carenet_actor';

const nonEmpty = z.string().trim().min(1);

const identifierIn = (systems: readonly string[], what: string) =>
  z.strictObject({
    system: z.string().refine((s) => systems.includes(s), {
      message: `must be a ${what} naming system (${systems.join(', ')})`,
    }),
    value: nonEmpty,
  });

const organization = identifierIn(ORGANIZATION_SYSTEMS, 'FINESS or IDNST');

const professional = z.strictObject({
  kind: z.literal('professional'),
  identifier: identifierIn(PROFESSIONAL_SYSTEMS, 'IDNPS or RPPS'),
  profession: z.strictObject({ system: nonEmpty, code: nonEmpty, display: z.string().optional() }),
  sector: z.enum(SECTORS as [Sector, ...Sector[]]),
  organization: organization.optional(),
  name: z.string().optional(),
});

const system = z.strictObject({
  kind: z.literal('system'),
  clientId: nonEmpty,
  organization: organization.optional(),
  administrator: z.boolean().optional(),
});

const patient = z.strictObject({
  kind: z.literal('patient'),
  identifier: identifierIn(INS_SYSTEMS, 'INS'),
});

const actorSchema = z.discriminatedUnion('kind', [professional, system, patient]);

const identifier = (i: { system: string; value: string }): ActorIdentifier => ({
  system: i.system,
  value: i.value,
});

/** Validates an Actor read from JSON: the actor, or the reason it is not one. */
export function parseActor(value: unknown): { actor: Actor } | { reason: string } {
  const parsed = actorSchema.safeParse(value);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const path = first && first.path.length > 0 ? `${first.path.join('.')}: ` : '';
    return { reason: `${path}${first?.message ?? 'not an actor'}` };
  }
  const a = parsed.data;
  // Rebuilt field by field: optional properties are left out, never set to undefined.
  switch (a.kind) {
    case 'professional':
      return {
        actor: {
          kind: 'professional',
          identifier: identifier(a.identifier),
          profession: {
            system: a.profession.system,
            code: a.profession.code,
            ...(a.profession.display !== undefined && { display: a.profession.display }),
          },
          sector: a.sector,
          ...(a.organization && { organization: identifier(a.organization) }),
          ...(a.name !== undefined && { name: a.name }),
        },
      };
    case 'system':
      return {
        actor: {
          kind: 'system',
          clientId: a.clientId,
          ...(a.organization && { organization: identifier(a.organization) }),
          ...(a.administrator !== undefined && { administrator: a.administrator }),
        },
      };
    case 'patient':
      return { actor: { kind: 'patient', identifier: identifier(a.identifier) } };
  }
}

/** The Actor a verified token speaks for; a 401 when its claims do not name one. */
export function actorFromClaims(claims: JWTPayload): Actor {
  const claimed = claims[ACTOR_CLAIM];
  if (claimed !== undefined) {
    const parsed = parseActor(claimed);
    if ('reason' in parsed)
      throw unauthorized(`the token's ${ACTOR_CLAIM} claim is invalid: ${parsed.reason}`);
    return parsed.actor;
  }
  const clientId =
    typeof claims.client_id === 'string' && claims.client_id !== '' ? claims.client_id : claims.sub;
  if (clientId === undefined || clientId === '') {
    throw unauthorized(`the token names no caller (no ${ACTOR_CLAIM}, client_id or sub claim)`);
  }
  return { kind: 'system', clientId };
}

/** The scopes a verified token grants (`scope`, or else `scp`); none when it has neither. */
export function scopesFromClaims(claims: JWTPayload): ScopeSet {
  const { scope, scp } = claims;
  if (typeof scope === 'string') return ScopeSet.parse(scope);
  if (typeof scp === 'string') return ScopeSet.parse(scp);
  if (Array.isArray(scp) && scp.every((s): s is string => typeof s === 'string')) return ScopeSet.parse(scp);
  if (scope !== undefined || scp !== undefined) {
    throw unauthorized("the token's scope claim is not a string (nor scp an array of strings)");
  }
  return ScopeSet.empty;
}

/** A token's `sub` for an actor: its national identifier (`system|value`) or its client id. */
export function subjectOf(actor: Actor): string {
  return actor.kind === 'system' ? actor.clientId : `${actor.identifier.system}|${actor.identifier.value}`;
}

/** The claims that carry an actor, as an issuer writes them (the inverse of `actorFromClaims`). */
export function actorClaims(actor: Actor): Record<string, unknown> {
  return {
    sub: subjectOf(actor),
    [ACTOR_CLAIM]: actor,
    ...(actor.kind === 'system' && { client_id: actor.clientId }),
  };
}
