import { describe, expect, it } from '@jest/globals';
import type { Goal } from 'fhir/r4.js';
import { LITERAL_REFERENCE_SYSTEM } from '@carenet/access';
import { CARE_TEAM_EXTENSIONS } from '../src/fhir/care-team/index.js';
import { GOAL_EXTENSIONS, goalResource, setGoalCommand, updateGoalCommands } from '../src/fhir/goal/index.js';
import { GOAL_LIFECYCLE_STATUSES, GOAL_RULES, goalDecider, type ExistingGoal } from '../src/goal/index.js';
import { IDNPS } from './support/care-team-fixtures.js';
import {
  businessRule,
  expectValidR4,
  goalBody,
  SUBJECT,
  validationIssues,
  withoutServerOwned,
} from './support/fhir-goal-fixtures.js';
import {
  ACHIEVED,
  COORDINATOR,
  DETAILS,
  GP,
  goalIn,
  IMPROVING,
  LATER,
  PATIENT,
  run,
  SET,
  stateOf,
} from './support/goal-fixtures.js';

const VERSION = { versionId: '1', lastUpdated: SET };
const input = { goalId: 'goal-1', actor: COORDINATOR, now: SET };
const set = (body: Goal) => setGoalCommand(body, input);
const paths = (body: Goal) => validationIssues(() => set(body)).map((issue) => issue.path);

describe('a FHIR Goal round trip (POST → set → decide → render)', () => {
  const body = goalBody();
  const command = set(body);
  const state = stateOf(run([command]));
  const rendered = goalResource(state, VERSION);

  it('maps the body to SetGoal', () => {
    expect(command).toEqual({
      type: 'SetGoal',
      goalId: 'goal-1',
      actor: COORDINATOR,
      now: SET,
      lifecycleStatus: 'proposed',
      subject: PATIENT,
      details: DETAILS,
    });
  });

  it('gives back every element the client sent, besides the server-owned ones', () => {
    expect(withoutServerOwned(rendered)).toEqual(withoutServerOwned(body));
  });

  it('is valid R4, with id, meta and who recorded the last change', () => {
    expectValidR4(rendered);
    expect(rendered).toMatchObject({ id: 'goal-1', meta: { versionId: '1', lastUpdated: SET } });
    expect(rendered.extension).toEqual([
      {
        url: GOAL_EXTENSIONS.recordedBy,
        valueReference: {
          type: 'Practitioner',
          identifier: { system: IDNPS, value: '870000000001' },
          display: 'C',
        },
      },
    ]);
  });

  it('PUT back unchanged is no command', () => {
    expect(updateGoalCommands(state, rendered, { actor: GP, now: LATER })).toEqual([]);
  });
});

describe('goalResource', () => {
  it.each(GOAL_LIFECYCLE_STATUSES)(
    'renders a %s goal as valid R4, and PUT back unchanged is no command',
    (status) => {
      const state = stateOf(goalIn(status));
      const rendered = goalResource(state, { versionId: '2', lastUpdated: LATER });
      expectValidR4(rendered);
      expect(rendered.lifecycleStatus).toBe(status);
      expect(updateGoalCommands(state, rendered, { actor: GP, now: LATER })).toEqual([]);
    },
  );

  it('renders a minimal goal, and a goal expressed by a professional or a relative', () => {
    const minimal = goalResource(
      stateOf(
        run([
          set({
            resourceType: 'Goal',
            lifecycleStatus: 'active',
            description: { text: 'Stay at home' },
            subject: { identifier: SUBJECT.identifier },
          }),
        ]),
      ),
      VERSION,
    );
    expect(withoutServerOwned(minimal)).toEqual({
      resourceType: 'Goal',
      lifecycleStatus: 'active',
      description: { text: 'Stay at home' },
      subject: SUBJECT,
    });
    expectValidR4(minimal);
    for (const expressedBy of [
      { type: 'Practitioner', identifier: { system: IDNPS, value: '810000000001' }, display: 'Dr A' },
      {
        extension: [
          {
            url: CARE_TEAM_EXTENSIONS.relationship,
            valueCodeableConcept: { coding: [{ system: 'urn:x', code: 'DAU' }] },
          },
        ],
        type: 'RelatedPerson',
        display: 'Marie Martin',
      },
    ]) {
      const rendered = goalResource(stateOf(run([set(goalBody({ expressedBy }))])), VERSION);
      expect(rendered.expressedBy).toEqual(expressedBy);
      expectValidR4(rendered);
    }
  });
});

