import type { Actor } from '@carenet/access';
import {
  assertNever,
  BusinessRuleError,
  ValidationError,
  type ValidationIssue,
  jsonEqual,
} from '@carenet/eventsourcing';
import type {
  AddCareTeamMember,
  CareTeamCommand,
  ChangeCareTeamDetails,
  ChangeMemberRole,
  EndCareTeamMembership,
  FormCareTeam,
  RemoveCareTeamMember,
  ReviseCareTeam,
} from './care-team-commands.js';
import {
  CARE_TEAM_DETAIL_KEYS,
  type CareTeamDetails,
  type CareTeamMember,
  type CareTeamMemberInput,
} from './care-team-content.js';
import { statusEventType, type CareTeamEvent, type RemovableCareTeamDetail } from './care-team-events.js';
import { sameParty } from './care-team-party.js';
import { requireCoordinator, requireCoordinatorOrSelf, requireFormer } from './care-team-permissions.js';
import { CARE_TEAM_RULES } from './care-team-rules.js';
import type { CareTeamState, ExistingCareTeam } from './care-team-state.js';
import { canMove, INITIAL_CARE_TEAM_STATUSES, type CareTeamStatus } from './care-team-status.js';
import type {
  CareTeamCodeableConcept,
  OrganizationReference,
  PatientIdentifier,
} from './care-team-values.js';
import { duplicates, instant } from './membership.js';
import { optional } from './optional.js';

interface Issued {
  readonly actor: Actor;
  readonly now: string;
}

/** One business fact about a membership, before it becomes an event. */
type MembershipChange =
  | { readonly kind: 'added'; readonly member: CareTeamMember }
  | { readonly kind: 'removed'; readonly member: CareTeamMember; readonly reason: CareTeamCodeableConcept }
  | { readonly kind: 'ended'; readonly member: CareTeamMember; readonly previousEnd?: string }
  | {
      readonly kind: 'role-changed';
      readonly member: CareTeamMember;
      readonly previousRole: CareTeamCodeableConcept;
    };

const REMOVED_BY_UPDATE: CareTeamCodeableConcept = { text: 'removed by an update of the CareTeam' };

// ---------------------------------------------------------------------------------------------
// Input checks

function isInstant(value: string): boolean {
  return !Number.isNaN(instant(value));
}

function inputIssues(inputs: readonly CareTeamMemberInput[], path: string): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const seen = new Set<string>();
  inputs.forEach((input, i) => {
    const at = `${path}[${i}]`;
    if (input.memberId.trim() === '')
      issues.push({ path: `${at}.id`, message: 'a participant needs a stable id' });
    else if (seen.has(input.memberId))
      issues.push({ path: `${at}.id`, message: `participant id ${input.memberId} appears twice` });
    seen.add(input.memberId);
    const member = input.member;
    if (member.kind === 'related-person' && member.display.trim() === '')
      issues.push({ path: `${at}.member.display`, message: 'a related person is named' });
    if (
      member.kind !== 'related-person' &&
      (member.identifier.system === '' || member.identifier.value === '')
    )
      issues.push({
        path: `${at}.member.identifier`,
        message: 'a professional or organisation is identified',
      });
    for (const bound of ['start', 'end'] as const) {
      const value = input.period?.[bound];
      if (value !== undefined && !isInstant(value))
        issues.push({ path: `${at}.period.${bound}`, message: `not a dateTime: ${value}` });
    }
  });
  return issues;
}

function requireValidInputs(inputs: readonly CareTeamMemberInput[], path = 'CareTeam.participant'): void {
  const issues = inputIssues(inputs, path);
  if (issues.length > 0) throw new ValidationError(issues);
}

function requireValidInstant(value: string, path: string): void {
  if (!isInstant(value)) throw new ValidationError([{ path, message: `not a dateTime: ${value}` }]);
}

