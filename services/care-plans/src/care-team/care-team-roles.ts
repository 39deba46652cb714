import type { CareTeamCodeableConcept } from './care-team-values.js';

/**
 * The project CodeSystem of care-team roles (`CareTeam.participant.role`). Other codings
 * (SNOMED CT, NOS) may sit beside it; only this one gives rights (the coordinator).
 */
export const CARE_TEAM_ROLE_SYSTEM = 'https://carenet.example.org/fhir/CodeSystem/care-team-role';

export const CARE_TEAM_ROLES = {
  /** Référent / coordonnateur de parcours (DOMAIN.md §3, §5): manages the team. */
  coordinator: 'coordinator',
  /** Gestionnaire de cas. */
  caseManager: 'case-manager',
  /** Médecin traitant. */
  attendingPhysician: 'attending-physician',
  /** IDEL (private-practice nurse). */
  nurse: 'nurse',
  pharmacist: 'pharmacist',
  /** Aidant. */
  caregiver: 'caregiver',
  /** Personne de confiance. */
  trustedPerson: 'trusted-person',
} as const;

export type CareTeamRoleCode = (typeof CARE_TEAM_ROLES)[keyof typeof CARE_TEAM_ROLES];

/** Whether the role carries the project coding `code`. */
export function hasRole(role: CareTeamCodeableConcept, code: CareTeamRoleCode): boolean {
  return (role.coding ?? []).some(
    (coding) => coding.system === CARE_TEAM_ROLE_SYSTEM && coding.code === code,
  );
}

/** Whether the role is the coordinator / référent (the one who manages the team). */
export function isCoordinatorRole(role: CareTeamCodeableConcept): boolean {
  return hasRole(role, CARE_TEAM_ROLES.coordinator);
}

/**
 * Whether two roles are the same: a coding (system and code) in common, or, when neither has
 * a coding, the same text.
 */
export function sameRole(a: CareTeamCodeableConcept, b: CareTeamCodeableConcept): boolean {
  const codingsA = (a.coding ?? []).filter((c) => c.code !== undefined);
  const codingsB = (b.coding ?? []).filter((c) => c.code !== undefined);
  if (codingsA.length > 0 || codingsB.length > 0) {
    return codingsA.some((x) => codingsB.some((y) => x.system === y.system && x.code === y.code));
  }
  return (a.text ?? '').trim() !== '' && a.text?.trim() === b.text?.trim();
}
