import { carenetExtension } from '@carenet/fhir';
import type { Reference } from 'fhir/r4.js';
import type {
  CareTeamParty,
  CareTeamPartyKind,
  OrganizationReference,
  PartyIdentifier,
} from '../../care-team/index.js';
import { optional } from './optional.js';
import { extensionPath, singleExtension } from './extensions.js';
import { partyOfReference, partyReference, type ContainedTypeOf } from '@carenet/access';
import { keptParty } from './kept-elements.js';
import type { ValidationIssues } from '@carenet/eventsourcing';

/**
 * `related-person-relationship` (valueCodeableConcept, v3 RoleCode): on a Reference to a
 * RelatedPerson (`CareTeam.participant.member`, `Goal.expressedBy`), the person's link to the
 * patient. A Reference has no place for it, and carenet keeps no RelatedPerson resource.
 */
export const RELATED_PERSON_RELATIONSHIP_EXTENSION: string = carenetExtension('related-person-relationship');

/** The FHIR resource type each kind of team party is referenced as. */
export const TEAM_PARTY_RESOURCE_TYPES: Readonly<Record<CareTeamPartyKind, string>> = {
  professional: 'Practitioner',
  organization: 'Organization',
  'related-person': 'RelatedPerson',
};

function identifierOf(identifier: PartyIdentifier): PartyIdentifier {
  return { system: identifier.system, value: identifier.value };
}

/**
 * A team party as a FHIR Reference: a professional (Practitioner) or organisation
 * (Organization) by national identifier with its display; a related person (RelatedPerson) by
 * display, with its identifier if any and its relationship in RELATED_PERSON_RELATIONSHIP_EXTENSION.
 */
export function careTeamPartyReference(party: CareTeamParty): Reference {
  if (party.kind !== 'related-person') return partyReference(party);
  return {
    ...(party.relationship === undefined
      ? {}
      : {
          extension: [
            { url: RELATED_PERSON_RELATIONSHIP_EXTENSION, valueCodeableConcept: party.relationship },
          ],
        }),
    type: 'RelatedPerson',
    ...(party.identifier === undefined ? {} : { identifier: identifierOf(party.identifier) }),
    display: party.display,
  };
}

function relatedPersonOf(reference: Reference, path: string, issues: ValidationIssues) {
  const display = reference.display?.trim() ?? '';
  if (display === '') issues.add(`${path}.display`, 'is required: a related person is named (display)');
  const { identifier } = reference;
  if (identifier !== undefined && (identifier.system === undefined || (identifier.value ?? '') === '')) {
    issues.add(`${path}.identifier`, 'an identifier of a related person has a system and a value');
    return;
  }
  const url = RELATED_PERSON_RELATIONSHIP_EXTENSION;
  const extension = singleExtension(reference.extension, path, url, issues);
  if (extension !== undefined && extension.valueCodeableConcept === undefined) {
    issues.add(`${extensionPath(path, url)}.valueCodeableConcept`, 'is required: the link to the patient');
    return;
  }
  if (display === '') return;
  return {
    kind: 'related-person' as const,
    display: reference.display ?? '',
    ...(identifier?.system === undefined || identifier.value === undefined
      ? {}
      : { identifier: { system: identifier.system, value: identifier.value } }),
    ...optional('relationship', extension?.valueCodeableConcept),
  };
}

/**
 * The team party a Reference names (DESIGN.md §5): a professional or organisation by national
 * identifier or by literal reference (`partyOfReference` of @carenet/access: `Practitioner/x`,
 * `PractitionerRole/x`, `Organization/x`, an absolute URL, `#id` of a contained one, kept as
 * given), or a related person (`type` RelatedPerson) by display. `kinds` are the kinds accepted
 * at this element. Issues at `path` (`undefined` returned): absent, unknown system, type
 * contradicting the system, a Patient, kind not accepted, related person without display.
 */
export function careTeamPartyOfReference(
  reference: Reference | undefined,
  path: string,
  issues: ValidationIssues,
  kinds: readonly CareTeamPartyKind[],
  containedTypeOf?: ContainedTypeOf,
): CareTeamParty | undefined {
  if (reference === undefined) {
    issues.add(path, 'is required');
    return;
  }
  const accepted = kinds.map((kind) => TEAM_PARTY_RESOURCE_TYPES[kind]).join(', ');
  if (reference.type === 'RelatedPerson') {
    if (!kinds.includes('related-person')) {
      issues.add(`${path}.type`, `RelatedPerson is not accepted here: ${accepted}`);
      return;
    }
    return relatedPersonOf(reference, path, issues);
  }
  const party = keptParty(partyOfReference(reference, path, issues, containedTypeOf));
  if (party === undefined) return;
  if (party.kind === 'system' || !kinds.includes(party.kind)) {
    issues.add(
      `${path}${reference.type === undefined ? '' : '.type'}`,
      `a ${party.kind === 'system' ? 'software system' : party.kind} is not accepted here: ${accepted}`,
    );
    return;
  }
  return { ...party, kind: party.kind };
}

/** An organisation as a Reference, as given (by identifier with `type` Organization, or literal). */
export function organizationReference(organization: OrganizationReference): Reference {
  return partyReference({ kind: 'organization', ...organization });
}

/**
 * The organisation a Reference names (`CareTeam.managingOrganization`,
 * `CareTeam.participant.onBehalfOf`): by FINESS or IDNST, or by literal reference
 * (`Organization/x`, an absolute URL, `#id` of a contained Organization). Issues at `path`.
 */
export function organizationOfReference(
  reference: Reference,
  path: string,
  issues: ValidationIssues,
  containedTypeOf?: ContainedTypeOf,
): OrganizationReference | undefined {
  if (reference.type !== undefined && reference.type !== 'Organization') {
    issues.add(`${path}.type`, `is Organization, not ${reference.type}`);
    return;
  }
  const party = keptParty(partyOfReference(reference, path, issues, containedTypeOf));
  if (party === undefined) return;
  if (party.kind !== 'organization') {
    const literal = reference.identifier === undefined;
    issues.add(
      `${path}${literal ? '.reference' : '.identifier.system'}`,
      `names a ${party.kind}, not an organisation: ${literal ? 'Organization/<id>, or ' : ''}FINESS or IDNST`,
    );
    return;
  }
  const { kind: _kind, ...organization } = party;
  return organization;
}