describe('setGoalCommand', () => {
  it('ignores server-owned elements, keeps the unmodelled ones as given, and statusReason', () => {
    const command = set(
      goalBody({
        id: 'x',
        meta: { versionId: '9' },
        identifier: [{ system: 'urn:x', value: '1' }],
        note: [{ text: 'n' }],
        statusReason: 'why',
        statusDate: '2026-01-01',
      }),
    );
    const plain = set(goalBody());
    expect(command).toEqual({
      ...plain,
      statusReason: 'why',
      details: {
        ...plain.details,
        kept: {
          identifier: [{ system: 'urn:x', value: '1' }],
          note: [{ text: 'n' }],
          statusDate: '2026-01-01',
        },
      },
    });
  });

  it('refuses a modifierExtension and implicitRules (422: not honoured, so not kept)', () => {
    expect(
      paths(goalBody({ modifierExtension: [{ url: 'urn:m', valueBoolean: true }], implicitRules: 'urn:r' })),
    ).toEqual(['Goal.modifierExtension', 'Goal.implicitRules']);
  });

  it('keeps an achievement for an accepted or active goal', () => {
    expect(set(goalBody({ lifecycleStatus: 'active', achievementStatus: IMPROVING }))).toMatchObject({
      lifecycleStatus: 'active',
      achievementStatus: IMPROVING,
    });
  });

  it.each(['on-hold', 'completed', 'cancelled', 'entered-in-error', 'rejected'] as const)(
    'refuses to set a %s goal (goal-initial-status)',
    (lifecycleStatus) => {
      expect(businessRule(() => set(goalBody({ lifecycleStatus }))).rule).toBe(GOAL_RULES.initialStatus);
    },
  );

  it('takes a literal subject (Patient/x, an absolute URL, #id of a contained Patient), kept as given', () => {
    expect(
      set(goalBody({ subject: { reference: 'Patient/123', display: 'P' }, expressedBy: undefined })).subject,
    ).toEqual({
      system: LITERAL_REFERENCE_SYSTEM,
      value: 'Patient/123',
      reference: 'Patient/123',
      display: 'P',
    });
    expect(paths(goalBody({ subject: { reference: 'Practitioner/123' }, expressedBy: undefined }))).toEqual([
      'Goal.subject.reference',
    ]);
    expect(paths(goalBody({ subject: { reference: '#p' }, expressedBy: undefined }))).toEqual([
      'Goal.subject.reference',
    ]);
    const contained = goalBody({
      contained: [{ resourceType: 'Patient', id: 'p' }],
      subject: { reference: '#p' },
      expressedBy: { reference: '#p' },
    });
    expect(set(contained).subject.value).toBe('#p');
    expect(set(contained).details.expressedBy).toEqual({ kind: 'patient' });
  });

  it('reports every content issue at once, with its path', () => {
    const body = {
      ...goalBody({
        lifecycleStatus: 'done' as Goal['lifecycleStatus'],
        startCodeableConcept: { text: 'after surgery' },
        expressedBy: {
          type: 'Organization',
          identifier: { system: 'https://finess.esante.gouv.fr', value: '1' },
        },
      }),
      description: undefined,
      subject: undefined,
    } as unknown as Goal;
    expect(paths(body)).toEqual([
      'Goal.subject',
      'Goal.lifecycleStatus',
      'Goal.description',
      'Goal.startCodeableConcept',
      'Goal.expressedBy.type',
    ]);
  });

  it('expressedBy a patient is the subject; another patient is an issue', () => {
    expect(set(goalBody({ expressedBy: { type: 'Patient' } })).details.expressedBy).toEqual({
      kind: 'patient',
    });
    expect(
      paths(
        goalBody({ expressedBy: { type: 'Patient', identifier: { ...SUBJECT.identifier, value: '1' } } }),
      ),
    ).toEqual(['Goal.expressedBy.identifier']);
    expect(set(goalBody({ expressedBy: { reference: 'Practitioner/1' } })).details.expressedBy).toEqual({
      kind: 'professional',
      identifier: { system: LITERAL_REFERENCE_SYSTEM, value: 'Practitioner/1' },
      reference: 'Practitioner/1',
    });
    expect(paths(goalBody({ expressedBy: { reference: 'Patient/other' } }))).toEqual([
      'Goal.expressedBy.reference',
    ]);
  });

  it('leaves the description content to the decider (goal-description-required)', () => {
    const command = set(goalBody({ description: {} }));
    expect(businessRule(() => goalDecider.decide(command, goalDecider.initialState())).rule).toBe(
      GOAL_RULES.descriptionRequired,
    );
  });
});

