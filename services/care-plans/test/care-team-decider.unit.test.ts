import { describe, expect, it } from '@jest/globals';
import { BusinessRuleError, ForbiddenError, ValidationError } from '@carenet/eventsourcing';
import { deciderSpecification } from '@carenet/testing';
import {
  CARE_TEAM_RULES,
  CARE_TEAM_STATUSES,
  CARE_TEAM_TRANSITIONS,
  careTeamDecider,
  type CareTeamCommand,
  type CareTeamMember,
  type CareTeamMemberInput,
  type CareTeamStatus,
} from '../src/care-team/index.js';
import {
  CAREGIVER,
  CAREGIVER_MEMBER,
  CAREGIVER_ROLE,
  COORDINATOR,
  COORDINATOR_MEMBER,
  COORDINATOR_ROLE,
  DAC,
  DAC_COLLEAGUE,
  DETAILS,
  EHR,
  FORMED,
  formCareTeam,
  formedTeam,
  GP,
  GP_MEMBER,
  GP_ROLE,
  LATER,
  LATEST,
  next,
  NURSE,
  NURSE_2,
  NURSE_MEMBER,
  NURSE_ROLE,
  OTHER_PATIENT,
  party,
  PATIENT,
  PATIENT_ACTOR,
  PHARMACIST,
  PHARMACIST_ROLE,
  revisionOf,
  run,
  stateOf,
  TEAM_ID,
  TRUSTED_ROLE,
} from './support/care-team-fixtures.js';

const spec = deciderSpecification(careTeamDecider);
const fact = (by: CareTeamCommand['actor'] = COORDINATOR, at = LATER) => ({ careTeamId: TEAM_ID, by, at });
const rule = (code: string) => [BusinessRuleError, { rule: code }] as const;

const PHARMACIST_MEMBER: CareTeamMember = {
  memberId: 'm-ph',
  member: party(PHARMACIST),
  role: PHARMACIST_ROLE,
  period: { start: LATER },
};

/** A path to each status from a team formed active. */
function teamIn(status: CareTeamStatus) {
  const change = (to: CareTeamStatus): CareTeamCommand => ({
    type: 'ChangeCareTeamDetails',
    actor: COORDINATOR,
    now: LATER,
    details: DETAILS,
    status: to,
  });
  if (status === 'proposed') return formedTeam({ status: 'proposed' });
  if (status === 'active') return formedTeam();
  return run([change(status)], formedTeam());
}

