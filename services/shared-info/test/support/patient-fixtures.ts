// Patients shared by the Patient decider and mapping tests.
import { fold } from '@carenet/eventsourcing';
import {
  patientDecider,
  type ExistingPatient,
  type PatientCommand,
  type PatientContent,
  type PatientEvent,
  type RegisterPatient,
  type RevisePatient,
} from '../../src/patient/index.js';
import { COORDINATOR, GP, INS_NIR, IPP, REGISTERED } from './actors.js';

export const PATIENT_ID = 'patient-1';
const RELIABILITY = 'https://hl7.fr/ig/fhir/core/StructureDefinition/fr-core-identity-reliability';

export function reliability(code: 'PROV' | 'RECUP' | 'VALI' | 'QUAL') {
  return {
    url: RELIABILITY,
    extension: [
      {
        url: 'identityStatus',
        valueCoding: { system: 'https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-v2-0445', code },
      },
    ],
  };
}

/** Yvonne Martin, qualified identity with her INS-NIR, Dr B as médecin traitant. */
export const CONTENT: PatientContent = {
  identifiers: [
    { use: 'official', system: INS_NIR, value: '279035121518989' },
    { system: IPP, value: 'IPP-42' },
  ],
  identityStatus: 'qualified',
  identityReliability: reliability('QUAL'),
  active: true,
  names: [{ use: 'official', family: 'Martin', given: ['Yvonne', 'Marie'] }],
  telecom: [{ system: 'phone', value: '+33 5 56 00 00 00' }],
  gender: 'female',
  birthDate: '1979-03-12',
  addresses: [{ line: ['1 rue de la Paix'], city: 'Bordeaux', postalCode: '33000', country: 'FR' }],
  contacts: [{ relationship: [{ text: 'daughter' }], name: { family: 'Martin', given: ['Léa'] } }],
  links: [],
  generalPractitioner: [
    { type: 'Practitioner', identifier: { system: GP.identifier.system, value: GP.identifier.value } },
  ],
};

export function register(
  overrides: Partial<RegisterPatient> = {},
  content: Partial<PatientContent> = {},
): RegisterPatient {
  return {
    type: 'RegisterPatient',
    patientId: PATIENT_ID,
    actor: COORDINATOR,
    now: REGISTERED,
    patient: { ...CONTENT, ...content },
    ...overrides,
  };
}

export function run(
  commands: readonly PatientCommand[],
  given: readonly PatientEvent[] = [],
): PatientEvent[] {
  const events = [...given];
  for (const command of commands)
    events.push(...patientDecider.decide(command, fold(patientDecider, events)));
  return events;
}

export function stateOf(events: readonly PatientEvent[]): ExistingPatient {
  const state = fold(patientDecider, events);
  if (!state.exists) throw new TypeError('no patient');
  return state;
}

/** The PUT of the patient as it stands (then changed by the test). */
export function revisionOf(events: readonly PatientEvent[], now: string): RevisePatient {
  const p = stateOf(events);
  return {
    type: 'RevisePatient',
    actor: COORDINATOR,
    now,
    identity: {
      identifiers: p.identifiers,
      ...(p.identityStatus === undefined ? {} : { identityStatus: p.identityStatus }),
      ...(p.identityReliability === undefined ? {} : { identityReliability: p.identityReliability }),
    },
    demographics: {
      ...(p.active === undefined ? {} : { active: p.active }),
      names: p.names,
      telecom: p.telecom,
      ...(p.gender === undefined ? {} : { gender: p.gender }),
      ...(p.birthDate === undefined ? {} : { birthDate: p.birthDate }),
      addresses: p.addresses,
      contacts: p.contacts,
      links: p.links,
      ...(p.kept === undefined ? {} : { kept: p.kept }),
    },
    generalPractitioner: p.generalPractitioner,
  };
}
