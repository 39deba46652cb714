import type { Actor } from '@carenet/access';
import { ForbiddenError } from '@carenet/eventsourcing';
import type { CarePlanContent } from './care-plan-content.js';
import type { ExistingCarePlan } from './care-plan-state.js';
import { actsAs, partyOfActor, sameParty, type Party } from '@carenet/access/party';

/**
 * Who may do what on a plan. Kept tight on purpose:
 * - draft: its author, or a system (an EHR, the FHIR layer) on the author's behalf;
 * - revise, activate, suspend, resume, revoke, complete: the plan's "planners", i.e. the
 *   coordinator (référent), the author and the médecin traitant of the current version, or a
 *   system actor (its scopes are checked at the edge);
 * - entered-in-error: the author or the coordinator, or a system with `administrator: true`;
 * - `$validate-plan`: the médecin traitant only, a professional with the same identifier;
 * - `$record-agreement`: the patient themself (the PatientActor whose identifier is the plan's
 *   subject, for their own agreement only), or recorded for them by a planner or a system
 *   (oral or written agreement collected at home, an electronic one from a portal);
 * - task links, progress and alerts: a system actor (the care-plans consumers and the clock).
 * Care-team members are not planners here: membership lives in another stream, checked at the edge.
 */
function describe(actor: Actor): string {
  return actor.kind === 'system' ? `system ${actor.clientId}` : `${actor.kind} ${actor.identifier.value}`;
}

function planners(plan: Pick<ExistingCarePlan, 'author' | 'coordinator' | 'medecinTraitant'>): Party[] {
  return [plan.author, plan.coordinator, plan.medecinTraitant].filter(
    (party): party is Party => party !== undefined,
  );
}

export function requireAuthorOrSystem(actor: Actor, author: Party): void {
  if (actor.kind === 'system' || actsAs(actor, author)) return;
  throw new ForbiddenError(
    `a care plan is drafted by its author, or by a system on the author’s behalf; ${describe(actor)} is not the author`,
  );
}

export function requirePlanner(plan: ExistingCarePlan, actor: Actor, what: string): void {
  if (actor.kind === 'system') return;
  if (planners(plan).some((party) => actsAs(actor, party))) return;
  throw new ForbiddenError(
    `only the coordinator, the author or the médecin traitant of care plan ${plan.id} ${what}; ${describe(actor)} is none of them`,
  );
}

export function requireAuthorCoordinatorOrAdministrator(
  plan: ExistingCarePlan,
  actor: Actor,
  what: string,
): void {
  if (actor.kind === 'system' && actor.administrator === true) return;
  const parties = [plan.author, plan.coordinator].filter((party): party is Party => party !== undefined);
  if (parties.some((party) => actsAs(actor, party))) return;
  throw new ForbiddenError(
    `only the author or the coordinator of care plan ${plan.id}, or an administrator system, ${what}; ${describe(actor)} is none of them`,
  );
}

export function requireMedecinTraitant(plan: ExistingCarePlan, medecinTraitant: Party, actor: Actor): void {
  const own = actor.kind === 'professional' ? partyOfActor(actor) : undefined;
  if (own !== undefined && sameParty(own, medecinTraitant)) return;
  throw new ForbiddenError(
    `only the médecin traitant of care plan ${plan.id} validates it; ${describe(actor)} is not`,
  );
}

/** Whether the actor is the plan's patient. */
export function isSubject(actor: Actor, plan: Pick<CarePlanContent, 'subject'>): boolean {
  return (
    actor.kind === 'patient' &&
    actor.identifier.system === plan.subject.system &&
    actor.identifier.value === plan.subject.value
  );
}

export function requireAgreementRecorder(plan: ExistingCarePlan, actor: Actor, agreedBy: string): void {
  if (actor.kind === 'patient') {
    if (!isSubject(actor, plan)) {
      throw new ForbiddenError(`a patient records their own agreement only, not to care plan ${plan.id}`);
    }
    if (agreedBy !== 'patient') {
      throw new ForbiddenError(
        'a patient records their own agreement; a representative’s is recorded by a professional',
      );
    }
    return;
  }
  requirePlanner(plan, actor, 'records the patient’s agreement');
}

export function requireSystem(actor: Actor, what: string): void {
  if (actor.kind !== 'system') throw new ForbiddenError(`only a system actor ${what}`);
}
