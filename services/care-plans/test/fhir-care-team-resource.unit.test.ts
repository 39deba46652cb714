import { describe, expect, it } from '@jest/globals';
import type { CareTeam } from 'fhir/r4.js';
import {
  CARE_TEAM_EXTENSIONS,
  careTeamResource,
  formCareTeamCommand,
  updateCareTeamCommands,
} from '../src/fhir/care-team/index.js';
import { CARE_TEAM_STATUSES, type CareTeamEvent, type CareTeamStatus } from '../src/care-team/index.js';
import {
  CAREGIVER,
  CAREGIVER_ROLE,
  COORDINATOR,
  EHR,
  FORMED,
  formedTeam,
  IDNPS,
  LATER,
  next,
  revisionOf,
  run,
  stateOf,
} from './support/care-team-fixtures.js';
import {
  careTeamBody,
  expectValidR4,
  INS,
  ROLE_CODE,
  withoutServerOwned,
} from './support/fhir-care-team-fixtures.js';

const VERSION = { versionId: '1', lastUpdated: FORMED };

/** A team in each status (formed active, moved by the coordinator; proposed: formed so). */
function teamIn(status: CareTeamStatus): CareTeamEvent[] {
  if (status === 'proposed') return formedTeam({ status: 'proposed' });
  const formed = formedTeam();
  if (status === 'active') return formed;
  return [...formed, ...next({ ...revisionOf(formed), status }, formed)];
}

describe('a FHIR CareTeam round trip (POST → form → decide → render)', () => {
  const body = careTeamBody();
  const command = formCareTeamCommand(body, { careTeamId: 'team-1', actor: COORDINATOR, now: FORMED });
  const state = stateOf(run([command]));
  const rendered = careTeamResource(state, VERSION);

  it('gives back every element the client sent, besides the server-owned ones', () => {
    expect(withoutServerOwned(rendered)).toEqual(withoutServerOwned(body));
  });

  it('is valid R4', () => {
    expectValidR4(rendered);
  });

  it('sets id and meta from the server, the care plan and who recorded the last change as extensions', () => {
    expect(rendered).toMatchObject({ id: 'team-1', meta: { versionId: '1', lastUpdated: FORMED } });
    expect(rendered.extension).toEqual([
      {
        url: CARE_TEAM_EXTENSIONS.carePlan,
        valueReference: { reference: 'CarePlan/ppcs-1', type: 'CarePlan' },
      },
      {
        url: CARE_TEAM_EXTENSIONS.recordedBy,
        valueReference: {
          type: 'Practitioner',
          identifier: { system: IDNPS, value: '870000000001' },
          display: 'C',
        },
      },
    ]);
  });

  it('references the patient by INS with type Patient (for patient= searches)', () => {
    expect(rendered.subject).toEqual({
      type: 'Patient',
      identifier: { system: INS, value: '279035121518989' },
    });
  });

  it('gives each participant its memberId as element id, and the caregiver its relationship', () => {
    expect(rendered.participant?.map((p) => p.id)).toEqual(['m-coord', 'm-gp', 'm-idel', 'm-aidant']);
    expect(rendered.participant?.[3]?.member).toEqual({
      extension: [
        {
          url: CARE_TEAM_EXTENSIONS.relationship,
          valueCodeableConcept: { coding: [{ system: ROLE_CODE, code: 'DAU' }] },
        },
      ],
      type: 'RelatedPerson',
      display: 'Marie Martin',
    });
  });

  it('PUT back unchanged is no command', () => {
    expect(updateCareTeamCommands(state, rendered, { actor: COORDINATOR, now: LATER })).toEqual([]);
  });

  it('a POST of the rendered resource forms the same team', () => {
    expect(formCareTeamCommand(rendered, { careTeamId: 'team-1', actor: COORDINATOR, now: FORMED })).toEqual(
      command,
    );
  });
});

describe('careTeamResource', () => {
  it.each(CARE_TEAM_STATUSES)(
    'renders a %s team as valid R4, and PUT back unchanged is no command',
    (status) => {
      const state = stateOf(teamIn(status));
      const rendered = careTeamResource(state, { versionId: '2', lastUpdated: LATER });
      expectValidR4(rendered);
      expect(rendered.status).toBe(status);
      expect(updateCareTeamCommands(state, rendered, { actor: COORDINATOR, now: LATER })).toEqual([]);
    },
  );

  it('renders an ended membership with its end, and leaves a removed one out', () => {
    const formed = formedTeam();
    const revision = revisionOf(formed);
    const events = [
      ...formed,
      ...next(
        {
          ...revision,
          participants: revision.participants
            .filter((p) => p.memberId !== 'm-idel')
            .map((p) => (p.memberId === 'm-gp' ? { ...p, period: { start: FORMED, end: LATER } } : p)),
        },
        formed,
      ),
    ];
    const rendered = careTeamResource(stateOf(events), VERSION);
    expect(rendered.participant?.map((p) => [p.id, p.period])).toEqual([
      ['m-coord', { start: FORMED }],
      ['m-gp', { start: FORMED, end: LATER }],
      ['m-aidant', { start: FORMED }],
    ]);
    expectValidR4(rendered);
  });

  it('renders a minimal team (no name, category, organisation or plan) as valid R4', () => {
    const state = stateOf(
      formedTeam({
        actor: EHR,
        details: { category: [], managingOrganizations: [] },
        participants: [
          { memberId: 'a', member: CAREGIVER, role: CAREGIVER_ROLE },
          {
            memberId: 'b',
            member: { kind: 'related-person', display: 'Paul', identifier: { system: 'urn:x', value: '1' } },
            role: CAREGIVER_ROLE,
          },
        ],
      }),
    );
    const rendered: CareTeam = careTeamResource(state, VERSION);
    expect(rendered.name).toBeUndefined();
    expect(rendered.category).toBeUndefined();
    expect(rendered.managingOrganization).toBeUndefined();
    expect(rendered.extension?.map((e) => e.url)).toEqual([CARE_TEAM_EXTENSIONS.recordedBy]);
    expect(rendered.participant?.[1]?.member).toEqual({
      type: 'RelatedPerson',
      identifier: { system: 'urn:x', value: '1' },
      display: 'Paul',
    });
    expectValidR4(rendered);
  });
});
