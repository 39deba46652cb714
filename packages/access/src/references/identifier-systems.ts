import { CLIENT_ID_SYSTEM, type PartyKind } from '../party.js';

/** National identifier systems (DOMAIN.md §5, DESIGN.md §5). */
export const IDENTIFIER_SYSTEMS = {
  /** INS-NIR; NIA, test and demo INS are `.9`, `.10`, `.11`. */
  ins: 'urn:oid:1.2.250.1.213.1.4.8',
  /** Québec health-card number (NAM). */
  nam: 'https://fhir.infoway-inforoute.ca/NamingSystem/ca-qc-patient-healthcare-id',
  idnps: 'urn:oid:1.2.250.1.71.4.2.1',
  rpps: 'https://rpps.esante.gouv.fr',
  finess: 'https://finess.esante.gouv.fr',
  idnst: 'urn:oid:1.2.250.1.71.4.2.2',
  clientId: CLIENT_ID_SYSTEM,
} as const;

/** The systems a patient (`Task.for`, `CarePlan.subject`…) is identified by. */
export const PATIENT_SYSTEMS: readonly string[] = [
  IDENTIFIER_SYSTEMS.ins,
  'urn:oid:1.2.250.1.213.1.4.9',
  'urn:oid:1.2.250.1.213.1.4.10',
  'urn:oid:1.2.250.1.213.1.4.11',
  IDENTIFIER_SYSTEMS.nam,
];

/** The kind of party each accepted identifier system names. */
export const PARTY_SYSTEMS: Readonly<Record<string, PartyKind>> = {
  [IDENTIFIER_SYSTEMS.idnps]: 'professional',
  [IDENTIFIER_SYSTEMS.rpps]: 'professional',
  [IDENTIFIER_SYSTEMS.finess]: 'organization',
  [IDENTIFIER_SYSTEMS.idnst]: 'organization',
  [IDENTIFIER_SYSTEMS.clientId]: 'system',
};

/** The FHIR resource type a party kind is referenced as. */
export const PARTY_RESOURCE_TYPES: Readonly<Record<PartyKind, string>> = {
  professional: 'Practitioner',
  organization: 'Organization',
  system: 'Device',
};