describe('forming a care team', () => {
  it('records the team, then one CareTeamMemberAdded per participant', () => {
    spec
      .given([])
      .when(formCareTeam({ participants: [COORDINATOR_MEMBER, { ...CAREGIVER_MEMBER, period: {} }] }))
      .then([
        {
          type: 'CareTeamFormed',
          data: {
            ...fact(COORDINATOR, FORMED),
            careTeam: { ...DETAILS, status: 'active', subject: PATIENT },
          },
        },
        {
          type: 'CareTeamMemberAdded',
          data: {
            ...fact(COORDINATOR, FORMED),
            patient: PATIENT,
            ...COORDINATOR_MEMBER,
            period: { start: FORMED },
          },
        },
        {
          type: 'CareTeamMemberAdded',
          data: {
            ...fact(COORDINATOR, FORMED),
            patient: PATIENT,
            ...CAREGIVER_MEMBER,
            period: { start: FORMED },
          },
        },
      ]);
  });

  it('a membership without start starts when it is recorded', () => {
    const events = run([formCareTeam({ participants: [{ ...COORDINATOR_MEMBER, period: {} }] })]);
    expect(stateOf(events).members[0]?.period).toEqual({ start: FORMED });
  });

  it('is formed proposed or active only', () => {
    for (const status of ['suspended', 'inactive', 'entered-in-error'] as const) {
      spec
        .given([])
        .when({ ...formCareTeam(), status } as unknown as CareTeamCommand)
        .thenThrows(...rule(CARE_TEAM_RULES.initialStatus));
    }
    spec
      .given([])
      .when(formCareTeam({ status: 'proposed' }))
      .then(run([formCareTeam({ status: 'proposed' })]));
  });

  it('is formed once', () => {
    spec
      .given(formedTeam())
      .when(formCareTeam())
      .thenThrows(...rule(CARE_TEAM_RULES.alreadyExists));
  });

  it('is formed by its coordinator (in person or through the coordinating organisation) or by a system', () => {
    spec
      .given([])
      .when(formCareTeam({ actor: EHR }))
      .then(run([formCareTeam({ actor: EHR })]));
    const byDac = formCareTeam({
      actor: DAC_COLLEAGUE,
      participants: [{ ...COORDINATOR_MEMBER, member: DAC }, GP_MEMBER],
    });
    spec
      .given([])
      .when(byDac)
      .then(run([byDac]));
    for (const actor of [GP, NURSE, PATIENT_ACTOR]) {
      spec.given([]).when(formCareTeam({ actor })).thenThrows(ForbiddenError);
    }
  });

  it('refuses malformed participants', () => {
    spec
      .given([])
      .when(formCareTeam({ participants: [COORDINATOR_MEMBER, { ...GP_MEMBER, memberId: 'm-coord' }] }))
      .thenThrows(ValidationError);
    spec
      .given([])
      .when(
        formCareTeam({
          participants: [
            COORDINATOR_MEMBER,
            { ...CAREGIVER_MEMBER, member: { kind: 'related-person', display: ' ' } },
          ],
        }),
      )
      .thenThrows(ValidationError);
    spec
      .given([])
      .when(formCareTeam({ participants: [{ ...COORDINATOR_MEMBER, period: { start: 'yesterday' } }] }))
      .thenThrows(ValidationError);
  });

  it('refuses a period that ends before it starts', () => {
    spec
      .given([])
      .when(
        formCareTeam({
          participants: [COORDINATOR_MEMBER, { ...GP_MEMBER, period: { start: LATER, end: FORMED } }],
        }),
      )
      .thenThrows(...rule(CARE_TEAM_RULES.periodInvalid));
  });

  it('refuses the same party twice in the same role over overlapping periods', () => {
    spec
      .given([])
      .when(
        formCareTeam({
          participants: [
            COORDINATOR_MEMBER,
            GP_MEMBER,
            { ...GP_MEMBER, memberId: 'm-gp-2', period: { start: LATER } },
          ],
        }),
      )
      .thenThrows(...rule(CARE_TEAM_RULES.duplicateMember));
    // The same caregiver, by name (case and spacing aside).
    spec
      .given([])
      .when(
        formCareTeam({
          participants: [
            COORDINATOR_MEMBER,
            CAREGIVER_MEMBER,
            { ...CAREGIVER_MEMBER, memberId: 'm-2', member: { ...CAREGIVER, display: ' marie  MARTIN' } },
          ],
        }),
      )
      .thenThrows(...rule(CARE_TEAM_RULES.duplicateMember));
  });

  it('accepts the same party in two roles, or in one role over successive periods', () => {
    const twoRoles = formCareTeam({
      participants: [
        COORDINATOR_MEMBER,
        GP_MEMBER,
        { ...GP_MEMBER, memberId: 'm-gp-2', role: COORDINATOR_ROLE },
      ],
    });
    expect(run([twoRoles])).toHaveLength(4);
    const successive = formCareTeam({
      participants: [
        COORDINATOR_MEMBER,
        { ...NURSE_MEMBER, period: { start: FORMED, end: LATER } },
        { ...NURSE_MEMBER, memberId: 'm-idel-2', period: { start: LATER } },
      ],
    });
    expect(run([successive])).toHaveLength(4);
  });

  it('nothing else happens to a team that does not exist', () => {
    spec
      .given([])
      .when({ type: 'ChangeMemberRole', actor: COORDINATOR, now: LATER, memberId: 'm-gp', role: NURSE_ROLE })
      .thenThrows(...rule(CARE_TEAM_RULES.notFormed));
  });
});

