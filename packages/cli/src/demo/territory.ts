// The demo territory (issue 16): a French territorial care network, as plain data. A hospital of a
// GHT discharges patients to a primary-care team (an MSP with a GP and two private-practice nurses),
// a pharmacy, a home-care service (SSIAD) and the coordination support (DAC) of the territory;
// five patients followed with PPCS in several states, their care teams, goals, consents and Tasks.
// People and structures are named by their national identifiers (DESIGN.md §5): INS for patients,
// RPPS for physicians and pharmacists, IDNPS for nurses, FINESS for structures. Every name and
// number is made up. Dates are relative to the day of the load, so the territory is never stale.
import {
  FINESS,
  IDNPS,
  INS_NIR,
  PROFESSION_SANTE,
  RPPS,
  type ActorIdentifier,
  type ProfessionalActor,
} from '@carenet/access';
import { carenetNamingSystem } from '@carenet/fhir';

/** The business identifiers of the demo's resources: what makes a second load find the first one's. */
export const DEMO_IDENTIFIER_SYSTEM: string = carenetNamingSystem('demo-territory');

export interface Structure {
  readonly finess: string;
  readonly name: string;
}

/** The structures of the territory (FINESS numbers are made up). */
export const STRUCTURES = {
  hospital: { finess: '330000101', name: 'Centre hospitalier du Val de Dordogne (GHT Gironde-Est)' },
  msp: { finess: '330000202', name: 'MSP des Tilleuls' },
  pharmacy: { finess: '330000303', name: 'Pharmacie de la Halle' },
  ssiad: { finess: '330000404', name: 'SSIAD du Libournais' },
  dac: { finess: '330000505', name: 'DAC Gironde-Est' },
} as const satisfies Record<string, Structure>;

/** A professional of the territory: who they are for the API (their token's actor) and in words. */
export interface Professional {
  readonly actor: ProfessionalActor & { readonly name: string };
  /** What they do (for the banner). */
  readonly role: string;
  /** Where: the structure they act for (their token's organisation). */
  readonly structure: Structure;
}

function professional(
  identifier: ActorIdentifier,
  name: string,
  profession: { readonly code: string; readonly display: string },
  sector: ProfessionalActor['sector'],
  structure: Structure,
  role: string,
): Professional {
  return {
    actor: {
      kind: 'professional',
      identifier,
      profession: { system: PROFESSION_SANTE, ...profession },
      sector,
      organization: { system: FINESS, value: structure.finess },
      name,
    },
    role,
    structure,
  };
}

const DOCTOR = { code: '10', display: 'Médecin' };
const PHARMACIST = { code: '21', display: 'Pharmacien' };
const NURSE = { code: '60', display: 'Infirmier' };

/** The professionals: physicians and the pharmacist by RPPS, nurses by IDNPS (the README's way). */
export const PROFESSIONALS = {
  gp: professional(
    { system: RPPS, value: '10100000011' },
    'Dr Hélène Marchand',
    DOCTOR,
    'primary-care',
    STRUCTURES.msp,
    'médecin généraliste',
  ),
  nurse: professional(
    { system: IDNPS, value: '810100000021' },
    'Claire Moreau',
    NURSE,
    'primary-care',
    STRUCTURES.msp,
    'infirmière libérale',
  ),
  secondNurse: professional(
    { system: IDNPS, value: '810100000022' },
    'Julien Petit',
    NURSE,
    'primary-care',
    STRUCTURES.msp,
    'infirmier libéral',
  ),
  pharmacist: professional(
    { system: RPPS, value: '10100000031' },
    'Sophie Laurent',
    PHARMACIST,
    'primary-care',
    STRUCTURES.pharmacy,
    'pharmacienne',
  ),
  coordinator: professional(
    { system: IDNPS, value: '810100000041' },
    'Isabelle Fournier',
    NURSE,
    'medico-social',
    STRUCTURES.dac,
    'coordinatrice de parcours',
  ),
  hospitalPhysician: professional(
    { system: RPPS, value: '10100000051' },
    'Dr Karim Benali',
    DOCTOR,
    'hospital',
    STRUCTURES.hospital,
    'gériatre',
  ),
  ssiadNurse: professional(
    { system: IDNPS, value: '810100000061' },
    'Nathalie Roussel',
    NURSE,
    'medico-social',
    STRUCTURES.ssiad,
    'infirmière coordinatrice',
  ),
} as const satisfies Record<string, Professional>;

export interface DemoPatient {
  /** INS-NIR (15 digits, key included); the identity is qualified (INS rules). */
  readonly nir: string;
  readonly family: string;
  readonly given: string;
  readonly gender: 'female' | 'male';
  readonly birthDate: string;
  readonly city: string;
}

/** The patients (NIR made up, with a valid key), all followed by the MSP's GP. */
export const PATIENTS = {
  dubois: {
    nir: '238043324310105',
    family: 'Dubois',
    given: 'Jeanne',
    gender: 'female',
    birthDate: '1938-04-17',
    city: 'Libourne',
  },
  lefevre: {
    nir: '145113324310217',
    family: 'Lefèvre',
    given: 'Marcel',
    gender: 'male',
    birthDate: '1945-11-02',
    city: 'Libourne',
  },
  garnier: {
    nir: '232063324310338',
    family: 'Garnier',
    given: 'Odette',
    gender: 'female',
    birthDate: '1932-06-25',
    city: 'Saint-Émilion',
  },
  bernard: {
    nir: '150013324310495',
    family: 'Bernard',
    given: 'Lucien',
    gender: 'male',
    birthDate: '1950-01-30',
    city: 'Coutras',
  },
  roux: {
    nir: '241093324310531',
    family: 'Roux',
    given: 'Paulette',
    gender: 'female',
    birthDate: '1941-09-08',
    city: 'Libourne',
  },
} as const satisfies Record<string, DemoPatient>;

export type PatientKey = keyof typeof PATIENTS;
export type ProfessionalKey = keyof typeof PROFESSIONALS;

/** FHIR references by national identifier, with display names. */
export const references = {
  patient: (key: PatientKey) => ({
    type: 'Patient',
    identifier: { system: INS_NIR, value: PATIENTS[key].nir },
  }),
  professional: (key: ProfessionalKey) => {
    const { actor } = PROFESSIONALS[key];
    return {
      type: 'Practitioner',
      identifier: { system: actor.identifier.system, value: actor.identifier.value },
      display: actor.name,
    };
  },
  structure: (structure: Structure) => ({
    type: 'Organization',
    identifier: { system: FINESS, value: structure.finess },
    display: structure.name,
  }),
};

/** Days relative to the load: dates (`YYYY-MM-DD`) and instants at a given UTC hour. */
export interface DemoCalendar {
  readonly now: Date;
  /** The date `days` from today (negative: before). */
  readonly day: (days: number) => string;
  /** The instant `days` from today at `hour`:00 UTC. */
  readonly at: (days: number, hour: number) => string;
}

export function demoCalendar(now: Date): DemoCalendar {
  const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const shifted = (days: number, hour = 0) => new Date(midnight + days * 86_400_000 + hour * 3_600_000);
  return {
    now,
    day: (days) => shifted(days).toISOString().slice(0, 10),
    at: (days, hour) => shifted(days, hour).toISOString(),
  };
}