describe('updateGoalCommands', () => {
  function read(state: ExistingGoal): Goal {
    return goalResource(state, { versionId: '2', lastUpdated: LATER });
  }
  function put(status: Parameters<typeof goalIn>[0], changes: Partial<Goal>) {
    const events = goalIn(status);
    const state = stateOf(events);
    const commands = updateGoalCommands(state, { ...read(state), ...changes }, { actor: GP, now: LATER });
    const after = run(commands, events);
    return { commands, added: after.slice(events.length), goal: stateOf(after) };
  }

  it('a changed description is one ReviseGoal → GoalRevised', () => {
    const description = { text: 'Walk 45 minutes a day without help' };
    const { commands, added, goal } = put('proposed', { description });
    expect(commands).toEqual([
      {
        type: 'ReviseGoal',
        actor: GP,
        now: LATER,
        subject: PATIENT,
        lifecycleStatus: 'proposed',
        details: { ...DETAILS, description },
      },
    ]);
    expect(added.map((e) => e.type)).toEqual(['GoalRevised']);
    expect(added[0]?.data).toMatchObject({ changed: { description }, removed: [] });
    expect(goal.description).toEqual(description);
  });

  it('elements left out are removed', () => {
    const { added } = put('proposed', { priority: undefined, target: undefined });
    expect(added[0]?.data).toMatchObject({ changed: { targets: [] }, removed: ['priority'] });
  });

  it('a new lifecycleStatus → GoalLifecycleStatusChanged, with the statusReason', () => {
    const { added, goal } = put('active', {
      lifecycleStatus: 'cancelled',
      statusReason: 'patient moved away',
    });
    expect(added.map((e) => e.type)).toEqual(['GoalLifecycleStatusChanged']);
    expect(added[0]?.data).toMatchObject({
      previousStatus: 'active',
      lifecycleStatus: 'cancelled',
      statusReason: 'patient moved away',
    });
    expect(read(goal).statusReason).toBe('patient moved away');
  });

  it('a new achievementStatus → GoalAchievementRecorded; a status move and an achievement at once', () => {
    expect(put('active', { achievementStatus: IMPROVING }).added.map((e) => e.type)).toEqual([
      'GoalAchievementRecorded',
    ]);
    const { added, goal } = put('active', { lifecycleStatus: 'completed', achievementStatus: ACHIEVED });
    expect(added.map((e) => e.type)).toEqual(['GoalLifecycleStatusChanged', 'GoalAchievementRecorded']);
    expectValidR4(read(goal));
  });

  it('the decider keeps its rules: a cancellation needs a reason, a closed goal is not revised', () => {
    const events = goalIn('active');
    const state = stateOf(events);
    const [cancel] = updateGoalCommands(
      state,
      { ...read(state), lifecycleStatus: 'cancelled', statusReason: undefined },
      { actor: GP, now: LATER },
    );
    expect(cancel).toBeDefined();
    if (cancel === undefined) return;
    expect(businessRule(() => goalDecider.decide(cancel, state)).rule).toBe(GOAL_RULES.statusReasonRequired);
    const completed = stateOf(goalIn('completed'));
    const [revise] = updateGoalCommands(
      completed,
      { ...read(completed), description: { text: 'other' } },
      { actor: GP, now: LATER },
    );
    if (revise === undefined) throw new Error('expected a command');
    expect(businessRule(() => goalDecider.decide(revise, completed)).rule).toBe(GOAL_RULES.closed);
  });

  it('reports content issues as on create', () => {
    const state = stateOf(goalIn('active'));
    expect(
      validationIssues(() =>
        updateGoalCommands(
          state,
          { ...read(state), subject: { reference: 'Practitioner/1' } },
          { actor: GP, now: LATER },
        ),
      ).map((issue) => issue.path),
    ).toEqual(['Goal.subject.reference']);
  });
});