describe('membership commands', () => {
  const member = (input: CareTeamMember) => ({
    ...fact(),
    patient: PATIENT,
    ...input,
  });

  it('AddCareTeamMember: CareTeamMemberAdded; the same addition again changes nothing', () => {
    const add: CareTeamCommand = {
      type: 'AddCareTeamMember',
      actor: COORDINATOR,
      now: LATER,
      participant: PHARMACIST_MEMBER,
    };
    spec
      .given(formedTeam())
      .when(add)
      .then([{ type: 'CareTeamMemberAdded', data: member(PHARMACIST_MEMBER) }]);
    spec
      .given(run([add], formedTeam()))
      .when({ ...add, now: LATEST })
      .then([]);
  });

  it('AddCareTeamMember refuses an id in use, a duplicate membership, a period ending before its start', () => {
    const add = (participant: CareTeamMemberInput): CareTeamCommand => ({
      type: 'AddCareTeamMember',
      actor: COORDINATOR,
      now: LATER,
      participant,
    });
    spec
      .given(formedTeam())
      .when(add({ ...PHARMACIST_MEMBER, memberId: 'm-gp' }))
      .thenThrows(...rule(CARE_TEAM_RULES.memberIdInUse));
    spec
      .given(formedTeam())
      .when(add({ ...NURSE_MEMBER, memberId: 'm-idel-2', period: { start: LATER } }))
      .thenThrows(...rule(CARE_TEAM_RULES.duplicateMember));
    spec
      .given(formedTeam())
      .when(add({ ...PHARMACIST_MEMBER, period: { start: LATER, end: FORMED } }))
      .thenThrows(...rule(CARE_TEAM_RULES.periodInvalid));
  });

  it('RemoveCareTeamMember: a fact of its own, with its reason; again changes nothing; the id is never reused', () => {
    const remove: CareTeamCommand = {
      type: 'RemoveCareTeamMember',
      actor: COORDINATOR,
      now: LATER,
      memberId: 'm-idel',
      reason: { text: 'the patient objects' },
    };
    spec
      .given(formedTeam())
      .when(remove)
      .then([
        {
          type: 'CareTeamMemberRemoved',
          data: { ...member(NURSE_MEMBER), reason: { text: 'the patient objects' } },
        },
      ]);
    const removed = run([remove], formedTeam());
    expect(stateOf(removed).members.map((m) => m.memberId)).toEqual(['m-coord', 'm-gp', 'm-aidant']);
    spec.given(removed).when(remove).then([]);
    spec
      .given(removed)
      .when({ type: 'AddCareTeamMember', actor: COORDINATOR, now: LATER, participant: NURSE_MEMBER })
      .thenThrows(...rule(CARE_TEAM_RULES.memberIdInUse));
    spec
      .given(removed)
      .when({ type: 'ChangeMemberRole', actor: COORDINATOR, now: LATER, memberId: 'm-idel', role: GP_ROLE })
      .thenThrows(...rule(CARE_TEAM_RULES.unknownMember));
  });

  it('RemoveCareTeamMember refuses an unknown member and a removal without reason', () => {
    spec
      .given(formedTeam())
      .when({
        type: 'RemoveCareTeamMember',
        actor: COORDINATOR,
        now: LATER,
        memberId: 'nobody',
        reason: { text: 'x' },
      })
      .thenThrows(...rule(CARE_TEAM_RULES.unknownMember));
    spec
      .given(formedTeam())
      .when({
        type: 'RemoveCareTeamMember',
        actor: COORDINATOR,
        now: LATER,
        memberId: 'm-gp',
        reason: { text: ' ' },
      })
      .thenThrows(...rule(CARE_TEAM_RULES.removalReasonRequired));
  });

  it('EndCareTeamMembership: the period gets its end (now by default); again changes nothing', () => {
    const end: CareTeamCommand = {
      type: 'EndCareTeamMembership',
      actor: COORDINATOR,
      now: LATER,
      memberId: 'm-idel',
    };
    spec
      .given(formedTeam())
      .when(end)
      .then([
        {
          type: 'CareTeamMembershipEnded',
          data: { ...member(NURSE_MEMBER), period: { start: FORMED, end: LATER } },
        },
      ]);
    const ended = run([end], formedTeam());
    spec
      .given(ended)
      .when({ ...end, now: LATEST, end: LATER })
      .then([]);
  });

  it('EndCareTeamMembership brings an end forward, never later, never before the start', () => {
    const given = run(
      [
        {
          type: 'AddCareTeamMember',
          actor: COORDINATOR,
          now: LATER,
          participant: { ...PHARMACIST_MEMBER, period: { start: LATER, end: LATEST } },
        },
      ],
      formedTeam(),
    );
    const end = (at: string): CareTeamCommand => ({
      type: 'EndCareTeamMembership',
      actor: COORDINATOR,
      now: LATER,
      memberId: 'm-ph',
      end: at,
    });
    spec
      .given(given)
      .when(end('2026-05-25T00:00:00.000Z'))
      .then([
        {
          type: 'CareTeamMembershipEnded',
          data: {
            ...member(PHARMACIST_MEMBER),
            period: { start: LATER, end: '2026-05-25T00:00:00.000Z' },
            previousEnd: LATEST,
          },
        },
      ]);
    spec
      .given(given)
      .when(end('2026-07-01T00:00:00.000Z'))
      .thenThrows(...rule(CARE_TEAM_RULES.membershipExtended));
    spec
      .given(given)
      .when(end(FORMED))
      .thenThrows(...rule(CARE_TEAM_RULES.periodInvalid));
    spec.given(given).when(end('not a date')).thenThrows(ValidationError);
    spec
      .given(given)
      .when({ type: 'EndCareTeamMembership', actor: COORDINATOR, now: LATER, memberId: 'nobody' })
      .thenThrows(...rule(CARE_TEAM_RULES.unknownMember));
  });

  it('ChangeMemberRole: the new role and the previous one; the same role changes nothing', () => {
    const change: CareTeamCommand = {
      type: 'ChangeMemberRole',
      actor: COORDINATOR,
      now: LATER,
      memberId: 'm-aidant',
      role: TRUSTED_ROLE,
    };
    spec
      .given(formedTeam())
      .when(change)
      .then([
        {
          type: 'CareTeamMemberRoleChanged',
          data: {
            ...fact(),
            patient: PATIENT,
            ...CAREGIVER_MEMBER,
            role: TRUSTED_ROLE,
            previousRole: CAREGIVER_ROLE,
          },
        },
      ]);
    spec
      .given(run([change], formedTeam()))
      .when(change)
      .then([]);
  });

  it('ChangeMemberRole refuses a membership that is over, and a role another membership of the party holds', () => {
    const ended = run(
      [{ type: 'EndCareTeamMembership', actor: COORDINATOR, now: LATER, memberId: 'm-idel' }],
      formedTeam(),
    );
    spec
      .given(ended)
      .when({
        type: 'ChangeMemberRole',
        actor: COORDINATOR,
        now: LATEST,
        memberId: 'm-idel',
        role: PHARMACIST_ROLE,
      })
      .thenThrows(...rule(CARE_TEAM_RULES.membershipOver));
    const twoRoles = run([
      formCareTeam({
        participants: [COORDINATOR_MEMBER, GP_MEMBER, { ...GP_MEMBER, memberId: 'm-gp-2', role: NURSE_ROLE }],
      }),
    ]);
    spec
      .given(twoRoles)
      .when({ type: 'ChangeMemberRole', actor: COORDINATOR, now: LATER, memberId: 'm-gp-2', role: GP_ROLE })
      .thenThrows(...rule(CARE_TEAM_RULES.duplicateMember));
  });
});

