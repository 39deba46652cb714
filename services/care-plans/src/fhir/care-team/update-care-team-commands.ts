import type { Actor } from '@carenet/access';
import { jsonEqual, ValidationIssues } from '@carenet/eventsourcing';
import type { CareTeam } from 'fhir/r4.js';
import {
  CARE_TEAM_DETAIL_KEYS,
  type CareTeamCommand,
  type ExistingCareTeam,
  type ReviseCareTeam,
} from '../../care-team/index.js';
import { careTeamOfResource, withMemberIds } from './care-team-of-resource.js';

/** Whether the revision states the team exactly as it is (then it is no command). */
function unchanged(team: ExistingCareTeam, revision: ReviseCareTeam): boolean {
  return (
    jsonEqual(team.subject, revision.subject) &&
    team.status === revision.status &&
    CARE_TEAM_DETAIL_KEYS.every((key) => jsonEqual(team[key], revision.details[key])) &&
    team.members.length === revision.participants.length &&
    revision.participants.every((input) => {
      const member = team.members.find((m) => m.memberId === input.memberId);
      return (
        member !== undefined &&
        jsonEqual(member.member, input.member) &&
        jsonEqual(member.role, input.role) &&
        jsonEqual(member.onBehalfOf, input.onBehalfOf) &&
        jsonEqual(member.period, { start: member.period.start, ...input.period })
      );
    })
  );
}

/**
 * The commands a PUT of a CareTeam stands for, against its current state: one ReviseCareTeam
 * (PUT semantics, the full new team), which the decider turns into one event per fact: details
 * changed, status changed, and per membership (matched by `participant.id` = memberId):
 * - a participant whose id is not in the team, or without id, is a new member (an id-less one
 *   gets the next free id `m<n>`; an id of a removed member is refused: never reused);
 * - a member whose participant is gone is removed ("removed by an update");
 * - a `period.end` set or moved earlier ends the membership; a new `role[0]` changes the role;
 *   a changed member, start or onBehalfOf is refused (end it and add another).
 * `status` absent means unchanged (the domain has no team without a status). The same reading
 * as on create (see formCareTeamCommand); server-owned and unmodelled elements are ignored.
 * The team stated exactly as it is → `[]`. The decider checks the rules and who may do each.
 */
export function updateCareTeamCommands(
  state: ExistingCareTeam,
  resource: CareTeam,
  input: { readonly actor: Actor; readonly now: string },
): CareTeamCommand[] {
  const issues = new ValidationIssues();
  const { status, subject, details, participants } = careTeamOfResource(resource, issues);
  issues.throwIfAny();
  if (subject === undefined || details === undefined || participants === undefined) return issues.fail();
  const revision: ReviseCareTeam = {
    type: 'ReviseCareTeam',
    actor: input.actor,
    now: input.now,
    subject,
    status: status ?? state.status,
    details,
    participants: withMemberIds(participants, [
      ...state.members.map((member) => member.memberId),
      ...state.removedMemberIds,
    ]),
  };
  return unchanged(state, revision) ? [] : [revision];
}
