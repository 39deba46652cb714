import { describe, expect, it } from '@jest/globals';
import type { CareTeam, CareTeamParticipant } from 'fhir/r4.js';
import { LITERAL_REFERENCE_SYSTEM } from '@carenet/access';
import {
  CARE_TEAM_EXTENSIONS,
  careTeamResource,
  formCareTeamCommand,
  updateCareTeamCommands,
} from '../src/fhir/care-team/index.js';
import { CARE_TEAM_RULES, careTeamDecider, type ExistingCareTeam } from '../src/care-team/index.js';
import {
  CAREGIVER_MEMBER,
  COORDINATOR,
  COORDINATOR_MEMBER,
  DETAILS,
  EHR,
  FORMED,
  formedTeam,
  GP_MEMBER,
  LATER,
  LATEST,
  NURSE_MEMBER,
  PATIENT,
  run,
  stateOf,
} from './support/care-team-fixtures.js';
import {
  businessRule,
  careTeamBody,
  COORDINATOR_PARTICIPANT,
  GP_PARTICIPANT,
  NURSE_PARTICIPANT,
  PHARMACIST_PARTICIPANT,
  RPPS,
  SUBJECT,
  validationIssues,
} from './support/fhir-care-team-fixtures.js';

const input = { careTeamId: 'team-1', actor: COORDINATOR, now: FORMED };
const form = (body: CareTeam) => formCareTeamCommand(body, input);
const issuesOf = (body: CareTeam) => validationIssues(() => form(body));
const paths = (body: CareTeam) => issuesOf(body).map((issue) => issue.path);

const PHARMACIST_MEMBER = {
  member: { kind: 'professional', identifier: { system: RPPS, value: '10001234567' }, display: 'Ph' },
  role: { coding: [{ system: PHARMACIST_PARTICIPANT.role?.[0]?.coding?.[0]?.system, code: 'pharmacist' }] },
};