describe('who may change a team', () => {
  const commands: CareTeamCommand[] = [
    { type: 'AddCareTeamMember', actor: COORDINATOR, now: LATER, participant: PHARMACIST_MEMBER },
    {
      type: 'RemoveCareTeamMember',
      actor: COORDINATOR,
      now: LATER,
      memberId: 'm-gp',
      reason: { text: 'moved' },
    },
    { type: 'ChangeMemberRole', actor: COORDINATOR, now: LATER, memberId: 'm-aidant', role: TRUSTED_ROLE },
    { type: 'EndCareTeamMembership', actor: COORDINATOR, now: LATER, memberId: 'm-gp' },
    {
      type: 'ChangeCareTeamDetails',
      actor: COORDINATOR,
      now: LATER,
      details: { ...DETAILS, name: 'Équipe X' },
    },
    { type: 'ChangeCareTeamDetails', actor: COORDINATOR, now: LATER, details: DETAILS, status: 'suspended' },
  ];

  it.each(commands.map((c) => [c.type, c] as const))(
    '%s: the coordinator, a professional of the coordinating organisation member, a system; not other members nor the patient',
    (_type, command) => {
      expect(next(command, formedTeam())).toHaveLength(1);
      expect(next({ ...command, actor: EHR }, formedTeam())).toHaveLength(1);
      const dacTeam = formedTeam({
        participants: [{ ...COORDINATOR_MEMBER, member: DAC }, GP_MEMBER, NURSE_MEMBER, CAREGIVER_MEMBER],
      });
      expect(next({ ...command, actor: DAC_COLLEAGUE }, dacTeam)).toHaveLength(1);
      for (const actor of [NURSE, NURSE_2, PATIENT_ACTOR]) {
        spec
          .given(formedTeam())
          .when({ ...command, actor })
          .thenThrows(ForbiddenError);
      }
    },
  );

  it('a coordinator whose membership ended no longer manages the team', () => {
    const given = run(
      [
        {
          type: 'AddCareTeamMember',
          actor: COORDINATOR,
          now: LATER,
          participant: {
            memberId: 'm-coord-2',
            member: party(NURSE_2),
            role: COORDINATOR_ROLE,
            period: { start: LATER },
          },
        },
        { type: 'EndCareTeamMembership', actor: COORDINATOR, now: LATER, memberId: 'm-coord' },
      ],
      formedTeam(),
    );
    spec
      .given(given)
      .when({ type: 'AddCareTeamMember', actor: COORDINATOR, now: LATEST, participant: PHARMACIST_MEMBER })
      .thenThrows(ForbiddenError);
    expect(
      next({ type: 'AddCareTeamMember', actor: NURSE_2, now: LATEST, participant: PHARMACIST_MEMBER }, given),
    ).toHaveLength(1);
  });

  it('a member ends their own membership, not another’s', () => {
    expect(
      next({ type: 'EndCareTeamMembership', actor: NURSE, now: LATER, memberId: 'm-idel' }, formedTeam()),
    ).toHaveLength(1);
    spec
      .given(formedTeam())
      .when({ type: 'EndCareTeamMembership', actor: NURSE, now: LATER, memberId: 'm-gp' })
      .thenThrows(ForbiddenError);
  });
});

