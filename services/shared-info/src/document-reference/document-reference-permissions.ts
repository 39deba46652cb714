import type { Actor } from '@carenet/access';
import { ForbiddenError } from '@carenet/eventsourcing';

/**
 * Who records a document: a professional or a system (an EHR, a document repository). Not a
 * patient: the documents shared here are professionals' (a patient's own documents go through a
 * professional).
 */
export function requireDocumentKeeper(actor: Actor, what: string): void {
  if (actor.kind === 'patient') {
    throw new ForbiddenError(`only a professional or a system ${what}`);
  }
}
