import type { Reference } from 'fhir/r4.js';
import type { ValidationIssues } from '@carenet/eventsourcing';
import type { Party, PartyKind } from '../party.js';
import { PARTY_RESOURCE_TYPES, PARTY_SYSTEMS } from './identifier-systems.js';
import {
  LITERAL_REFERENCE_FORMS,
  LITERAL_REFERENCE_SYSTEM,
  literalReferenceOf,
} from './literal-reference.js';

/**
 * A party as a FHIR Reference, as it was given: by national identifier (with `type`: Practitioner,
 * Organization or Device unless another type was given, and the literal reference when one came
 * with it), or by literal reference only (`reference`, and `type` only when it was given); with
 * its display.
 */
export function partyReference(party: Party): Reference {
  const display = party.display === undefined ? {} : { display: party.display };
  if (party.identifier.system === LITERAL_REFERENCE_SYSTEM) {
    return {
      reference: party.reference ?? party.identifier.value,
      ...(party.type === undefined ? {} : { type: party.type }),
      ...display,
    };
  }
  return {
    ...(party.reference === undefined ? {} : { reference: party.reference }),
    type: party.type ?? PARTY_RESOURCE_TYPES[party.kind],
    identifier: { system: party.identifier.system, value: party.identifier.value },
    ...display,
  };
}

/**
 * The kind of party each resource type a party may be referenced as is: professionals
 * (Practitioner, PractitionerRole), organisations (Organization, and the teams and services of
 * one: CareTeam, HealthcareService), software systems (Device).
 */
const KIND_OF_TYPE: Readonly<Record<string, PartyKind>> = {
  Practitioner: 'professional',
  PractitionerRole: 'professional',
  Organization: 'organization',
  CareTeam: 'organization',
  HealthcareService: 'organization',
  Device: 'system',
};

/** Types a FHIR reference may name that are not parties of the cooperation between professionals. */
const NOT_PARTIES: ReadonlySet<string> = new Set(['Patient', 'RelatedPerson']);

const ACCEPTED = `IDNPS, RPPS (professionals), FINESS, IDNST (organisations) or the client-id naming system (software systems)`;
const TYPES = Object.keys(KIND_OF_TYPE).join(', ');

/** How to find the type of a contained resource a `#id` reference names (`undefined`: none). */
export type ContainedTypeOf = (reference: string) => string | undefined;

/**
 * The party a Reference names (DESIGN.md §5): by national identifier, or by literal reference
 * (`Practitioner/x`, an absolute URL on another server, `#id` for a contained resource). The kind
 * comes from `Reference.type`, else the identifier system, else the literal reference's type
 * (for `#id`: the contained resource's, through `containedTypeOf`). A patient or relative is not a
 * party; an unknown system, a type that contradicts the system, or a reference of none of the
 * forms is an issue at `path` (`undefined` returned). The reference, type and display are kept as
 * given, so `partyReference` serves them back.
 */
export function partyOfReference(
  reference: Reference | undefined,
  path: string,
  issues: ValidationIssues,
  containedTypeOf?: ContainedTypeOf,
): Party | undefined {
  if (reference === undefined) {
    issues.add(path, 'is required');
    return;
  }
  const { identifier } = reference;
  const given = {
    ...(reference.display === undefined ? {} : { display: reference.display }),
    ...(reference.reference === undefined ? {} : { reference: reference.reference }),
    ...(reference.type === undefined ? {} : { type: reference.type }),
  };
  const literal = reference.reference === undefined ? undefined : literalReferenceOf(reference.reference);
  if (reference.reference !== undefined && literal === undefined) {
    issues.add(`${path}.reference`, `${reference.reference.slice(0, 80)} is not ${LITERAL_REFERENCE_FORMS}`);
    return;
  }
  const literalType = literal?.form === 'contained' ? containedTypeOf?.(literal.reference) : literal?.type;
  const typeKind = kindOfType(
    reference.type ?? literalType,
    `${path}${reference.type ? '.type' : '.reference'}`,
    issues,
  );
  if (typeKind === null) return;
  if (identifier?.system === undefined || identifier.value === undefined || identifier.value === '') {
    if (literal === undefined) {
      issues.add(
        `${path}.identifier`,
        `a professional or organisation is referenced by national identifier (Reference.identifier with system and value: ${ACCEPTED}) or by literal reference (${LITERAL_REFERENCE_FORMS})`,
      );
      return;
    }
    if (typeKind === undefined) {
      issues.add(`${path}.reference`, `names no resource of a known type: ${TYPES}`);
      return;
    }
    return {
      kind: typeKind,
      identifier: { system: LITERAL_REFERENCE_SYSTEM, value: literal.reference },
      ...given,
    };
  }
  const bySystem = PARTY_SYSTEMS[identifier.system];
  if (bySystem === undefined) {
    issues.add(`${path}.identifier.system`, `${identifier.system} is not accepted: use ${ACCEPTED}`);
    return;
  }
  if (typeKind !== undefined && typeKind !== bySystem) {
    issues.add(
      `${path}.type`,
      `${reference.type ?? literalType} does not match the identifier system ${identifier.system} (a ${PARTY_RESOURCE_TYPES[bySystem]})`,
    );
    return;
  }
  return { kind: bySystem, identifier: { system: identifier.system, value: identifier.value }, ...given };
}

/** The kind of party a type names: `undefined` when no type is known, `null` (issue added) when refused. */
function kindOfType(
  type: string | undefined,
  path: string,
  issues: ValidationIssues,
): PartyKind | undefined | null {
  if (type === undefined) return undefined;
  const kind = KIND_OF_TYPE[type];
  if (kind !== undefined) return kind;
  issues.add(
    path,
    NOT_PARTIES.has(type)
      ? `a ${type} is not a party of the cooperation between professionals: name a ${TYPES}`
      : `${type} is not accepted: a party is a ${TYPES}`,
  );
  return null;
}
