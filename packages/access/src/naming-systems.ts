/**
 * The national naming systems an actor is identified by (DESIGN.md §5). The INS has one OID per
 * kind of identifier: NIR `.8`, NIA `.9` and the test variants `.10` and `.11`.
 */
export const IDNPS = 'urn:oid:1.2.250.1.71.4.2.1';
export const RPPS = 'https://rpps.esante.gouv.fr';
export const FINESS = 'https://finess.esante.gouv.fr';
export const IDNST = 'urn:oid:1.2.250.1.71.4.2.2';
export const INS_NIR = 'urn:oid:1.2.250.1.213.1.4.8';
export const INS_SYSTEMS: readonly string[] = [
  INS_NIR,
  'urn:oid:1.2.250.1.213.1.4.9',
  'urn:oid:1.2.250.1.213.1.4.10',
  'urn:oid:1.2.250.1.213.1.4.11',
];
export const PROFESSIONAL_SYSTEMS: readonly string[] = [IDNPS, RPPS];
export const ORGANIZATION_SYSTEMS: readonly string[] = [FINESS, IDNST];

/** NOS TRE_G15 ProfessionSante: the profession codes of French health professionals. */
export const PROFESSION_SANTE =
  'https://mos.esante.gouv.fr/NOS/TRE_G15-ProfessionSante/FHIR/TRE-G15-ProfessionSante';
