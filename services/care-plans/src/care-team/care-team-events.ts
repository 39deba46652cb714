import type { Actor } from '@carenet/access';
import type { DomainEvent, Plain } from '@carenet/eventsourcing';
import type { CareTeamContent, CareTeamDetails, CareTeamMember } from './care-team-content.js';
import type { CareTeamStatus } from './care-team-status.js';
import type { CareTeamCodeableConcept, PatientIdentifier } from './care-team-values.js';

/** What every CareTeam event records: which team, who did it, when. */
type Fact = Readonly<{
  careTeamId: string;
  /** The actor who issued the command. */
  by: Plain<Actor>;
  /** The instant of the fact (the command's `now`). */
  at: string;
}>;

/**
 * What every membership event carries, self-contained so that the access rules (DOMAIN.md §4)
 * are built on these events alone: the patient, the membership (id, member, role, period,
 * onBehalfOf) as it stands after the fact.
 */
type Membership = Fact & CareTeamMember & { readonly patient: PatientIdentifier };

/** What the status events carry: the patient, the status left, and why. */
type StatusChange = Fact &
  Readonly<{ patient: PatientIdentifier; previousStatus: CareTeamStatus; reason?: CareTeamCodeableConcept }>;

/** The team was formed: its content (members follow, one CareTeamMemberAdded each). */
export type CareTeamFormed = DomainEvent<'CareTeamFormed', Fact & { readonly careTeam: CareTeamContent }>;
/** The details that may be removed (the elements kept as given are replaced, never removed). */
export type RemovableCareTeamDetail = Exclude<keyof CareTeamDetails, 'kept'>;

/**
 * Name, category, managing organisations, care plan, period or the elements kept as given
 * changed: the new values, the elements removed.
 */
export type CareTeamDetailsChanged = DomainEvent<
  'CareTeamDetailsChanged',
  Fact & { readonly changed: Partial<CareTeamDetails>; readonly removed: RemovableCareTeamDetail[] }
>;
/** proposed | suspended → active. */
export type CareTeamActivated = DomainEvent<'CareTeamActivated', StatusChange>;
/** active → suspended. */
export type CareTeamSuspended = DomainEvent<'CareTeamSuspended', StatusChange>;
/** proposed | active | suspended → inactive: the team is no longer in use. */
export type CareTeamDeactivated = DomainEvent<'CareTeamDeactivated', StatusChange>;
/** The team should never have existed: none of its memberships ever counted. */
export type CareTeamEnteredInError = DomainEvent<'CareTeamEnteredInError', StatusChange>;

/** A participant joined the team, in a role, over a period. */
export type CareTeamMemberAdded = DomainEvent<'CareTeamMemberAdded', Membership>;
/** A membership was taken out of the team (not an end: it should not count at all any more). */
export type CareTeamMemberRemoved = DomainEvent<
  'CareTeamMemberRemoved',
  Membership & { readonly reason: CareTeamCodeableConcept }
>;
/** A membership got its end (`period.end`), or an earlier one. */
export type CareTeamMembershipEnded = DomainEvent<
  'CareTeamMembershipEnded',
  Membership & { readonly previousEnd?: string }
>;
/** The member now holds another role in this membership (`role`; before: `previousRole`). */
export type CareTeamMemberRoleChanged = DomainEvent<
  'CareTeamMemberRoleChanged',
  Membership & { readonly previousRole: CareTeamCodeableConcept }
>;

export type CareTeamMembershipEvent =
  CareTeamMemberAdded | CareTeamMemberRemoved | CareTeamMembershipEnded | CareTeamMemberRoleChanged;

export type CareTeamStatusEvent =
  CareTeamActivated | CareTeamSuspended | CareTeamDeactivated | CareTeamEnteredInError;

export type CareTeamEvent =
  CareTeamFormed | CareTeamDetailsChanged | CareTeamStatusEvent | CareTeamMembershipEvent;

export type CareTeamEventType = CareTeamEvent['type'];

/** Every event type, for contract tests and consumers. */
export const CARE_TEAM_EVENT_TYPES: readonly CareTeamEventType[] = [
  'CareTeamFormed',
  'CareTeamDetailsChanged',
  'CareTeamActivated',
  'CareTeamSuspended',
  'CareTeamDeactivated',
  'CareTeamEnteredInError',
  'CareTeamMemberAdded',
  'CareTeamMemberRemoved',
  'CareTeamMembershipEnded',
  'CareTeamMemberRoleChanged',
];

/** The membership events: what the access rules consume. */
export const CARE_TEAM_MEMBERSHIP_EVENT_TYPES: readonly CareTeamMembershipEvent['type'][] = [
  'CareTeamMemberAdded',
  'CareTeamMemberRemoved',
  'CareTeamMembershipEnded',
  'CareTeamMemberRoleChanged',
];

/** The status event a move to `to` records. */
export function statusEventType(to: Exclude<CareTeamStatus, 'proposed'>): CareTeamStatusEvent['type'] {
  switch (to) {
    case 'active':
      return 'CareTeamActivated';
    case 'suspended':
      return 'CareTeamSuspended';
    case 'inactive':
      return 'CareTeamDeactivated';
    case 'entered-in-error':
      return 'CareTeamEnteredInError';
  }
}