describe('formCareTeamCommand', () => {
  it('maps the PPCS team: status, subject by INS, details, the participants with their ids', () => {
    expect(form(careTeamBody())).toEqual({
      type: 'FormCareTeam',
      careTeamId: 'team-1',
      actor: COORDINATOR,
      now: FORMED,
      status: 'active',
      subject: PATIENT,
      details: DETAILS,
      participants: [COORDINATOR_MEMBER, GP_MEMBER, NURSE_MEMBER, CAREGIVER_MEMBER],
    });
  });

  it('defaults: status proposed, no lists; participants without id get m1, m2…', () => {
    const command = formCareTeamCommand(
      {
        resourceType: 'CareTeam',
        subject: { identifier: SUBJECT.identifier },
        participant: [
          { ...COORDINATOR_PARTICIPANT, id: undefined, period: undefined },
          PHARMACIST_PARTICIPANT,
        ],
      },
      { ...input, actor: EHR },
    );
    expect(command).toMatchObject({
      status: 'proposed',
      details: { category: [], managingOrganizations: [] },
    });
    expect(command.details.name).toBeUndefined();
    expect(command.participants.map((p) => p.memberId)).toEqual(['m1', 'm2']);
    expect(command.participants[1]).toMatchObject(PHARMACIST_MEMBER);
    const team = stateOf(run([command]));
    expect(team.members[0]?.period).toEqual({ start: FORMED });
  });

  it('generated ids skip the m<n> ids the body already uses', () => {
    const command = form(
      careTeamBody({
        participant: [{ ...COORDINATOR_PARTICIPANT, id: 'm2' }, PHARMACIST_PARTICIPANT, NURSE_PARTICIPANT],
      }),
    );
    expect(command.participants.map((p) => p.memberId)).toEqual(['m2', 'm3', 'm-idel']);
  });

  it('ignores the server-owned elements, keeps the elements carenet does not model as given', () => {
    const command = form(
      careTeamBody({
        id: 'client-id',
        meta: { versionId: '7' },
        identifier: [{ system: 'urn:x', value: '1' }],
        note: [{ text: 'x' }],
        extension: [
          ...(careTeamBody().extension ?? []),
          { url: CARE_TEAM_EXTENSIONS.recordedBy, valueReference: { display: 'someone' } },
        ],
      }),
    );
    const plain = form(careTeamBody());
    expect(command).toEqual({
      ...plain,
      details: {
        ...plain.details,
        kept: { identifier: [{ system: 'urn:x', value: '1' }], note: [{ text: 'x' }] },
      },
    });
  });

  it('keeps the period of the team (CareTeam.period, what the date search reads)', () => {
    const command = form(careTeamBody({ period: { start: '2026-05-20', end: '2026-08-20' } }));
    expect(command.details.period).toEqual({ start: '2026-05-20', end: '2026-08-20' });
  });

  it.each(['inactive', 'suspended', 'entered-in-error'] as const)(
    'refuses to form a %s team (care-team-initial-status)',
    (status) => {
      expect(businessRule(() => form(careTeamBody({ status }))).rule).toBe(CARE_TEAM_RULES.initialStatus);
    },
  );

  it('takes a literal subject (kept as given), refuses an absent one and one of another type', () => {
    expect(form(careTeamBody({ subject: { reference: 'Patient/123' } })).subject).toEqual({
      system: LITERAL_REFERENCE_SYSTEM,
      value: 'Patient/123',
      reference: 'Patient/123',
    });
    expect(paths(careTeamBody({ subject: { reference: 'Group/123' } }))).toEqual([
      'CareTeam.subject.reference',
    ]);
    const { subject: _subject, ...rest } = careTeamBody();
    expect(paths(rest as CareTeam)).toEqual(['CareTeam.subject']);
    expect(paths(careTeamBody({ subject: { type: 'Group', identifier: SUBJECT.identifier } }))).toEqual([
      'CareTeam.subject.type',
    ]);
    expect(paths(careTeamBody({ subject: { identifier: { system: 'urn:other', value: '1' } } }))).toEqual([
      'CareTeam.subject.identifier.system',
    ]);
  });

  it('reports every participant issue at once, with its path', () => {
    const issues = issuesOf(
      careTeamBody({
        participant: [
          { ...GP_PARTICIPANT, member: { reference: 'Patient/1' } },
          { ...GP_PARTICIPANT, role: undefined },
          { ...GP_PARTICIPANT, role: [{ text: 'a' }, { text: 'b' }] },
          { ...GP_PARTICIPANT, member: { type: 'RelatedPerson' } },
          { ...GP_PARTICIPANT, member: { identifier: { system: 'urn:unknown', value: '1' } } },
          {
            ...GP_PARTICIPANT,
            member: { type: 'Organization', identifier: GP_PARTICIPANT.member?.identifier },
          },
          { ...GP_PARTICIPANT, onBehalfOf: { reference: 'Practitioner/1' } },
          { ...COORDINATOR_PARTICIPANT, member: { type: 'RelatedPerson', display: 'Marie' } },
          { ...GP_PARTICIPANT, member: undefined },
          { ...GP_PARTICIPANT, member: { type: 'Patient', identifier: SUBJECT.identifier } },
        ],
      }),
    );
    expect(issues.map((issue) => issue.path)).toEqual([
      'CareTeam.participant[0].member.reference',
      'CareTeam.participant[1].role',
      'CareTeam.participant[2].role',
      'CareTeam.participant[3].member.display',
      'CareTeam.participant[4].member.identifier.system',
      'CareTeam.participant[5].member.type',
      'CareTeam.participant[6].onBehalfOf.reference',
      'CareTeam.participant[7].onBehalfOf',
      'CareTeam.participant[8].member',
      'CareTeam.participant[9].member.type',
    ]);
    expect(issues[7]?.message).toContain('ctm-1');
  });

  it('reports issues in the details: organisations by FINESS, the care plan as CarePlan/<id>, the status', () => {
    expect(
      paths(
        careTeamBody({
          status: 'closed' as CareTeam['status'],
          managingOrganization: [
            { reference: 'Practitioner/1' },
            { type: 'Practitioner', identifier: { system: RPPS, value: '1' } },
          ],
          extension: [{ url: CARE_TEAM_EXTENSIONS.carePlan, valueReference: { reference: 'Goal/1' } }],
        }),
      ),
    ).toEqual([
      'CareTeam.status',
      'CareTeam.managingOrganization[0].reference',
      'CareTeam.managingOrganization[1].type',
      `CareTeam.extension('${CARE_TEAM_EXTENSIONS.carePlan}').valueReference.reference`,
    ]);
    const twice = careTeamBody().extension ?? [];
    expect(paths(careTeamBody({ extension: [...twice, ...twice] }))).toEqual([
      `CareTeam.extension('${CARE_TEAM_EXTENSIONS.carePlan}')`,
    ]);
  });

  it('leaves to the decider what the domain decides: a duplicate id is a ValidationError there', () => {
    const command = form(
      careTeamBody({ participant: [COORDINATOR_PARTICIPANT, { ...GP_PARTICIPANT, id: 'm-coord' }] }),
    );
    expect(
      validationIssues(() => careTeamDecider.decide(command, careTeamDecider.initialState())).map(
        (i) => i.path,
      ),
    ).toEqual(['CareTeam.participant[1].id']);
  });
});

