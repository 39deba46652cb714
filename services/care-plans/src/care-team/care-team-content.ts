import type { CareTeamParty } from './care-team-party.js';
import type { CareTeamStatus } from './care-team-status.js';
import type {
  CareTeamCodeableConcept,
  CareTeamKeptElements,
  CareTeamPeriod,
  OrganizationReference,
  PatientIdentifier,
} from './care-team-values.js';

/** What the team's managers may change at any time (ChangeCareTeamDetails, ReviseCareTeam). */
export type CareTeamDetails = Readonly<{
  name?: string;
  category: CareTeamCodeableConcept[];
  /** `CareTeam.managingOrganization`, by FINESS (or IDNST). */
  managingOrganizations: OrganizationReference[];
  /** The logical id of the CarePlan (PPCS) the team serves, if any. */
  carePlanId?: string;
  /** `CareTeam.period`: when the team is (or was) in place. */
  period?: CareTeamPeriod;
  /**
   * The elements of the CareTeam the domain does not model, as given (`text`, `contained`,
   * `identifier`, `encounter`, `reasonCode`, `telecom`, `note`, other extensions…): changed like
   * the other details (CareTeamDetailsChanged), by the team's managers, at any time.
   */
  kept?: CareTeamKeptElements;
}>;

export const CARE_TEAM_DETAIL_KEYS: readonly (keyof CareTeamDetails)[] = [
  'name',
  'category',
  'managingOrganizations',
  'carePlanId',
  'period',
  'kept',
];

/** Everything a team is formed with, besides its members (they come as CareTeamMemberAdded). */
export type CareTeamContent = CareTeamDetails & {
  readonly status: CareTeamStatus;
  /** `CareTeam.subject`: the patient, by INS. Never changes. */
  readonly subject: PatientIdentifier;
};

/** A participant as a command gives it (`CareTeam.participant`, `id` = `memberId`). */
export type CareTeamMemberInput = Readonly<{
  /** The stable id of this membership (`CareTeam.participant.id`), chosen by the caller. */
  memberId: string;
  member: CareTeamParty;
  role: CareTeamCodeableConcept;
  /** Start defaults to the command's `now` for a new membership. */
  period?: CareTeamPeriod;
  onBehalfOf?: OrganizationReference;
}>;

/** A membership as recorded: one participant, one role, over a period. */
export type CareTeamMember = Readonly<{
  memberId: string;
  member: CareTeamParty;
  role: CareTeamCodeableConcept;
  /** Always has a start; an end once the membership ends (or was added with one). */
  period: CareTeamPeriod & { readonly start: string };
  onBehalfOf?: OrganizationReference;
}>;
