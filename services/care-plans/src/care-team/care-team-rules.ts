/**
 * The stable codes of the CareTeam business rules: the `rule` of each BusinessRuleError (HTTP
 * 422, an OperationOutcome naming the rule). Clients may rely on them; never rename one.
 */
export const CARE_TEAM_RULES = {
  /** FormCareTeam on a team that exists. */
  alreadyExists: 'care-team-already-exists',
  /** Any other command on a team that does not exist. */
  notFormed: 'care-team-not-formed',
  /** A team is formed proposed or active. */
  initialStatus: 'care-team-initial-status',
  /** A status change care-team-status does not allow (see CARE_TEAM_TRANSITIONS). */
  illegalTransition: 'care-team-illegal-transition',
  /** Any change to an entered-in-error team. */
  enteredInError: 'care-team-entered-in-error',
  /** Adding a member to, or changing a role in, an inactive team (ending and removing remain possible). */
  inactive: 'care-team-inactive',
  /** ReviseCareTeam naming another patient: the subject never changes. */
  immutableSubject: 'care-team-immutable-subject',
  /** The same party in the same role over overlapping periods (two memberships). */
  duplicateMember: 'care-team-duplicate-member',
  /** A memberId already used in this team (by a current member, or by a removed one). */
  memberIdInUse: 'care-team-member-id-in-use',
  /** Removing, ending or changing a member that is not in the team (or was removed). */
  unknownMember: 'care-team-unknown-member',
  /** A period that ends before it starts. */
  periodInvalid: 'care-team-period-invalid',
  /** A membership's member, start or onBehalfOf changed: end it (or remove it) and add another. */
  immutableMembership: 'care-team-immutable-membership',
  /** A membership end moved later or cleared: add a new membership instead. */
  membershipExtended: 'care-team-membership-extended',
  /** A role change on a membership that has already ended. */
  membershipOver: 'care-team-membership-over',
  /** A removal without a reason. */
  removalReasonRequired: 'care-team-removal-reason-required',
} as const;

export type CareTeamRule = (typeof CARE_TEAM_RULES)[keyof typeof CARE_TEAM_RULES];
