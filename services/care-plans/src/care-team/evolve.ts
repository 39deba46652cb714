import { assertNever } from '@carenet/eventsourcing';
import type { CareTeamDetails, CareTeamMember } from './care-team-content.js';
import type { CareTeamEvent, CareTeamMembershipEvent } from './care-team-events.js';
import type { CareTeamState, ExistingCareTeam } from './care-team-state.js';
import type { CareTeamStatus } from './care-team-status.js';
import { optional } from './optional.js';

/** The membership as an event states it. */
function membershipIn(event: CareTeamMembershipEvent): CareTeamMember {
  const { memberId, member, role, period, onBehalfOf } = event.data;
  return { memberId, member, role, period, ...optional('onBehalfOf', onBehalfOf) };
}

function touched(state: ExistingCareTeam, event: CareTeamEvent): ExistingCareTeam {
  return { ...state, lastModified: event.data.at, lastModifiedBy: event.data.by };
}

function moved(state: ExistingCareTeam, status: CareTeamStatus, event: CareTeamEvent): ExistingCareTeam {
  return { ...touched(state, event), status };
}

function replaced(state: ExistingCareTeam, event: CareTeamMembershipEvent): ExistingCareTeam {
  const member = membershipIn(event);
  return {
    ...touched(state, event),
    members: state.members.map((m) => (m.memberId === member.memberId ? member : m)),
  };
}

function withoutKeys(state: ExistingCareTeam, keys: readonly (keyof CareTeamDetails)[]): ExistingCareTeam {
  return Object.fromEntries(
    Object.entries(state).filter(([key]) => !(keys as readonly string[]).includes(key)),
  ) as ExistingCareTeam;
}

/** Folds one event into the state. Events of a team that does not exist are ignored. */
export function evolve(state: CareTeamState, event: CareTeamEvent): CareTeamState {
  if (event.type === 'CareTeamFormed') {
    return {
      ...event.data.careTeam,
      exists: true,
      id: event.data.careTeamId,
      members: [],
      removedMemberIds: [],
      lastModified: event.data.at,
      lastModifiedBy: event.data.by,
    };
  }
  if (!state.exists) return state;
  switch (event.type) {
    case 'CareTeamDetailsChanged':
      return touched({ ...withoutKeys(state, event.data.removed), ...event.data.changed }, event);
    case 'CareTeamActivated':
      return moved(state, 'active', event);
    case 'CareTeamSuspended':
      return moved(state, 'suspended', event);
    case 'CareTeamDeactivated':
      return moved(state, 'inactive', event);
    case 'CareTeamEnteredInError':
      return moved(state, 'entered-in-error', event);
    case 'CareTeamMemberAdded':
      return { ...touched(state, event), members: [...state.members, membershipIn(event)] };
    case 'CareTeamMemberRemoved':
      return {
        ...touched(state, event),
        members: state.members.filter((m) => m.memberId !== event.data.memberId),
        removedMemberIds: [...state.removedMemberIds, event.data.memberId],
      };
    case 'CareTeamMembershipEnded':
    case 'CareTeamMemberRoleChanged':
      return replaced(state, event);
    default:
      return assertNever(event);
  }
}