describe('details and status', () => {
  it('ChangeCareTeamDetails: the changed and removed elements; the same details change nothing', () => {
    const { carePlanId: _carePlanId, ...withoutPlan } = DETAILS;
    spec
      .given(formedTeam())
      .when({
        type: 'ChangeCareTeamDetails',
        actor: COORDINATOR,
        now: LATER,
        details: { ...withoutPlan, name: 'Équipe X' },
      })
      .then([
        {
          type: 'CareTeamDetailsChanged',
          data: { ...fact(), changed: { name: 'Équipe X' }, removed: ['carePlanId'] },
        },
      ]);
    spec
      .given(formedTeam())
      .when({
        type: 'ChangeCareTeamDetails',
        actor: COORDINATOR,
        now: LATER,
        details: DETAILS,
        status: 'active',
      })
      .then([]);
  });

  const events = {
    active: 'CareTeamActivated',
    suspended: 'CareTeamSuspended',
    inactive: 'CareTeamDeactivated',
    'entered-in-error': 'CareTeamEnteredInError',
  } as const;
  const pairs = CARE_TEAM_STATUSES.flatMap((from) =>
    CARE_TEAM_STATUSES.filter((to) => to !== from).map((to) => [from, to] as const),
  );

  it.each(pairs)('%s → %s follows care-team-status', (from, to) => {
    const command: CareTeamCommand = {
      type: 'ChangeCareTeamDetails',
      actor: COORDINATOR,
      now: LATEST,
      details: DETAILS,
      status: to,
      reason: { text: 'why' },
    };
    if (from === 'entered-in-error') {
      spec
        .given(teamIn(from))
        .when(command)
        .thenThrows(...rule(CARE_TEAM_RULES.enteredInError));
    } else if (to !== 'proposed' && CARE_TEAM_TRANSITIONS[from].includes(to)) {
      spec
        .given(teamIn(from))
        .when(command)
        .then([
          {
            type: events[to],
            data: {
              ...fact(COORDINATOR, LATEST),
              patient: PATIENT,
              previousStatus: from,
              reason: { text: 'why' },
            },
          },
        ]);
    } else {
      spec
        .given(teamIn(from))
        .when(command)
        .thenThrows(...rule(CARE_TEAM_RULES.illegalTransition));
    }
  });

  it('an inactive team takes no new member and no role change, but memberships still end or go', () => {
    const inactive = teamIn('inactive');
    spec
      .given(inactive)
      .when({ type: 'AddCareTeamMember', actor: COORDINATOR, now: LATEST, participant: PHARMACIST_MEMBER })
      .thenThrows(...rule(CARE_TEAM_RULES.inactive));
    spec
      .given(inactive)
      .when({
        type: 'ChangeMemberRole',
        actor: COORDINATOR,
        now: LATEST,
        memberId: 'm-aidant',
        role: TRUSTED_ROLE,
      })
      .thenThrows(...rule(CARE_TEAM_RULES.inactive));
    expect(
      next({ type: 'EndCareTeamMembership', actor: COORDINATOR, now: LATEST, memberId: 'm-gp' }, inactive),
    ).toHaveLength(1);
  });

  it('an entered-in-error team takes no change at all', () => {
    const given = teamIn('entered-in-error');
    const commands: CareTeamCommand[] = [
      { type: 'AddCareTeamMember', actor: COORDINATOR, now: LATEST, participant: PHARMACIST_MEMBER },
      {
        type: 'RemoveCareTeamMember',
        actor: COORDINATOR,
        now: LATEST,
        memberId: 'm-gp',
        reason: { text: 'x' },
      },
      { type: 'EndCareTeamMembership', actor: COORDINATOR, now: LATEST, memberId: 'm-gp' },
      { type: 'ChangeMemberRole', actor: COORDINATOR, now: LATEST, memberId: 'm-aidant', role: TRUSTED_ROLE },
      { type: 'ChangeCareTeamDetails', actor: COORDINATOR, now: LATEST, details: { ...DETAILS, name: 'y' } },
    ];
    for (const command of commands)
      spec
        .given(given)
        .when(command)
        .thenThrows(...rule(CARE_TEAM_RULES.enteredInError));
    spec.given(given).when(revisionOf(given, LATEST)).then([]);
  });
});

