import type { Reference } from 'fhir/r4.js';
import type { ValidationIssues } from '@carenet/eventsourcing';
import type { Party, PartyKind } from '../party.js';
import { PARTY_RESOURCE_TYPES, PARTY_SYSTEMS } from './identifier-systems.js';

/** A party as a FHIR Reference by identifier: Practitioner, Organization or Device, with its display. */
export function partyReference(party: Party): Reference {
  return {
    type: PARTY_RESOURCE_TYPES[party.kind],
    identifier: { system: party.identifier.system, value: party.identifier.value },
    ...(party.display === undefined ? {} : { display: party.display }),
  };
}

const KIND_OF_TYPE: Readonly<Record<string, PartyKind>> = Object.fromEntries(
  Object.entries(PARTY_RESOURCE_TYPES).map(([kind, type]) => [type, kind as PartyKind]),
);

const ACCEPTED = `IDNPS, RPPS (professionals), FINESS, IDNST (organisations) or the client-id naming system (software systems)`;

/**
 * The party a Reference names, by national identifier (DESIGN.md §5). `Reference.type`
 * (Practitioner, Organization, Device) says which kind; when absent, the identifier system does.
 * A literal-only reference, an unknown system or a type that contradicts the system is an issue
 * at `path` (`undefined` returned).
 */
export function partyOfReference(
  reference: Reference | undefined,
  path: string,
  issues: ValidationIssues,
): Party | undefined {
  if (reference === undefined) {
    issues.add(path, 'is required');
    return;
  }
  const { identifier } = reference;
  if (identifier?.system === undefined || identifier.value === undefined || identifier.value === '') {
    issues.add(
      `${path}.identifier`,
      `professionals and organisations are referenced by national identifier (Reference.identifier with system and value: ${ACCEPTED}), not by literal reference`,
    );
    return;
  }
  const bySystem = PARTY_SYSTEMS[identifier.system];
  if (bySystem === undefined) {
    issues.add(`${path}.identifier.system`, `${identifier.system} is not accepted: use ${ACCEPTED}`);
    return;
  }
  if (reference.type !== undefined) {
    const byType = KIND_OF_TYPE[reference.type];
    if (byType === undefined) {
      issues.add(
        `${path}.type`,
        `${reference.type} is not accepted: a party is a Practitioner, an Organization or a Device`,
      );
      return;
    }
    if (byType !== bySystem) {
      issues.add(
        `${path}.type`,
        `${reference.type} does not match the identifier system ${identifier.system} (a ${PARTY_RESOURCE_TYPES[bySystem]})`,
      );
      return;
    }
  }
  return {
    kind: bySystem,
    identifier: { system: identifier.system, value: identifier.value },
    ...(reference.display === undefined ? {} : { display: reference.display }),
  };
}
