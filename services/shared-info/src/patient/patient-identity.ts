import { BusinessRuleError } from '@carenet/eventsourcing';
import type { PatientIdentity } from './patient-content.js';
import { PATIENT_RULES } from './patient-rules.js';

/** INS-NIR: the national health identifier, usable only on a qualified identity. */
export const INS_NIR_SYSTEM = 'urn:oid:1.2.250.1.213.1.4.8';
/** The INS systems: NIR, NIA (`.9`), and the test (`.10`) and demo (`.11`) INS. */
export const INS_SYSTEMS: readonly string[] = [
  INS_NIR_SYSTEM,
  'urn:oid:1.2.250.1.213.1.4.9',
  'urn:oid:1.2.250.1.213.1.4.10',
  'urn:oid:1.2.250.1.213.1.4.11',
];
/** The Québec health-card number (NAM). */
export const NAM_SYSTEM = 'https://fhir.infoway-inforoute.ca/NamingSystem/ca-qc-patient-healthcare-id';

/** The identifiers that name one person in the whole network (one patient each): INS and NAM. */
export const NETWORK_IDENTIFIER_SYSTEMS: readonly string[] = [...INS_SYSTEMS, NAM_SYSTEM];

/** The national identifiers of an identity (INS, NAM), as system and value. */
export function networkIdentifiers(
  identity: Pick<PatientIdentity, 'identifiers'>,
): { system: string; value: string }[] {
  return identity.identifiers.flatMap((identifier) =>
    identifier.system !== undefined &&
    identifier.value !== undefined &&
    NETWORK_IDENTIFIER_SYSTEMS.includes(identifier.system)
      ? [{ system: identifier.system, value: identifier.value }]
      : [],
  );
}

/**
 * The INS rules of an identity (RNIV, FR Core `fr-core-patient-ins`):
 * - an INS-NIR is carried by a qualified identity only;
 * - a qualified identity carries its INS (NIR, or a test or demo INS);
 * - one person has one INS-NIR.
 */
export function requireIdentityRules(identity: PatientIdentity): void {
  const nirs = new Set(
    identity.identifiers.filter((i) => i.system === INS_NIR_SYSTEM).map((i) => i.value ?? ''),
  );
  if (nirs.size > 0 && identity.identityStatus !== 'qualified') {
    throw new BusinessRuleError(
      PATIENT_RULES.insNirRequiresQualifiedIdentity,
      `an INS-NIR (${INS_NIR_SYSTEM}) is carried by a qualified identity only, not a ${identity.identityStatus ?? 'without reliability stated'} one (RNIV): qualify the identity or leave the INS out`,
    );
  }
  if (nirs.size > 1) {
    throw new BusinessRuleError(PATIENT_RULES.oneInsNir, 'a person has one INS-NIR, not several');
  }
  const hasIns = identity.identifiers.some((i) => i.system !== undefined && INS_SYSTEMS.includes(i.system));
  if (identity.identityStatus === 'qualified' && !hasIns) {
    throw new BusinessRuleError(
      PATIENT_RULES.qualifiedIdentityRequiresIns,
      'a qualified identity carries its INS (Patient.identifier with system urn:oid:1.2.250.1.213.1.4.8)',
    );
  }
}