describe('ReviseCareTeam (PUT) is decided as a diff', () => {
  it('the same team changes nothing', () => {
    spec.given(formedTeam()).when(revisionOf(formedTeam())).then([]);
  });

  it('a participant without start keeps its start', () => {
    const revision = revisionOf(formedTeam());
    spec
      .given(formedTeam())
      .when({ ...revision, participants: revision.participants.map((p) => ({ ...p, period: {} })) })
      .then([]);
  });

  it('emits one event per membership fact: removed, role changed, ended, added', () => {
    const revision = revisionOf(formedTeam());
    const [coordinator, gp, nurse, caregiver] = stateOf(formedTeam()).members;
    const command: CareTeamCommand = {
      ...revision,
      reason: { text: 'PPCS review' },
      participants: [
        coordinator!,
        { ...nurse!, role: PHARMACIST_ROLE, period: { start: FORMED, end: LATEST } },
        { ...caregiver!, role: TRUSTED_ROLE },
        PHARMACIST_MEMBER,
      ],
    };
    const membership = { ...fact(), patient: PATIENT };
    spec
      .given(formedTeam())
      .when(command)
      .then([
        { type: 'CareTeamMemberRemoved', data: { ...membership, ...gp!, reason: { text: 'PPCS review' } } },
        {
          type: 'CareTeamMemberRoleChanged',
          data: { ...membership, ...NURSE_MEMBER, role: PHARMACIST_ROLE, previousRole: NURSE_ROLE },
        },
        {
          type: 'CareTeamMembershipEnded',
          data: {
            ...membership,
            ...NURSE_MEMBER,
            role: PHARMACIST_ROLE,
            period: { start: FORMED, end: LATEST },
          },
        },
        {
          type: 'CareTeamMemberRoleChanged',
          data: { ...membership, ...CAREGIVER_MEMBER, role: TRUSTED_ROLE, previousRole: CAREGIVER_ROLE },
        },
        { type: 'CareTeamMemberAdded', data: { ...membership, ...PHARMACIST_MEMBER } },
      ]);
    // Replayed: nothing more.
    const after = run([command], formedTeam());
    spec.given(after).when(command).then([]);
  });

  it('a removal without a reason says it came from an update', () => {
    const revision = revisionOf(formedTeam());
    expect(next({ ...revision, participants: revision.participants.slice(0, 3) }, formedTeam())).toEqual([
      {
        type: 'CareTeamMemberRemoved',
        data: {
          ...fact(),
          patient: PATIENT,
          ...CAREGIVER_MEMBER,
          reason: { text: 'removed by an update of the CareTeam' },
        },
      },
    ]);
  });

  it('details and status come first, as their own facts', () => {
    const revision = revisionOf(formedTeam());
    spec
      .given(formedTeam())
      .when({
        ...revision,
        status: 'suspended',
        details: { ...revision.details, name: 'Équipe X' },
        participants: [...revision.participants, PHARMACIST_MEMBER],
      })
      .then([
        { type: 'CareTeamDetailsChanged', data: { ...fact(), changed: { name: 'Équipe X' }, removed: [] } },
        { type: 'CareTeamSuspended', data: { ...fact(), patient: PATIENT, previousStatus: 'active' } },
        { type: 'CareTeamMemberAdded', data: { ...fact(), patient: PATIENT, ...PHARMACIST_MEMBER } },
      ]);
  });

  it('refuses another patient, a changed member, start or organisation, an extension, a reused id, a duplicate', () => {
    const given = formedTeam();
    const revision = revisionOf(given);
    const withParticipant = (i: number, change: object): CareTeamCommand => ({
      ...revision,
      participants: revision.participants.map((p, j) => (i === j ? { ...p, ...change } : p)),
    });
    spec
      .given(given)
      .when({ ...revision, subject: OTHER_PATIENT })
      .thenThrows(...rule(CARE_TEAM_RULES.immutableSubject));
    spec
      .given(given)
      .when(withParticipant(2, { member: party(NURSE_2) }))
      .thenThrows(...rule(CARE_TEAM_RULES.immutableMembership));
    spec
      .given(given)
      .when(withParticipant(2, { period: { start: LATER } }))
      .thenThrows(...rule(CARE_TEAM_RULES.immutableMembership));
    spec
      .given(given)
      .when(
        withParticipant(1, {
          onBehalfOf: { identifier: { system: 'https://finess.esante.gouv.fr', value: '1' } },
        }),
      )
      .thenThrows(...rule(CARE_TEAM_RULES.immutableMembership));
    const ended = run(
      [{ type: 'EndCareTeamMembership', actor: COORDINATOR, now: LATER, memberId: 'm-idel' }],
      given,
    );
    const endedRevision = revisionOf(ended);
    spec
      .given(ended)
      .when({
        ...endedRevision,
        participants: endedRevision.participants.map((p) =>
          p.memberId === 'm-idel' ? { ...p, period: { start: FORMED } } : p,
        ),
      })
      .thenThrows(...rule(CARE_TEAM_RULES.membershipExtended));
    const removed = run(
      [
        {
          type: 'RemoveCareTeamMember',
          actor: COORDINATOR,
          now: LATER,
          memberId: 'm-idel',
          reason: { text: 'x' },
        },
      ],
      given,
    );
    spec
      .given(removed)
      .when({ ...revisionOf(removed), participants: [...revisionOf(removed).participants, NURSE_MEMBER] })
      .thenThrows(...rule(CARE_TEAM_RULES.memberIdInUse));
    spec
      .given(given)
      .when({ ...revision, participants: [...revision.participants, { ...NURSE_MEMBER, memberId: 'm-new' }] })
      .thenThrows(...rule(CARE_TEAM_RULES.duplicateMember));
    spec
      .given(given)
      .when({
        ...revision,
        participants: [...revision.participants, { ...PHARMACIST_MEMBER, memberId: 'm-gp' }],
      })
      .thenThrows(ValidationError);
  });

  it('is checked change by change: a nurse may end her own membership through it, nothing else', () => {
    const revision = revisionOf(formedTeam());
    const endOwn = {
      ...revision,
      actor: NURSE,
      participants: revision.participants.map((p) =>
        p.memberId === 'm-idel' ? { ...p, period: { start: FORMED, end: LATER } } : p,
      ),
    };
    expect(next(endOwn, formedTeam()).map((e) => e.type)).toEqual(['CareTeamMembershipEnded']);
    spec
      .given(formedTeam())
      .when({ ...revision, actor: NURSE, participants: [...revision.participants, PHARMACIST_MEMBER] })
      .thenThrows(ForbiddenError);
  });
});

