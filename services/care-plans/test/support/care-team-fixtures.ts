// Actors, parties and histories shared by the CareTeam decider tests.
import type { PatientActor, ProfessionalActor, SystemActor } from '@carenet/access';
import { fold } from '@carenet/eventsourcing';
import {
  CARE_TEAM_ROLE_SYSTEM,
  careTeamDecider,
  type CareTeamCodeableConcept,
  type CareTeamCommand,
  type CareTeamDetails,
  type CareTeamEvent,
  type CareTeamMember,
  type CareTeamParty,
  type ExistingCareTeam,
  type FormCareTeam,
} from '../../src/care-team/index.js';

export const IDNPS = 'urn:oid:1.2.250.1.71.4.2.1';
export const FINESS = 'https://finess.esante.gouv.fr';
const PROFESSION = 'https://mos.esante.gouv.fr/NOS/TRE_G15-ProfessionSante/FHIR/TRE-G15-ProfessionSante';

function professional(value: string, code: string, name: string, organization?: string): ProfessionalActor {
  return {
    kind: 'professional',
    identifier: { system: IDNPS, value },
    profession: { system: PROFESSION, code },
    sector: 'primary-care',
    name,
    ...(organization === undefined ? {} : { organization: { system: FINESS, value: organization } }),
  };
}

/** DAC coordinator C (the référent). */
export const COORDINATOR = professional('870000000001', '60', 'C', '330000099');
/** Another professional of the DAC. */
export const DAC_COLLEAGUE = professional('870000000002', '60', 'D', '330000099');
export const GP = professional('810000000001', '10', 'Dr A');
export const NURSE = professional('860000000001', '60', 'N1');
export const NURSE_2 = professional('860000000002', '60', 'N2');
export const PHARMACIST = professional('821000000001', '21', 'Ph');
export const EHR: SystemActor = { kind: 'system', clientId: 'ehr-msp' };
export const PATIENT_ACTOR: PatientActor = {
  kind: 'patient',
  identifier: { system: 'urn:oid:1.2.250.1.213.1.4.8', value: '279035121518989' },
};

export const PATIENT = { system: 'urn:oid:1.2.250.1.213.1.4.8', value: '279035121518989' };
export const OTHER_PATIENT = { system: 'urn:oid:1.2.250.1.213.1.4.8', value: '180000000000001' };

export function party(actor: ProfessionalActor): CareTeamParty {
  return {
    kind: 'professional',
    identifier: actor.identifier,
    ...(actor.name === undefined ? {} : { display: actor.name }),
  };
}
export const DAC: CareTeamParty = {
  kind: 'organization',
  identifier: { system: FINESS, value: '330000099' },
  display: 'DAC 33',
};
export const CAREGIVER: CareTeamParty = {
  kind: 'related-person',
  display: 'Marie Martin',
  relationship: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-RoleCode', code: 'DAU' }] },
};

export function role(code: string, display?: string): CareTeamCodeableConcept {
  return { coding: [{ system: CARE_TEAM_ROLE_SYSTEM, code, ...(display === undefined ? {} : { display }) }] };
}
export const COORDINATOR_ROLE = role('coordinator', 'Référent');
export const GP_ROLE = role('attending-physician', 'Médecin traitant');
export const NURSE_ROLE = role('nurse', 'IDEL');
export const PHARMACIST_ROLE = role('pharmacist');
export const CAREGIVER_ROLE = role('caregiver', 'Aidant');
export const TRUSTED_ROLE = role('trusted-person');

export const TEAM_ID = 'team-1';
export const FORMED = '2026-05-20T08:00:00.000Z';
export const LATER = '2026-05-21T08:00:00.000Z';
export const LATEST = '2026-06-01T08:00:00.000Z';

export const DETAILS: CareTeamDetails = {
  name: 'Équipe de M. X',
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
  managingOrganizations: [{ identifier: { system: FINESS, value: '330000099' }, display: 'DAC 33' }],
  carePlanId: 'ppcs-1',
};

export const COORDINATOR_MEMBER: CareTeamMember = {
  memberId: 'm-coord',
  member: party(COORDINATOR),
  role: COORDINATOR_ROLE,
  period: { start: FORMED },
  onBehalfOf: { identifier: { system: FINESS, value: '330000099' }, display: 'DAC 33' },
};
export const GP_MEMBER: CareTeamMember = {
  memberId: 'm-gp',
  member: party(GP),
  role: GP_ROLE,
  period: { start: FORMED },
};
export const NURSE_MEMBER: CareTeamMember = {
  memberId: 'm-idel',
  member: party(NURSE),
  role: NURSE_ROLE,
  period: { start: FORMED },
};
export const CAREGIVER_MEMBER: CareTeamMember = {
  memberId: 'm-aidant',
  member: CAREGIVER,
  role: CAREGIVER_ROLE,
  period: { start: FORMED },
};

export function formCareTeam(overrides: Partial<FormCareTeam> = {}): FormCareTeam {
  return {
    type: 'FormCareTeam',
    careTeamId: TEAM_ID,
    actor: COORDINATOR,
    now: FORMED,
    status: 'active',
    subject: PATIENT,
    details: DETAILS,
    participants: [COORDINATOR_MEMBER, GP_MEMBER, NURSE_MEMBER, CAREGIVER_MEMBER],
    ...overrides,
  };
}

/** The events of running commands in order from an empty stream (or after `given`). */
export function run(
  commands: readonly CareTeamCommand[],
  given: readonly CareTeamEvent[] = [],
): CareTeamEvent[] {
  const events = [...given];
  for (const command of commands)
    events.push(...careTeamDecider.decide(command, fold(careTeamDecider, events)));
  return events;
}

/** The events a command adds after `given`. */
export function next(command: CareTeamCommand, given: readonly CareTeamEvent[]): CareTeamEvent[] {
  return run([command], given).slice(given.length);
}

export function stateOf(events: readonly CareTeamEvent[]): ExistingCareTeam {
  const state = fold(careTeamDecider, events);
  if (!state.exists) throw new TypeError('no care team');
  return state;
}

/** The team formed by the coordinator, active, with coordinator, GP, IDEL and caregiver. */
export function formedTeam(overrides: Partial<FormCareTeam> = {}): CareTeamEvent[] {
  return run([formCareTeam(overrides)]);
}

/** The PUT of the team as it stands (participants as recorded), to be modified by a test. */
export function revisionOf(
  events: readonly CareTeamEvent[],
  now = LATER,
): Extract<CareTeamCommand, { type: 'ReviseCareTeam' }> {
  const team = stateOf(events);
  return {
    type: 'ReviseCareTeam',
    actor: COORDINATOR,
    now,
    subject: team.subject,
    status: team.status,
    details: {
      category: team.category,
      managingOrganizations: team.managingOrganizations,
      ...(team.name === undefined ? {} : { name: team.name }),
      ...(team.carePlanId === undefined ? {} : { carePlanId: team.carePlanId }),
    },
    participants: team.members.map((m) => ({ ...m })),
  };
}
