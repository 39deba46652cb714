// FHIR CareTeam bodies and helpers shared by the CareTeam mapping tests (fhir-care-team-*.unit.test.ts).
import { expect } from '@jest/globals';
import { BusinessRuleError, ValidationError } from '@carenet/eventsourcing';
import { createResourceValidator } from '@carenet/fhir';
import type { CareTeam, CareTeamParticipant } from 'fhir/r4.js';
import { CARE_TEAM_EXTENSIONS } from '../../src/fhir/care-team/index.js';
import { CARE_TEAM_ROLE_SYSTEM } from '../../src/care-team/index.js';
import { FINESS, FORMED, IDNPS } from './care-team-fixtures.js';

export const INS = 'urn:oid:1.2.250.1.213.1.4.8';
export const RPPS = 'https://rpps.esante.gouv.fr';
export const ROLE_CODE = 'http://terminology.hl7.org/CodeSystem/v3-RoleCode';

export const SUBJECT = { type: 'Patient', identifier: { system: INS, value: '279035121518989' } };
export const DAC_REFERENCE = {
  type: 'Organization',
  identifier: { system: FINESS, value: '330000099' },
  display: 'DAC 33',
};

function roleOf(code: string, display?: string) {
  return [
    { coding: [{ system: CARE_TEAM_ROLE_SYSTEM, code, ...(display === undefined ? {} : { display }) }] },
  ];
}

export const COORDINATOR_PARTICIPANT: CareTeamParticipant = {
  id: 'm-coord',
  role: roleOf('coordinator', 'Référent'),
  member: { type: 'Practitioner', identifier: { system: IDNPS, value: '870000000001' }, display: 'C' },
  onBehalfOf: DAC_REFERENCE,
  period: { start: FORMED },
};
export const GP_PARTICIPANT: CareTeamParticipant = {
  id: 'm-gp',
  role: roleOf('attending-physician', 'Médecin traitant'),
  member: { type: 'Practitioner', identifier: { system: IDNPS, value: '810000000001' }, display: 'Dr A' },
  period: { start: FORMED },
};
export const NURSE_PARTICIPANT: CareTeamParticipant = {
  id: 'm-idel',
  role: roleOf('nurse', 'IDEL'),
  member: { type: 'Practitioner', identifier: { system: IDNPS, value: '860000000001' }, display: 'N1' },
  period: { start: FORMED },
};
export const CAREGIVER_PARTICIPANT: CareTeamParticipant = {
  id: 'm-aidant',
  role: roleOf('caregiver', 'Aidant'),
  member: {
    extension: [
      {
        url: CARE_TEAM_EXTENSIONS.relationship,
        valueCodeableConcept: { coding: [{ system: ROLE_CODE, code: 'DAU' }] },
      },
    ],
    type: 'RelatedPerson',
    display: 'Marie Martin',
  },
  period: { start: FORMED },
};
/** A pharmacist (by RPPS), as a participant to add. */
export const PHARMACIST_PARTICIPANT: CareTeamParticipant = {
  role: roleOf('pharmacist'),
  member: { type: 'Practitioner', identifier: { system: RPPS, value: '10001234567' }, display: 'Ph' },
};

/** The PPCS care team of M. X, as the coordinator's tool POSTs it (ids chosen by the client). */
export function careTeamBody(overrides: Partial<CareTeam> = {}): CareTeam {
  return {
    resourceType: 'CareTeam',
    extension: [
      {
        url: CARE_TEAM_EXTENSIONS.carePlan,
        valueReference: { reference: 'CarePlan/ppcs-1', type: 'CarePlan' },
      },
    ],
    status: 'active',
    category: [
      {
        coding: [
          {
            system: 'http://loinc.org',
            code: 'LA28865-6',
            display: 'Longitudinal care-coordination focused care team',
          },
        ],
      },
    ],
    name: 'Équipe de M. X',
    subject: SUBJECT,
    participant: [COORDINATOR_PARTICIPANT, GP_PARTICIPANT, NURSE_PARTICIPANT, CAREGIVER_PARTICIPANT],
    managingOrganization: [DAC_REFERENCE],
    ...overrides,
  };
}

export const validator = createResourceValidator({ types: ['CareTeam', 'Goal'] });

/** Asserts the resource is valid FHIR R4 (the validator's issues in the failure message). */
export function expectValidR4(resource: { resourceType: string }): void {
  const result = validator.validate(resource, { type: resource.resourceType });
  expect(result.ok ? [] : result.issues).toEqual([]);
}

/** The issues of the ValidationError `act` throws. */
export function validationIssues(act: () => unknown): { path: string; message: string }[] {
  try {
    act();
  } catch (error) {
    if (error instanceof ValidationError) return [...error.issues];
    throw error;
  }
  throw new Error('expected a ValidationError');
}

/** The rule and message of the BusinessRuleError `act` throws. */
export function businessRule(act: () => unknown): { rule: string; message: string } {
  try {
    act();
  } catch (error) {
    if (error instanceof BusinessRuleError) return { rule: error.rule, message: error.message };
    throw error;
  }
  throw new Error('expected a BusinessRuleError');
}

/** The resource without the server-owned elements (id, meta, extensions). */
export function withoutServerOwned<T extends object>(resource: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(resource).filter(([key]) => !['id', 'meta', 'extension'].includes(key)),
  ) as Partial<T>;
}