describe('the state', () => {
  it('follows the membership facts', () => {
    const events = run(
      [
        { type: 'AddCareTeamMember', actor: COORDINATOR, now: LATER, participant: PHARMACIST_MEMBER },
        { type: 'EndCareTeamMembership', actor: COORDINATOR, now: LATEST, memberId: 'm-idel' },
        {
          type: 'RemoveCareTeamMember',
          actor: COORDINATOR,
          now: LATEST,
          memberId: 'm-gp',
          reason: { text: 'x' },
        },
        {
          type: 'ChangeMemberRole',
          actor: COORDINATOR,
          now: LATEST,
          memberId: 'm-aidant',
          role: TRUSTED_ROLE,
        },
      ],
      formedTeam(),
    );
    const team = stateOf(events);
    expect(team.members.map((m) => [m.memberId, m.role, m.period])).toEqual([
      ['m-coord', COORDINATOR_ROLE, { start: FORMED }],
      ['m-idel', NURSE_ROLE, { start: FORMED, end: LATEST }],
      ['m-aidant', TRUSTED_ROLE, { start: FORMED }],
      ['m-ph', PHARMACIST_ROLE, { start: LATER }],
    ]);
    expect(team.removedMemberIds).toEqual(['m-gp']);
    expect(team.lastModified).toBe(LATEST);
  });
});
