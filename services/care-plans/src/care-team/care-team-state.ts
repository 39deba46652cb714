import type { Actor } from '@carenet/access';
import type { CareTeamContent, CareTeamMember } from './care-team-content.js';
import type { Plain } from '@carenet/eventsourcing';

export interface NoCareTeam {
  readonly exists: false;
}

export type ExistingCareTeam = CareTeamContent & {
  readonly exists: true;
  readonly id: string;
  /** The memberships in the team, current and ended, in the order they were added (removed ones excluded). */
  readonly members: readonly CareTeamMember[];
  /** Ids of removed memberships: never reused. */
  readonly removedMemberIds: readonly string[];
  readonly lastModified: string;
  readonly lastModifiedBy: Plain<Actor>;
};

export type CareTeamState = NoCareTeam | ExistingCareTeam;

export function initialState(): CareTeamState {
  return { exists: false };
}
