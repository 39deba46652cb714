import type { Actor } from '@carenet/access';
import { ForbiddenError, type Plain } from '@carenet/eventsourcing';
import type { ExistingGoal } from './goal-state.js';

/**
 * Who may do what with a Goal. The Goal stream does not know the care team: whether the actor
 * takes part in the patient's care is an access decision at the edge (built on the CareTeam
 * membership events). The decider keeps:
 * - a professional or a system sets, revises, moves and assesses goals; a patient does not
 *   (the patient's own goals are recorded by a professional with `expressedBy` the patient);
 * - entered-in-error: the actor who set the goal, or an administrator system.
 */
function describe(actor: Actor): string {
  return actor.kind === 'system' ? `system ${actor.clientId}` : `${actor.kind} ${actor.identifier.value}`;
}

function sameActor(a: Plain<Actor>, b: Actor): boolean {
  if (a.kind === 'system' || b.kind === 'system') {
    return a.kind === 'system' && b.kind === 'system' && a.clientId === b.clientId;
  }
  return (
    a.kind === b.kind &&
    a.identifier.system === b.identifier.system &&
    a.identifier.value === b.identifier.value
  );
}

export function requireCarer(actor: Actor, what: string): void {
  if (actor.kind === 'patient') {
    throw new ForbiddenError(`only a professional or a system ${what}; ${describe(actor)} is neither`);
  }
}

export function requireSetterOrAdministrator(goal: ExistingGoal, actor: Actor, what: string): void {
  if (actor.kind === 'system' && actor.administrator === true) return;
  if (!sameActor(goal.setBy, actor)) {
    throw new ForbiddenError(
      `only who set goal ${goal.id} or an administrator system ${what}; ${describe(actor)} is neither`,
    );
  }
}
