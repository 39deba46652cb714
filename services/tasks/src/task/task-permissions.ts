import type { Actor } from '@carenet/access';
import { ForbiddenError } from '@carenet/eventsourcing';
import { actsAs, type Party } from '@carenet/access/party';
import { responsibilityInLedger } from './responsibility.js';
import type { ExistingTask } from './task-state.js';

/**
 * Who may do what (issue 6). Kept tight on purpose:
 * - the owner (the party performing at the command's instant, per the ledger: a temporary
 *   transfer makes the replacement the owner for its period) receives, accepts, rejects,
 *   starts, puts on hold, resumes, completes and fails;
 * - the requester submits a draft, cancels, changes the request and reassigns the owner; a
 *   system that created a Task on someone's behalf (for a PPCS action) may do the same three
 *   (the plan's action changed or was withdrawn);
 * - $transfer: the owner or a party accountable at that instant;
 * - entered-in-error: the requester, or a system actor with `administrator: true`;
 * - creation: the requester, or a system actor creating on someone's behalf (e.g. the
 *   care-plans service turning a PPCS action into a Task); its scopes are checked at the edge;
 * - overdue: a system actor (the clock service).
 * An administrator system may do nothing else in someone's place: it corrects errors, it does
 * not perform or request care. Acting "as" an organisation party: a professional or system
 * whose `organization` is that organisation.
 */
export function ownerAt(task: ExistingTask, at: string): Party | undefined {
  return responsibilityInLedger(task.responsibility, at)?.performer ?? task.owner;
}

export function accountableAt(task: ExistingTask, at: string): readonly Party[] {
  return responsibilityInLedger(task.responsibility, at)?.accountable ?? [task.requester];
}

function describe(actor: Actor): string {
  return actor.kind === 'system' ? `system ${actor.clientId}` : `${actor.kind} ${actor.identifier.value}`;
}

export function requireOwner(task: ExistingTask, actor: Actor, at: string, what: string): void {
  const owner = ownerAt(task, at);
  if (owner === undefined || !actsAs(actor, owner)) {
    throw new ForbiddenError(
      `only the owner of task ${task.id} ${what}; ${describe(actor)} is not the owner`,
    );
  }
}

export function requireRequester(task: ExistingTask, actor: Actor, what: string): void {
  if (!actsAs(actor, task.requester)) {
    throw new ForbiddenError(
      `only the requester of task ${task.id} ${what}; ${describe(actor)} is not the requester`,
    );
  }
}

export function requireRequesterOrAdministrator(task: ExistingTask, actor: Actor, what: string): void {
  if (actor.kind === 'system' && actor.administrator === true) return;
  if (!actsAs(actor, task.requester)) {
    throw new ForbiddenError(
      `only the requester of task ${task.id} or an administrator system ${what}; ${describe(actor)} is neither`,
    );
  }
}

export function requireOwnerOrAccountable(task: ExistingTask, actor: Actor, at: string, what: string): void {
  const owner = ownerAt(task, at);
  if (owner !== undefined && actsAs(actor, owner)) return;
  if (accountableAt(task, at).some((party) => actsAs(actor, party))) return;
  throw new ForbiddenError(
    `only the owner or an accountable party of task ${task.id} ${what}; ${describe(actor)} is neither`,
  );
}

export function requireSystem(actor: Actor, what: string): void {
  if (actor.kind !== 'system') throw new ForbiddenError(`only a system actor ${what}`);
}

export function requireRequesterOrCreatingSystem(task: ExistingTask, actor: Actor, what: string): void {
  const creator = task.createdBy;
  if (actor.kind === 'system' && creator?.kind === 'system' && creator.clientId === actor.clientId) return;
  requireRequester(task, actor, what);
}

/**
 * The parties of a Task: its requester, the owner or an accountable party at `at`, or the system
 * that created it. They may change the elements kept as given (businessStatus during execution,
 * relevantHistory, encounter…).
 */
export function requireParty(task: ExistingTask, actor: Actor, at: string, what: string): void {
  const creator = task.createdBy;
  if (actor.kind === 'system' && creator?.kind === 'system' && creator.clientId === actor.clientId) return;
  if (actsAs(actor, task.requester)) return;
  const owner = ownerAt(task, at);
  if (owner !== undefined && actsAs(actor, owner)) return;
  if (accountableAt(task, at).some((party) => actsAs(actor, party))) return;
  throw new ForbiddenError(
    `only a party of task ${task.id} (requester, owner, accountable party) ${what}; ${describe(actor)} is none`,
  );
}
