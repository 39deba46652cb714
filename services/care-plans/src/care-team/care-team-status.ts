/** `CareTeam.status` (R4 care-team-status). */
export type CareTeamStatus = 'proposed' | 'active' | 'suspended' | 'inactive' | 'entered-in-error';

export const CARE_TEAM_STATUSES: readonly CareTeamStatus[] = [
  'proposed',
  'active',
  'suspended',
  'inactive',
  'entered-in-error',
];

/** A team is formed proposed (being assembled) or active. */
export type InitialCareTeamStatus = 'proposed' | 'active';
export const INITIAL_CARE_TEAM_STATUSES: readonly InitialCareTeamStatus[] = ['proposed', 'active'];

/**
 * The transitions allowed (R4 definitions of care-team-status):
 * - proposed → active (the team starts), inactive (abandoned before it started);
 * - active ⇄ suspended (temporarily not operating);
 * - active | suspended → inactive (no longer in use: terminal but for entered-in-error);
 * - any status → entered-in-error (the team should never have existed): terminal.
 */
export const CARE_TEAM_TRANSITIONS: Readonly<Record<CareTeamStatus, readonly CareTeamStatus[]>> = {
  proposed: ['active', 'inactive', 'entered-in-error'],
  active: ['suspended', 'inactive', 'entered-in-error'],
  suspended: ['active', 'inactive', 'entered-in-error'],
  inactive: ['entered-in-error'],
  'entered-in-error': [],
};

export function canMove(from: CareTeamStatus, to: CareTeamStatus): boolean {
  return CARE_TEAM_TRANSITIONS[from].includes(to);
}
