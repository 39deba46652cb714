import type { Actor } from '@carenet/access';
import { ForbiddenError } from '@carenet/eventsourcing';
import type { CareTeamMember } from './care-team-content.js';
import { actsAs } from './care-team-party.js';
import { isCoordinatorRole } from './care-team-roles.js';
import type { ExistingCareTeam } from './care-team-state.js';
import { memberAt } from './membership.js';

/**
 * Who may change a care team. Kept tight on purpose:
 * - a coordinator: whoever acts as a member holding the coordinator / référent role
 *   (CARE_TEAM_ROLE_SYSTEM#coordinator) in a membership in force at the command's instant (a
 *   professional by identifier, or a professional or system of a coordinating organisation,
 *   e.g. a DAC);
 * - a system actor (an EHR, the care-plans service itself); its SMART scopes are checked at the edge;
 * - a team is formed by a system, or by a professional who names themselves (or their
 *   organisation) coordinator among the first participants;
 * - any member may end their own membership (EndCareTeamMembership of a membership they act as).
 * A patient changes nothing here: an objection to sharing is a Consent (shared-info), not a
 * care-team change. Whether the actor may see the patient at all is decided at the edge.
 */
function describe(actor: Actor): string {
  return actor.kind === 'system' ? `system ${actor.clientId}` : `${actor.kind} ${actor.identifier.value}`;
}

export function coordinatorsAt(team: ExistingCareTeam, at: string): readonly CareTeamMember[] {
  return team.members.filter((member) => isCoordinatorRole(member.role) && memberAt(member, at));
}

export function requireCoordinator(team: ExistingCareTeam, actor: Actor, at: string, what: string): void {
  if (actor.kind === 'system') return;
  if (coordinatorsAt(team, at).some((member) => actsAs(actor, member.member))) return;
  throw new ForbiddenError(
    `only a coordinator of care team ${team.id} or a system ${what}; ${describe(actor)} is neither`,
  );
}

export function requireFormer(
  participants: readonly Pick<CareTeamMember, 'member' | 'role'>[],
  actor: Actor,
): void {
  if (actor.kind === 'system') return;
  if (participants.some((p) => isCoordinatorRole(p.role) && actsAs(actor, p.member))) return;
  throw new ForbiddenError(
    `a care team is formed by a system or by its coordinator; ${describe(actor)} is not among its coordinators`,
  );
}

export function requireCoordinatorOrSelf(
  team: ExistingCareTeam,
  member: CareTeamMember,
  actor: Actor,
  at: string,
  what: string,
): void {
  if (actsAs(actor, member.member)) return;
  requireCoordinator(team, actor, at, what);
}
