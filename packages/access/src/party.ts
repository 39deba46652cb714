import type { Actor } from './actor.js';

/**
 * A party of the cooperation between professionals: a Task's requester, owner or performer, a
 * CarePlan's author, coordinator or the performer of an action. Close to a FHIR `Reference` by
 * identifier (`Reference.identifier` + `Reference.display`); `kind` says which resource type the
 * reference points to (Practitioner / Organization / Device for a system). Parties are compared by
 * national identifier only (DOMAIN.md §5), never by display name. Pure: the services' domains
 * import it as `@carenet/access/party` (no HTTP toolkit, no crypto).
 */
export type PartyKind = 'professional' | 'organization' | 'system';

export type PartyIdentifier = Readonly<{
  /** Naming system URI: IDNPS, RPPS, FINESS, IDNST, or CLIENT_ID_SYSTEM for software systems. */
  system: string;
  value: string;
}>;

export type Party = Readonly<{
  kind: PartyKind;
  /**
   * The national identifier; for a party named only by a literal reference, the reference itself
   * under LITERAL_REFERENCE_SYSTEM (references/literal-reference.ts).
   */
  identifier: PartyIdentifier;
  display?: string;
  /** `Reference.reference` as given (`Practitioner/x`, an absolute URL, `#id`): kept and served back. */
  reference?: string;
  /** `Reference.type` as given, when it was (served back as given). */
  type?: string;
}>;

/**
 * Naming system of the OAuth client ids of software systems (SMART backend services):
 * `carenetNamingSystem('client-id')` of @carenet/fhir, spelled out here so that the pure domain
 * imports no HTTP toolkit (a unit test keeps the two equal).
 */
export const CLIENT_ID_SYSTEM = 'https://carenet.example.org/fhir/NamingSystem/client-id';

/** Whether two parties are the same: same kind and same identifier (system and value). */
export function sameParty(a: Party, b: Party): boolean {
  return (
    a.kind === b.kind &&
    a.identifier.system === b.identifier.system &&
    a.identifier.value === b.identifier.value
  );
}

/**
 * The party an actor is: a professional by national identifier, a system by client id. A
 * patient is not a party of the cooperation between professionals: `undefined`.
 */
export function partyOfActor(actor: Actor): Party | undefined {
  switch (actor.kind) {
    case 'professional':
      return {
        kind: 'professional',
        identifier: { system: actor.identifier.system, value: actor.identifier.value },
        ...(actor.name === undefined ? {} : { display: actor.name }),
      };
    case 'system':
      return { kind: 'system', identifier: { system: CLIENT_ID_SYSTEM, value: actor.clientId } };
    case 'patient':
      return undefined;
  }
}

/**
 * Whether `actor` acts as `party`: it is that professional or system, or, when the party is an
 * organisation, a professional or system acting for it (`actor.organization`).
 */
export function actsAs(actor: Actor, party: Party): boolean {
  if (party.kind === 'organization') {
    const organization = actor.kind === 'patient' ? undefined : actor.organization;
    return organization?.system === party.identifier.system && organization.value === party.identifier.value;
  }
  const own = partyOfActor(actor);
  return own !== undefined && sameParty(own, party);
}
