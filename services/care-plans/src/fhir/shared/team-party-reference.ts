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
import { IDENTIFIER_SYSTEMS } from '@carenet/access';
import type { ValidationIssues } from '@carenet/eventsourcing';

/**
 * `related-person-relationship` (valueCodeableConcept, v3 RoleCode): on a Reference to a
 * RelatedPerson (`CareTeam.participant.member`, `Goal.expressedBy`), the person's link to the
 * patient. A Reference has no place for it, and carenet keeps no RelatedPerson resource.
 */
export const RELATED_PERSON_RELATIONSHIP_EXTENSION: string = carenetExtension('related-person-relationship');

/** The kind of party each national identifier system names (software systems are no team member). */
const TEAM_PARTY_SYSTEMS: Readonly<Record<string, 'professional' | 'organization'>> = {
  [IDENTIFIER_SYSTEMS.idnps]: 'professional',
  [IDENTIFIER_SYSTEMS.rpps]: 'professional',
  [IDENTIFIER_SYSTEMS.finess]: 'organization',
  [IDENTIFIER_SYSTEMS.idnst]: 'organization',
};

const ORGANIZATION_SYSTEMS = [IDENTIFIER_SYSTEMS.finess, IDENTIFIER_SYSTEMS.idnst] as const;

/** The FHIR resource type each kind of team party is referenced as. */
export const TEAM_PARTY_RESOURCE_TYPES: Readonly<Record<CareTeamPartyKind, string>> = {
  professional: 'Practitioner',
  organization: 'Organization',
  'related-person': 'RelatedPerson',
};

const ACCEPTED = 'IDNPS, RPPS (professionals), FINESS, IDNST (organisations)';

function identifierOf(identifier: PartyIdentifier): PartyIdentifier {
  return { system: identifier.system, value: identifier.value };
}

/**
 * A team party as a FHIR Reference: a professional (Practitioner) or organisation
 * (Organization) by national identifier with its display; a related person (RelatedPerson) by
 * display, with its identifier if any and its relationship in RELATED_PERSON_RELATIONSHIP_EXTENSION.
 */
export function careTeamPartyReference(party: CareTeamParty): Reference {
  if (party.kind !== 'related-person') {
    return {
      type: TEAM_PARTY_RESOURCE_TYPES[party.kind],
      identifier: identifierOf(party.identifier),
      ...optional('display', party.display),
    };
  }
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
 * identifier (`Reference.type` Practitioner / Organization, or absent: the identifier system
 * tells), or a related person (`type` RelatedPerson) by display. `kinds` are the kinds accepted
 * at this element. Issues at `path` (`undefined` returned): absent, literal-only, unknown
 * system, type contradicting the system, kind not accepted, related person without display.
 */
export function careTeamPartyOfReference(
  reference: Reference | undefined,
  path: string,
  issues: ValidationIssues,
  kinds: readonly CareTeamPartyKind[],
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
  const { identifier } = reference;
  if (identifier?.system === undefined || identifier.value === undefined || identifier.value === '') {
    issues.add(
      `${path}.identifier`,
      `professionals and organisations are referenced by national identifier (Reference.identifier with system and value: ${ACCEPTED}), not by literal reference${kinds.includes('related-person') ? '; a related person has type RelatedPerson and a display' : ''}`,
    );
    return;
  }
  const kind = TEAM_PARTY_SYSTEMS[identifier.system];
  if (kind === undefined) {
    issues.add(`${path}.identifier.system`, `${identifier.system} is not accepted: use ${ACCEPTED}`);
    return;
  }
  if (reference.type !== undefined && reference.type !== TEAM_PARTY_RESOURCE_TYPES[kind]) {
    issues.add(
      `${path}.type`,
      `${reference.type} does not match the identifier system ${identifier.system} (a ${TEAM_PARTY_RESOURCE_TYPES[kind]})`,
    );
    return;
  }
  if (!kinds.includes(kind)) {
    issues.add(`${path}.type`, `${TEAM_PARTY_RESOURCE_TYPES[kind]} is not accepted here: ${accepted}`);
    return;
  }
  return {
    kind,
    identifier: { system: identifier.system, value: identifier.value },
    ...optional('display', reference.display),
  };
}

/** An organisation as a Reference by identifier (FINESS, IDNST), `type` Organization. */
export function organizationReference(organization: OrganizationReference): Reference {
  return {
    type: 'Organization',
    identifier: identifierOf(organization.identifier),
    ...optional('display', organization.display),
  };
}

/**
 * The organisation a Reference names, by FINESS or IDNST (`CareTeam.managingOrganization`,
 * `CareTeam.participant.onBehalfOf`); `type`, if given, is Organization. Issues at `path`.
 */
export function organizationOfReference(
  reference: Reference,
  path: string,
  issues: ValidationIssues,
): OrganizationReference | undefined {
  if (reference.type !== undefined && reference.type !== 'Organization') {
    issues.add(`${path}.type`, `is Organization, not ${reference.type}`);
    return;
  }
  const { identifier } = reference;
  if (identifier?.system === undefined || identifier.value === undefined || identifier.value === '') {
    issues.add(
      `${path}.identifier`,
      'organisations are referenced by national identifier (Reference.identifier: FINESS or IDNST), not by literal reference',
    );
    return;
  }
  if (!(ORGANIZATION_SYSTEMS as readonly string[]).includes(identifier.system)) {
    issues.add(`${path}.identifier.system`, `${identifier.system} is not accepted: use FINESS or IDNST`);
    return;
  }
  return {
    identifier: { system: identifier.system, value: identifier.value },
    ...optional('display', reference.display),
  };
}
