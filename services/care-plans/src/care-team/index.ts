export type * from './care-team-commands.js';
export {
  CARE_TEAM_DETAIL_KEYS,
  type CareTeamContent,
  type CareTeamDetails,
  type CareTeamMember,
  type CareTeamMemberInput,
} from './care-team-content.js';
export { careTeamDecider } from './care-team-decider.js';
export {
  CARE_TEAM_EVENT_TYPES,
  CARE_TEAM_MEMBERSHIP_EVENT_TYPES,
  statusEventType,
  type CareTeamEventType,
} from './care-team-events.js';
export type * from './care-team-events.js';
export {
  actsAs,
  sameParty,
  type CareTeamParty,
  type CareTeamPartyKind,
  type IdentifiedParty,
  type PartyIdentifier,
  type RelatedPersonParty,
} from './care-team-party.js';
export { coordinatorsAt } from './care-team-permissions.js';
export {
  CARE_TEAM_ROLE_SYSTEM,
  CARE_TEAM_ROLES,
  hasRole,
  isCoordinatorRole,
  sameRole,
  type CareTeamRoleCode,
} from './care-team-roles.js';
export { CARE_TEAM_RULES, type CareTeamRule } from './care-team-rules.js';
export {
  initialState,
  type CareTeamState,
  type ExistingCareTeam,
  type NoCareTeam,
} from './care-team-state.js';
export {
  canMove,
  CARE_TEAM_STATUSES,
  CARE_TEAM_TRANSITIONS,
  INITIAL_CARE_TEAM_STATUSES,
  type CareTeamStatus,
  type InitialCareTeamStatus,
} from './care-team-status.js';
export type {
  CareTeamCodeableConcept,
  CareTeamKeptElements,
  CareTeamPeriod,
  OrganizationReference,
  PatientIdentifier,
} from './care-team-values.js';
export { decide } from './decide.js';
export { evolve } from './evolve.js';
export { duplicates, memberAt, periodCovers, periodsOverlap } from './membership.js';
export type { Plain } from '@carenet/eventsourcing';
