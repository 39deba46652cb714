import type { Actor } from '@carenet/access';
import { ForbiddenError } from '@carenet/eventsourcing';

function describe(actor: Actor): string {
  return actor.kind === 'system' ? `system ${actor.clientId}` : `${actor.kind} ${actor.identifier.value}`;
}

/**
 * Who keeps the network's record of a person: a professional (identity is checked at the desk:
 * identitovigilance) or a system (an EHR, the regional identity server). Not the patient: their
 * corrections go through a professional, who checks the documents.
 */
export function requireRecordKeeper(actor: Actor, what: string): void {
  if (actor.kind === 'patient') {
    throw new ForbiddenError(`only a professional or a system ${what}; ${describe(actor)} is neither`);
  }
}
