import type { Actor } from '@carenet/access';
import type { CareTeamCodeableConcept } from './care-team-values.js';

/** A national identifier of a professional (IDNPS, RPPS) or an organisation (FINESS, IDNST). */
export type PartyIdentifier = Readonly<{ system: string; value: string }>;

/**
 * A professional (Practitioner, PractitionerRole) or an organisation (Organization…), by national
 * identifier, or by literal reference (`Practitioner/x`, an absolute URL, `#id` of a contained
 * one) under the literal-reference naming system; the reference, type and display as given
 * (the shape of @carenet/access `Party`).
 */
export type IdentifiedParty = Readonly<{
  kind: 'professional' | 'organization';
  identifier: PartyIdentifier;
  display?: string;
  reference?: string;
  type?: string;
}>;

/**
 * A caregiver, trusted person or other relative (RelatedPerson): known by name, identified
 * when an identifier exists; `relationship` is the link to the patient (v3 RoleCode).
 */
export type RelatedPersonParty = Readonly<{
  kind: 'related-person';
  display: string;
  identifier?: PartyIdentifier;
  relationship?: CareTeamCodeableConcept;
}>;

/** Who a care-team participant is (`CareTeam.participant.member`). */
export type CareTeamParty = IdentifiedParty | RelatedPersonParty;
export type CareTeamPartyKind = CareTeamParty['kind'];

function sameIdentifier(a: PartyIdentifier, b: PartyIdentifier): boolean {
  return a.system === b.system && a.value === b.value;
}

function normalisedName(name: string): string {
  return name.normalize('NFC').trim().replace(/\s+/g, ' ').toLocaleLowerCase('fr');
}

/**
 * Whether two parties are the same: professionals and organisations by national identifier
 * only (DOMAIN.md §5), never by display; related persons by identifier when both have one,
 * else by name (case and spacing ignored).
 */
export function sameParty(a: CareTeamParty, b: CareTeamParty): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind !== 'related-person' || b.kind !== 'related-person') {
    return (
      a.identifier !== undefined && b.identifier !== undefined && sameIdentifier(a.identifier, b.identifier)
    );
  }
  if (a.identifier !== undefined && b.identifier !== undefined)
    return sameIdentifier(a.identifier, b.identifier);
  return normalisedName(a.display) === normalisedName(b.display);
}

/**
 * Whether `actor` acts as `party`: it is that professional (same national identifier), or a
 * professional or system acting for that organisation (`actor.organization`). A related
 * person is never an actor of the care team's administration; a patient acts as no party.
 */
export function actsAs(actor: Actor, party: CareTeamParty): boolean {
  switch (party.kind) {
    case 'professional':
      return actor.kind === 'professional' && sameIdentifier(actor.identifier, party.identifier);
    case 'organization':
      return (
        actor.kind !== 'patient' &&
        actor.organization !== undefined &&
        sameIdentifier(actor.organization, party.identifier)
      );
    case 'related-person':
      return false;
  }
}
