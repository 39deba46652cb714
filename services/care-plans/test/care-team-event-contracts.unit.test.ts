import { describe, expect, it } from '@jest/globals';
import { joinSealed, loadContractRegistry } from '@carenet/contracts';
import { CARE_TEAM_EVENT_TYPES, type CareTeamCommand, type CareTeamEvent } from '../src/care-team/index.js';
import {
  CAREGIVER_MEMBER,
  COORDINATOR,
  DETAILS,
  formCareTeam,
  formedTeam,
  LATER,
  LATEST,
  party,
  PHARMACIST,
  revisionOf,
  run,
  TRUSTED_ROLE,
} from './support/care-team-fixtures.js';

const contracts = loadContractRegistry();

/** Events of every kind, as the decider produces them in the scenarios of the other tests. */
function producedEvents(): CareTeamEvent[] {
  const team = formedTeam();
  const pharmacist = {
    memberId: 'm-ph',
    member: party(PHARMACIST),
    role: { text: 'pharmacien' },
    period: { start: LATER, end: LATEST },
  };
  const status = (to: 'suspended' | 'active' | 'inactive' | 'entered-in-error'): CareTeamCommand => ({
    type: 'ChangeCareTeamDetails',
    actor: COORDINATOR,
    now: LATEST,
    details: DETAILS,
    status: to,
    reason: { text: 'review' },
  });
  const changed = run(
    [
      {
        type: 'ChangeCareTeamDetails',
        actor: COORDINATOR,
        now: LATER,
        details: { ...DETAILS, name: 'Équipe X', carePlanId: 'ppcs-2' },
      },
      { type: 'AddCareTeamMember', actor: COORDINATOR, now: LATER, participant: pharmacist },
      {
        type: 'EndCareTeamMembership',
        actor: COORDINATOR,
        now: LATER,
        memberId: 'm-ph',
        end: '2026-05-25T00:00:00.000Z',
      },
      { type: 'ChangeMemberRole', actor: COORDINATOR, now: LATER, memberId: 'm-aidant', role: TRUSTED_ROLE },
      {
        type: 'RemoveCareTeamMember',
        actor: COORDINATOR,
        now: LATER,
        memberId: 'm-gp',
        reason: { text: 'moved away' },
      },
      status('suspended'),
      status('active'),
      status('inactive'),
      status('entered-in-error'),
    ],
    team,
  );
  const revision = revisionOf(team);
  const revised = run(
    [
      {
        ...revision,
        participants: revision.participants.filter((p) => p.memberId !== CAREGIVER_MEMBER.memberId),
      },
    ],
    team,
  );
  return [...changed, ...revised.slice(team.length), ...run([formCareTeam({ status: 'proposed' })])];
}

describe('every CareTeam event validates against its contract', () => {
  const events = producedEvents();

  it('the scenarios produce every event type', () => {
    expect(new Set(events.map((event) => event.type))).toEqual(new Set(CARE_TEAM_EVENT_TYPES));
  });

  it.each(CARE_TEAM_EVENT_TYPES)('%s.v1 has a contract', (type) => {
    expect(contracts.get(`carenet.care-plans.${type}.v1`)).toBeDefined();
  });

  it('what each event publishes in clear is valid too, and the sealed values restore it', () => {
    for (const event of events) {
      const ceType = `carenet.care-plans.${event.type}.v1`;
      const { clear, sealed } = contracts.splitSealed(ceType, event.data);
      expect({ type: event.type, result: contracts.validate(ceType, clear) }).toEqual({
        type: event.type,
        result: { ok: true },
      });
      expect(joinSealed(clear, sealed)).toEqual(event.data);
    }
  });

  it('each produced event is valid', () => {
    for (const event of events) {
      expect({
        type: event.type,
        result: contracts.validate(`carenet.care-plans.${event.type}.v1`, event.data),
      }).toEqual({
        type: event.type,
        result: { ok: true },
      });
    }
  });

  it('a membership contract refuses data without the patient, the member, the role or the period', () => {
    const added = events.find((event) => event.type === 'CareTeamMemberAdded')!.data as Record<
      string,
      unknown
    >;
    for (const key of ['patient', 'member', 'role', 'period', 'memberId']) {
      const { [key]: _dropped, ...rest } = added;
      expect(contracts.validate('carenet.care-plans.CareTeamMemberAdded.v1', rest).ok).toBe(false);
    }
  });
});
