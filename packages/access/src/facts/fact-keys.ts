import type { Actor } from '../actor.js';
import { CLIENT_ID_SYSTEM, type Party } from '../party.js';
import type { PatientIdentifier } from '../references/patient-reference.js';
import type { ConsentRecipient } from '../decision/access-facts.js';

/**
 * The keys the access facts are stored and matched under: `<system>|<value>` for a patient or a
 * party (a party named by literal reference only: its literal-reference system and the reference),
 * `<system>|<code>` for a profession, the sector's name for a sector.
 */
export const patientKey = (patient: Pick<PatientIdentifier, 'system' | 'value'>): string =>
  `${patient.system}|${patient.value}`;

export const partyKey = (party: Pick<Party, 'identifier'>): string =>
  `${party.identifier.system}|${party.identifier.value}`;

/** The kind and key of a consent recipient or an objection's target. */
export function recipientKey(recipient: ConsentRecipient): { kind: ConsentRecipient['kind']; key: string } {
  switch (recipient.kind) {
    case 'party':
      return { kind: 'party', key: partyKey(recipient.party) };
    case 'profession':
      return { kind: 'profession', key: `${recipient.system}|${recipient.code}` };
    case 'sector':
      return { kind: 'sector', key: recipient.sector };
  }
}

/**
 * What an actor is matched by: the parties it acts as (itself, the organisation it acts for), its
 * profession and its sector (professionals only).
 */
export interface ActorKeys {
  readonly parties: readonly string[];
  readonly profession?: string;
  readonly sector?: string;
}

export function actorKeys(actor: Actor): ActorKeys {
  switch (actor.kind) {
    case 'professional':
      return {
        parties: [
          `${actor.identifier.system}|${actor.identifier.value}`,
          ...(actor.organization === undefined
            ? []
            : [`${actor.organization.system}|${actor.organization.value}`]),
        ],
        profession: `${actor.profession.system}|${actor.profession.code}`,
        sector: actor.sector,
      };
    case 'system':
      return {
        parties: [
          `${CLIENT_ID_SYSTEM}|${actor.clientId}`,
          ...(actor.organization === undefined
            ? []
            : [`${actor.organization.system}|${actor.organization.value}`]),
        ],
      };
    case 'patient':
      return { parties: [] };
  }
}
