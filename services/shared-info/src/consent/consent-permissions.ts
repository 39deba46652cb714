import type { Actor } from '@carenet/access';
import { ForbiddenError } from '@carenet/eventsourcing';
import type { ConsentPatient } from './consent-values.js';

/**
 * Who records a patient's consents and objections: a professional or a system (the coordinator
 * who informed the patient, an EHR, the patient's portal), or the patient themself for their own
 * consents (never another patient's).
 */
export function requireConsentKeeper(actor: Actor, patient: ConsentPatient, what: string): void {
  if (actor.kind !== 'patient') return;
  if (actor.identifier.system !== patient.system || actor.identifier.value !== patient.value) {
    throw new ForbiddenError(`a patient ${what} for themself only, not for another patient`);
  }
}
