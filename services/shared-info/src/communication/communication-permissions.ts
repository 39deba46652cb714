import type { Actor } from '@carenet/access';
import { actsAs } from '@carenet/access/party';
import { ForbiddenError } from '@carenet/eventsourcing';
import type { NamedParty } from './communication-values.js';

/**
 * Who records a communication: its sender (the author), that is a professional sending in their
 * own name or in the name of the organisation they act for, or a system (an EHR, sending for the
 * sender it names). Not a patient: a Communication here is information sent between professionals.
 */
export function requireSender(actor: Actor, sender: NamedParty): void {
  if (actor.kind === 'patient') {
    throw new ForbiddenError('a patient does not record communications between professionals');
  }
  if (actor.kind === 'professional' && !actsAs(actor, sender.party)) {
    throw new ForbiddenError(
      `a professional sends information in their own name (or their organisation's): Communication.sender names ${sender.party.identifier.value}, not ${actor.identifier.value}`,
    );
  }
}