function requirePeriod(member: CareTeamMember): void {
  const { start, end } = member.period;
  if (end !== undefined && instant(end) < instant(start)) {
    throw new BusinessRuleError(
      CARE_TEAM_RULES.periodInvalid,
      `membership ${member.memberId} ends (${end}) before it starts (${start})`,
    );
  }
}

/** The membership an input records: its start defaults to `now`. */
function membershipOf(input: CareTeamMemberInput, now: string): CareTeamMember {
  const member: CareTeamMember = {
    memberId: input.memberId,
    member: input.member,
    role: input.role,
    period: { start: input.period?.start ?? now, ...optional('end', input.period?.end) },
    ...optional('onBehalfOf', input.onBehalfOf),
  };
  requirePeriod(member);
  return member;
}

function requireNoDuplicates(members: readonly CareTeamMember[]): void {
  members.forEach((a, i) => {
    const b = members.slice(i + 1).find((other) => duplicates(a, other));
    if (b !== undefined) {
      throw new BusinessRuleError(
        CARE_TEAM_RULES.duplicateMember,
        `memberships ${a.memberId} and ${b.memberId} name the same party in the same role over overlapping periods`,
      );
    }
  });
}

function hasContent(reason: CareTeamCodeableConcept | undefined): reason is CareTeamCodeableConcept {
  return reason !== undefined && ((reason.text ?? '').trim() !== '' || (reason.coding?.length ?? 0) > 0);
}

function sameOrganization(
  a: OrganizationReference | undefined,
  b: OrganizationReference | undefined,
): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.identifier.system === b.identifier.system && a.identifier.value === b.identifier.value;
}

function samePatient(a: PatientIdentifier, b: PatientIdentifier): boolean {
  return a.system === b.system && a.value === b.value;
}

// ---------------------------------------------------------------------------------------------
// Changes to an existing membership

function findMember(team: ExistingCareTeam, memberId: string): CareTeamMember {
  const member = team.members.find((m) => m.memberId === memberId);
  if (member === undefined) {
    throw new BusinessRuleError(
      CARE_TEAM_RULES.unknownMember,
      `care team ${team.id} has no member ${memberId}${team.removedMemberIds.includes(memberId) ? ' (removed)' : ''}`,
    );
  }
  return member;
}

/** The end change that bringing the end to `end` means: none, an end, or a refused extension. */
function endChange(member: CareTeamMember, end: string | undefined): MembershipChange[] {
  const current = member.period.end;
  if (end === undefined) {
    if (current === undefined) return [];
    throw new BusinessRuleError(
      CARE_TEAM_RULES.membershipExtended,
      `membership ${member.memberId} ended ${current}: its end is not lifted (add a new membership)`,
    );
  }
  if (current !== undefined && instant(end) === instant(current)) return [];
  if (current !== undefined && instant(end) > instant(current)) {
    throw new BusinessRuleError(
      CARE_TEAM_RULES.membershipExtended,
      `membership ${member.memberId} ends ${current}: it is not extended to ${end} (add a new membership)`,
    );
  }
  const ended: CareTeamMember = { ...member, period: { ...member.period, end } };
  requirePeriod(ended);
  return [{ kind: 'ended', member: ended, ...optional('previousEnd', current) }];
}

function roleChange(member: CareTeamMember, role: CareTeamCodeableConcept): MembershipChange[] {
  if (jsonEqual(member.role, role)) return [];
  return [{ kind: 'role-changed', member: { ...member, role }, previousRole: member.role }];
}

/** What an input of a PUT means for the membership of the same id. */
function revisedMembership(member: CareTeamMember, input: CareTeamMemberInput): MembershipChange[] {
  const start = input.period?.start;
  const moved = !sameParty(member.member, input.member)
    ? 'member'
    : start !== undefined && instant(start) !== instant(member.period.start)
      ? 'period.start'
      : !sameOrganization(member.onBehalfOf, input.onBehalfOf)
        ? 'onBehalfOf'
        : undefined;
  if (moved !== undefined) {
    throw new BusinessRuleError(
      CARE_TEAM_RULES.immutableMembership,
      `the ${moved} of membership ${member.memberId} does not change: end or remove it and add another`,
    );
  }
  const roles = roleChange(member, input.role);
  const withRole = roles[0]?.member ?? member;
  return [...roles, ...endChange(withRole, input.period?.end)];
}