// ---------------------------------------------------------------------------------------------

const VERSION = { versionId: '2', lastUpdated: FORMED };

function formed(): { events: ReturnType<typeof formedTeam>; team: ExistingCareTeam; read: CareTeam } {
  const events = formedTeam();
  const team = stateOf(events);
  return { events, team, read: careTeamResource(team, VERSION) };
}

/** The events the PUT of `body` causes on the formed team, and the team after. */
function put(body: CareTeam, actor = COORDINATOR) {
  const { events, team } = formed();
  const commands = updateCareTeamCommands(team, body, { actor, now: LATER });
  const after = run(commands, events);
  return { commands, added: after.slice(events.length), team: stateOf(after) };
}

function participants(read: CareTeam): CareTeamParticipant[] {
  return [...(read.participant ?? [])];
}

describe('updateCareTeamCommands', () => {
  it('the team as read is no command', () => {
    const { team, read } = formed();
    expect(updateCareTeamCommands(team, read, { actor: COORDINATOR, now: LATER })).toEqual([]);
  });

  it('is one ReviseCareTeam with the full new team', () => {
    const { read } = formed();
    const { commands } = put({ ...read, name: 'Équipe PPCS de M. X' });
    expect(commands).toEqual([
      {
        type: 'ReviseCareTeam',
        actor: COORDINATOR,
        now: LATER,
        subject: PATIENT,
        status: 'active',
        details: { ...DETAILS, name: 'Équipe PPCS de M. X' },
        participants: [COORDINATOR_MEMBER, GP_MEMBER, NURSE_MEMBER, CAREGIVER_MEMBER],
      },
    ]);
  });

  it('a participant without id is a new member with the next free id (CareTeamMemberAdded)', () => {
    const { read } = formed();
    const { commands, added, team } = put({
      ...read,
      participant: [...participants(read), PHARMACIST_PARTICIPANT],
    });
    expect(commands[0]).toMatchObject({ type: 'ReviseCareTeam' });
    expect(added.map((e) => e.type)).toEqual(['CareTeamMemberAdded']);
    expect(added[0]?.data).toMatchObject({ memberId: 'm1', ...PHARMACIST_MEMBER, period: { start: LATER } });
    expect(team.members.map((m) => m.memberId)).toEqual(['m-coord', 'm-gp', 'm-idel', 'm-aidant', 'm1']);
  });

  it('a participant whose id disappears is removed (CareTeamMemberRemoved); its id is not given again', () => {
    const { read } = formed();
    const { added, team } = put({
      ...read,
      participant: participants(read).filter((p) => p.id !== 'm-idel'),
    });
    expect(added.map((e) => e.type)).toEqual(['CareTeamMemberRemoved']);
    expect(added[0]?.data).toMatchObject({ memberId: 'm-idel' });
    expect(team.removedMemberIds).toEqual(['m-idel']);
    const readAgain = careTeamResource(team, VERSION);
    const [again] = updateCareTeamCommands(
      team,
      { ...readAgain, participant: [...participants(readAgain), NURSE_PARTICIPANT] },
      { actor: COORDINATOR, now: LATEST },
    );
    expect(again).toMatchObject({ type: 'ReviseCareTeam' });
    if (again === undefined) return;
    expect(businessRule(() => careTeamDecider.decide(again, team)).rule).toBe(CARE_TEAM_RULES.memberIdInUse);
  });

  it('a period.end set ends the membership (CareTeamMembershipEnded)', () => {
    const { read } = formed();
    const { added } = put({
      ...read,
      participant: participants(read).map((p) =>
        p.id === 'm-gp' ? { ...p, period: { start: FORMED, end: LATER } } : p,
      ),
    });
    expect(added.map((e) => e.type)).toEqual(['CareTeamMembershipEnded']);
    expect(added[0]?.data).toMatchObject({ memberId: 'm-gp', period: { start: FORMED, end: LATER } });
  });

  it('a new role[0] changes the role (CareTeamMemberRoleChanged)', () => {
    const { read } = formed();
    const { added } = put({
      ...read,
      participant: participants(read).map((p) =>
        p.id === 'm-idel' ? { ...p, role: PHARMACIST_PARTICIPANT.role } : p,
      ),
    });
    expect(added.map((e) => e.type)).toEqual(['CareTeamMemberRoleChanged']);
    expect(added[0]?.data).toMatchObject({ memberId: 'm-idel', role: PHARMACIST_PARTICIPANT.role?.[0] });
  });

  it('a new status and new details: CareTeamDetailsChanged then the status event', () => {
    const { read } = formed();
    const { added, team } = put({ ...read, status: 'suspended', category: undefined, name: undefined });
    expect(added.map((e) => e.type)).toEqual(['CareTeamDetailsChanged', 'CareTeamSuspended']);
    expect(added[0]?.data).toMatchObject({ changed: { category: [] }, removed: ['name'] });
    expect(team.status).toBe('suspended');
  });

  it('status absent means unchanged', () => {
    const { team, read } = formed();
    const { status: _status, ...rest } = read;
    expect(updateCareTeamCommands(team, rest as CareTeam, { actor: COORDINATOR, now: LATER })).toEqual([]);
  });

  it('the care plan removed: carePlanId removed', () => {
    const { read } = formed();
    const { added, team } = put({ ...read, extension: [] });
    expect(added.map((e) => e.type)).toEqual(['CareTeamDetailsChanged']);
    expect(added[0]?.data).toMatchObject({ changed: {}, removed: ['carePlanId'] });
    expect(team.carePlanId).toBeUndefined();
  });

  it('another patient is refused by the decider (care-team-immutable-subject)', () => {
    const { team, read } = formed();
    const [command] = updateCareTeamCommands(
      team,
      {
        ...read,
        subject: {
          type: 'Patient',
          identifier: { system: SUBJECT.identifier.system, value: '180000000000001' },
        },
      },
      { actor: COORDINATOR, now: LATER },
    );
    if (command === undefined) throw new Error('expected a command');
    expect(businessRule(() => careTeamDecider.decide(command, team)).rule).toBe(
      CARE_TEAM_RULES.immutableSubject,
    );
  });

  it('reports content issues as on create', () => {
    const { team, read } = formed();
    expect(
      validationIssues(() =>
        updateCareTeamCommands(
          team,
          { ...read, subject: { reference: 'Practitioner/1' } },
          { actor: COORDINATOR, now: LATER },
        ),
      ).map((issue) => issue.path),
    ).toEqual(['CareTeam.subject.reference']);
  });
});
