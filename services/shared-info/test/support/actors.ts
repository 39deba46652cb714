// Actors and identifiers shared by the shared-information tests.
import type { PatientActor, ProfessionalActor, SystemActor } from '@carenet/access';

export const IDNPS = 'urn:oid:1.2.250.1.71.4.2.1';
export const FINESS = 'https://finess.esante.gouv.fr';
export const INS_NIR = 'urn:oid:1.2.250.1.213.1.4.8';
export const INS_TEST = 'urn:oid:1.2.250.1.213.1.4.10';
export const NAM = 'https://fhir.infoway-inforoute.ca/NamingSystem/ca-qc-patient-healthcare-id';
export const IPP = 'urn:oid:1.2.250.1.999.1';
export const PROFESSION =
  'https://mos.esante.gouv.fr/NOS/TRE_G15-ProfessionSante/FHIR/TRE-G15-ProfessionSante';

function professional(
  value: string,
  code: string,
  name: string,
  sector: ProfessionalActor['sector'],
  organization?: string,
): ProfessionalActor {
  return {
    kind: 'professional',
    identifier: { system: IDNPS, value },
    profession: { system: PROFESSION, code },
    sector,
    name,
    ...(organization === undefined ? {} : { organization: { system: FINESS, value: organization } }),
  };
}

/** DAC coordinator C: informs the patient and records the consents. */
export const COORDINATOR = professional('870000000001', '60', 'C', 'medico-social', '330000099');
/** Dr B, the médecin traitant. */
export const GP = professional('810000000001', '10', 'Dr B', 'primary-care');
/** Social worker S of the département: outside the care team (scenario S3). */
export const SOCIAL_WORKER = professional('880000000001', '80', 'S', 'social', '330000777');
/** Nurse N: a care-team member the patient may object to. */
export const NURSE = professional('860000000001', '60', 'N', 'primary-care');
export const EHR: SystemActor = { kind: 'system', clientId: 'ehr-msp' };

/** Patient Y, by INS-NIR. */
export const PATIENT_INS = { system: INS_NIR, value: '279035121518989' } as const;
export const PATIENT_ACTOR: PatientActor = { kind: 'patient', identifier: PATIENT_INS };
export const OTHER_PATIENT_ACTOR: PatientActor = {
  kind: 'patient',
  identifier: { system: INS_NIR, value: '180012A00100143' },
};

export const REGISTERED = '2026-05-20T08:00:00.000Z';
export const LATER = '2026-05-21T08:00:00.000Z';
export const MUCH_LATER = '2026-06-15T08:00:00.000Z';