// ---------------------------------------------------------------------------------------------
// From changes to events

function requireMutable(
  team: ExistingCareTeam,
  to: CareTeamStatus,
  changes: readonly MembershipChange[],
): void {
  if (team.status === 'entered-in-error') {
    throw new BusinessRuleError(CARE_TEAM_RULES.enteredInError, `care team ${team.id} is entered-in-error`);
  }
  const growing = changes.find((change) => change.kind === 'added' || change.kind === 'role-changed');
  if (growing !== undefined && (to === 'inactive' || to === 'entered-in-error')) {
    throw new BusinessRuleError(
      CARE_TEAM_RULES.inactive,
      `care team ${team.id} is ${to}: no member is added, no role changes (membership ${growing.member.memberId})`,
    );
  }
}

function requireChangeAllowed(team: ExistingCareTeam, change: MembershipChange, command: Issued): void {
  switch (change.kind) {
    case 'added':
      requireCoordinator(team, command.actor, command.now, 'adds a member');
      return;
    case 'removed':
      requireCoordinator(team, command.actor, command.now, 'removes a member');
      return;
    case 'ended':
      requireCoordinatorOrSelf(team, change.member, command.actor, command.now, 'ends a membership');
      return;
    case 'role-changed': {
      requireCoordinator(team, command.actor, command.now, 'changes a role');
      const end = change.member.period.end;
      if (end !== undefined && instant(end) <= instant(command.now)) {
        throw new BusinessRuleError(
          CARE_TEAM_RULES.membershipOver,
          `membership ${change.member.memberId} ended ${end}: its role no longer changes`,
        );
      }
      return;
    }
    default:
      assertNever(change);
  }
}

/** The team's members after the changes. */
function membersAfter(team: ExistingCareTeam, changes: readonly MembershipChange[]): CareTeamMember[] {
  let members = [...team.members];
  for (const change of changes) {
    if (change.kind === 'added') members.push(change.member);
    else if (change.kind === 'removed')
      members = members.filter((m) => m.memberId !== change.member.memberId);
    else members = members.map((m) => (m.memberId === change.member.memberId ? change.member : m));
  }
  return members;
}

function membershipEvent(
  careTeamId: string,
  patient: PatientIdentifier,
  change: MembershipChange,
  command: Issued,
): CareTeamEvent {
  const data = { careTeamId, by: command.actor, at: command.now, patient, ...change.member };
  switch (change.kind) {
    case 'added':
      return { type: 'CareTeamMemberAdded', data };
    case 'removed':
      return { type: 'CareTeamMemberRemoved', data: { ...data, reason: change.reason } };
    case 'ended':
      return {
        type: 'CareTeamMembershipEnded',
        data: { ...data, ...optional('previousEnd', change.previousEnd) },
      };
    case 'role-changed':
      return { type: 'CareTeamMemberRoleChanged', data: { ...data, previousRole: change.previousRole } };
  }
}

function detailsChange(team: ExistingCareTeam, details: CareTeamDetails, command: Issued): CareTeamEvent[] {
  const changed: Partial<Record<keyof CareTeamDetails, unknown>> = {};
  const removed: RemovableCareTeamDetail[] = [];
  for (const key of CARE_TEAM_DETAIL_KEYS) {
    if (key === 'kept') {
      // The elements kept as given are never removed, only changed (to `{}` when none is left).
      if (!jsonEqual(team.kept ?? {}, details.kept ?? {})) changed.kept = details.kept ?? {};
      continue;
    }
    const after = details[key];
    if (jsonEqual(team[key], after)) continue;
    if (after === undefined) removed.push(key);
    else changed[key] = after;
  }
  if (removed.length === 0 && Object.keys(changed).length === 0) return [];
  return [
    {
      type: 'CareTeamDetailsChanged',
      data: {
        careTeamId: team.id,
        by: command.actor,
        at: command.now,
        changed: changed as Partial<CareTeamDetails>,
        removed,
      },
    },
  ];
}

