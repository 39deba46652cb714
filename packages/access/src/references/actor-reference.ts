import type { Reference } from 'fhir/r4.js';
import type { Plain } from '@carenet/eventsourcing';
import type { Actor } from '../actor.js';
import { CLIENT_ID_SYSTEM } from '../party.js';

/**
 * Who acted, as a Reference by identifier: a professional as Practitioner (IDNPS/RPPS, with the
 * name), a software system as Device (client id), a patient as Patient (INS).
 */
export function actorReference(actor: Plain<Actor>): Reference {
  switch (actor.kind) {
    case 'professional':
      return {
        type: 'Practitioner',
        identifier: { system: actor.identifier.system, value: actor.identifier.value },
        ...(actor.name === undefined ? {} : { display: actor.name }),
      };
    case 'system':
      return { type: 'Device', identifier: { system: CLIENT_ID_SYSTEM, value: actor.clientId } };
    case 'patient':
      return {
        type: 'Patient',
        identifier: { system: actor.identifier.system, value: actor.identifier.value },
      };
  }
}