function statusChange(
  team: ExistingCareTeam,
  to: CareTeamStatus | undefined,
  reason: CareTeamCodeableConcept | undefined,
  command: Issued,
): CareTeamEvent[] {
  if (to === undefined || to === team.status) return [];
  if (to === 'proposed' || !canMove(team.status, to)) {
    throw new BusinessRuleError(
      CARE_TEAM_RULES.illegalTransition,
      `a care team cannot go from ${team.status} to ${to} (care-team-status)`,
    );
  }
  return [
    {
      type: statusEventType(to),
      data: {
        careTeamId: team.id,
        by: command.actor,
        at: command.now,
        patient: team.subject,
        previousStatus: team.status,
        ...optional('reason', reason),
      },
    },
  ];
}

/**
 * The events of a change to an existing team: details, then status, then one event per
 * membership fact. Nothing changes: `[]` (whatever the team's status). Else every rule holds.
 */
function changeTeam(
  team: ExistingCareTeam,
  command: Issued,
  change: {
    details?: CareTeamDetails;
    status?: CareTeamStatus;
    reason?: CareTeamCodeableConcept;
    memberships?: readonly MembershipChange[];
  },
): CareTeamEvent[] {
  const memberships = change.memberships ?? [];
  const detailEvents = change.details === undefined ? [] : detailsChange(team, change.details, command);
  const to = change.status ?? team.status;
  if (detailEvents.length === 0 && to === team.status && memberships.length === 0) return [];
  requireMutable(team, to, memberships);
  const statusEvents = statusChange(team, change.status, change.reason, command);
  if (detailEvents.length > 0 || statusEvents.length > 0) {
    requireCoordinator(team, command.actor, command.now, 'changes its details or status');
  }
  for (const membership of memberships) requireChangeAllowed(team, membership, command);
  requireNoDuplicates(membersAfter(team, memberships));
  return [
    ...detailEvents,
    ...statusEvents,
    ...memberships.map((membership) => membershipEvent(team.id, team.subject, membership, command)),
  ];
}

// ---------------------------------------------------------------------------------------------
// Commands

function formCareTeam(command: FormCareTeam, state: CareTeamState): CareTeamEvent[] {
  if (state.exists) {
    throw new BusinessRuleError(CARE_TEAM_RULES.alreadyExists, `care team ${state.id} exists already`);
  }
  if (!(INITIAL_CARE_TEAM_STATUSES as readonly string[]).includes(command.status)) {
    throw new BusinessRuleError(
      CARE_TEAM_RULES.initialStatus,
      `a care team is formed proposed or active, not ${command.status}`,
    );
  }
  requireValidInputs(command.participants);
  const members = command.participants.map((input) => membershipOf(input, command.now));
  requireFormer(members, command.actor);
  requireNoDuplicates(members);
  const fact = { careTeamId: command.careTeamId, by: command.actor, at: command.now };
  return [
    {
      type: 'CareTeamFormed',
      data: { ...fact, careTeam: { ...command.details, status: command.status, subject: command.subject } },
    },
    ...members.map((member) =>
      membershipEvent(command.careTeamId, command.subject, { kind: 'added', member }, command),
    ),
  ];
}

function changeDetails(command: ChangeCareTeamDetails, team: ExistingCareTeam): CareTeamEvent[] {
  return changeTeam(team, command, {
    details: command.details,
    ...optional('status', command.status),
    ...optional('reason', command.reason),
  });
}

function addMember(command: AddCareTeamMember, team: ExistingCareTeam): CareTeamEvent[] {
  requireValidInputs([command.participant]);
  const member = membershipOf(command.participant, command.now);
  const existing = team.members.find((m) => m.memberId === member.memberId);
  if (existing !== undefined) {
    // The same addition again (a retry): nothing new.
    const input = command.participant;
    const same =
      sameParty(existing.member, input.member) &&
      jsonEqual(existing.role, input.role) &&
      sameOrganization(existing.onBehalfOf, input.onBehalfOf) &&
      (input.period?.start === undefined || instant(input.period.start) === instant(existing.period.start)) &&
      jsonEqual(existing.period.end, input.period?.end);
    if (same) return [];
  }
  if (existing !== undefined || team.removedMemberIds.includes(member.memberId)) {
    throw new BusinessRuleError(
      CARE_TEAM_RULES.memberIdInUse,
      `care team ${team.id} already used the member id ${member.memberId}`,
    );
  }
  return changeTeam(team, command, { memberships: [{ kind: 'added', member }] });
}

function removeMember(command: RemoveCareTeamMember, team: ExistingCareTeam): CareTeamEvent[] {
  if (team.removedMemberIds.includes(command.memberId)) return [];
  const member = findMember(team, command.memberId);
  if (!hasContent(command.reason)) {
    throw new BusinessRuleError(CARE_TEAM_RULES.removalReasonRequired, 'a member is removed for a reason');
  }
  return changeTeam(team, command, { memberships: [{ kind: 'removed', member, reason: command.reason }] });
}

function endMembership(command: EndCareTeamMembership, team: ExistingCareTeam): CareTeamEvent[] {
  const end = command.end ?? command.now;
  requireValidInstant(end, 'CareTeam.participant.period.end');
  const member = findMember(team, command.memberId);
  return changeTeam(team, command, { memberships: endChange(member, end) });
}

function changeMemberRole(command: ChangeMemberRole, team: ExistingCareTeam): CareTeamEvent[] {
  const member = findMember(team, command.memberId);
  return changeTeam(team, command, { memberships: roleChange(member, command.role) });
}

function reviseCareTeam(command: ReviseCareTeam, team: ExistingCareTeam): CareTeamEvent[] {
  if (!samePatient(team.subject, command.subject)) {
    throw new BusinessRuleError(
      CARE_TEAM_RULES.immutableSubject,
      `care team ${team.id} is the team of another patient: CareTeam.subject does not change`,
    );
  }
  requireValidInputs(command.participants);
  const memberships: MembershipChange[] = [];
  for (const member of team.members) {
    const input = command.participants.find((p) => p.memberId === member.memberId);
    if (input === undefined)
      memberships.push({ kind: 'removed', member, reason: command.reason ?? REMOVED_BY_UPDATE });
    else memberships.push(...revisedMembership(member, input));
  }
  for (const input of command.participants) {
    if (team.members.some((m) => m.memberId === input.memberId)) continue;
    if (team.removedMemberIds.includes(input.memberId)) {
      throw new BusinessRuleError(
        CARE_TEAM_RULES.memberIdInUse,
        `member ${input.memberId} was removed from care team ${team.id}: its id is not reused`,
      );
    }
    memberships.push({ kind: 'added', member: membershipOf(input, command.now) });
  }
  return changeTeam(team, command, {
    details: command.details,
    status: command.status,
    ...optional('reason', command.reason),
    memberships,
  });
}

/** Decides what a command means for a CareTeam: the events, or a typed error. Pure. */
export function decide(command: CareTeamCommand, state: CareTeamState): CareTeamEvent[] {
  if (command.type === 'FormCareTeam') return formCareTeam(command, state);
  if (!state.exists) throw new BusinessRuleError(CARE_TEAM_RULES.notFormed, 'the care team does not exist');
  switch (command.type) {
    case 'ChangeCareTeamDetails':
      return changeDetails(command, state);
    case 'AddCareTeamMember':
      return addMember(command, state);
    case 'RemoveCareTeamMember':
      return removeMember(command, state);
    case 'EndCareTeamMembership':
      return endMembership(command, state);
    case 'ChangeMemberRole':
      return changeMemberRole(command, state);
    case 'ReviseCareTeam':
      return reviseCareTeam(command, state);
    default:
      return assertNever(command);
  }
}
