// PUT of a CarePlan: the revision, the status command, immutable elements, action ids.
import { describe, expect, it } from '@jest/globals';
import type { CarePlan, CarePlanActivity } from 'fhir/r4.js';
import { LITERAL_REFERENCE_SYSTEM } from '@carenet/access';
import {
  CARE_PLAN_RULES,
  CARE_PLAN_STATUSES,
  type CarePlanEvent,
  type ReviseCarePlan,
} from '../src/care-plan/index.js';
import {
  CARE_PLAN_EXTENSIONS,
  carePlanResource,
  draftCarePlanCommand,
  updateCarePlanCommands,
} from '../src/fhir/care-plan/index.js';
import {
  ACTIVATE,
  active,
  AGREE,
  CARE_PLAN_ID,
  COORDINATOR,
  D,
  draftCommand,
  drafted,
  LATER,
  run,
  stateOf,
  VALIDATE,
} from './support/care-plan-fixtures.js';
import {
  actionIds,
  businessRule,
  DAILY_HELP_ACTIVITY,
  expectValidR4,
  INS,
  issuePaths,
  s2Body,
  validator,
} from './support/fhir-care-plan-fixtures.js';

const ISSUED = { actor: COORDINATOR, now: LATER };

const render = (events: readonly CarePlanEvent[]): CarePlan => {
  const state = stateOf(events);
  return carePlanResource(state, { versionId: String(events.length), lastUpdated: state.lastModified });
};

/** The plan drafted through FHIR (action ids a1, a2, a3). */
const fhirDrafted = (): CarePlanEvent[] =>
  run([draftCarePlanCommand(s2Body(), { carePlanId: CARE_PLAN_ID, actor: COORDINATOR, now: D })]);

const put = (events: readonly CarePlanEvent[], change: (resource: CarePlan) => CarePlan) =>
  updateCarePlanCommands(stateOf(events), change(render(events)), ISSUED);

const revised = (commands: readonly unknown[]): ReviseCarePlan => {
  const [command] = commands;
  expect(commands).toHaveLength(1);
  expect(command).toMatchObject({ type: 'ReviseCarePlan' });
  return command as ReviseCarePlan;
};

describe('updateCarePlanCommands: content', () => {
  it('a changed title is a ReviseCarePlan with the full new content', () => {
    const events = fhirDrafted();
    const command = revised(put(events, (r) => ({ ...r, title: 'PPCS de Y (v2)' })));
    const [drafted] = events;
    if (drafted?.type !== 'CarePlanDrafted') throw new TypeError('not drafted');
    expect(command).toEqual({
      type: 'ReviseCarePlan',
      ...ISSUED,
      plan: { ...drafted.data.plan, title: 'PPCS de Y (v2)' },
    });
    const after = run([command], events);
    expect(render(after).title).toBe('PPCS de Y (v2)');
    expect(render(after).meta?.versionId).toBe('2');
  });

  it('an activity without id is a new action with the next free id; the others keep theirs', () => {
    const events = fhirDrafted();
    const newAction: CarePlanActivity = {
      detail: { ...DAILY_HELP_ACTIVITY.detail!, description: 'week-end' },
    };
    const command = revised(put(events, (r) => ({ ...r, activity: [newAction, ...(r.activity ?? [])] })));
    expect(command.plan.actions.map((a) => a.actionId)).toEqual(['a4', 'a1', 'a2', 'a3']);
    const resource = render(run([command], events));
    expect(actionIds(resource)).toEqual(['a4', 'a1', 'a2', 'a3']);
    expectValidR4(resource);
  });

  it('never gives a new action the id of a removed one (its Task would be confused)', () => {
    const events = fhirDrafted();
    const removed = run(
      put(events, (r) => ({ ...r, activity: r.activity?.slice(0, 2) })),
      events,
    );
    expect(actionIds(render(removed))).toEqual(['a1', 'a2']);
    // a3 was only drafted, never handed over: it is free again once no version holds it...
    const again = revised(
      put(removed, (r) => ({ ...r, activity: [...(r.activity ?? []), DAILY_HELP_ACTIVITY] })),
    );
    expect(again.plan.actions.map((a) => a.actionId)).toEqual(['a1', 'a2', 'a3']);
    // ...but once handed over (an active plan), a removed action's id is never reused.
    const activeEvents = run([VALIDATE, AGREE, ACTIVATE], fhirDrafted());
    const withoutA3 = run(
      put(activeEvents, (r) => ({ ...r, activity: r.activity?.slice(0, 2) })),
      activeEvents,
    );
    const readded = revised(
      put(withoutA3, (r) => ({ ...r, activity: [...(r.activity ?? []), DAILY_HELP_ACTIVITY] })),
    );
    expect(readded.plan.actions.map((a) => a.actionId)).toEqual(['a1', 'a2', 'a4']);
  });

  it('keeps the ids clients give on create and numbers the others around them', () => {
    const body = s2Body();
    const [first, ...rest] = body.activity ?? [];
    const command = draftCarePlanCommand(
      {
        ...body,
        activity: [
          ...rest,
          { ...first, extension: [{ url: CARE_PLAN_EXTENSIONS.actionId, valueString: 'a1' }] },
        ],
      },
      { carePlanId: CARE_PLAN_ID, actor: COORDINATOR, now: D },
    );
    expect(command.plan.actions.map((a) => a.actionId)).toEqual(['a2', 'a3', 'a1']);
  });

  it('a changed due date, review date or schedule is a revision the domain hands over', () => {
    const events = fhirDrafted();
    const command = revised(
      put(events, (r) => ({
        ...r,
        extension: (r.extension ?? []).map((e) =>
          e.url === CARE_PLAN_EXTENSIONS.reviewDate ? { ...e, valueDate: '2026-07-01' } : e,
        ),
      })),
    );
    expect(command.plan.reviewDate).toBe('2026-07-01');
  });

  it('refuses a changed subject (care-plan-subject-immutable) and a changed author', () => {
    const events = fhirDrafted();
    expect(
      businessRule(() =>
        put(events, (r) => ({ ...r, subject: { identifier: { system: INS, value: '180017512345678' } } })),
      ).rule,
    ).toBe(CARE_PLAN_RULES.subjectImmutable);
    expect(
      businessRule(() =>
        put(events, (r) => ({
          ...r,
          author: { identifier: { system: 'urn:oid:1.2.250.1.71.4.2.1', value: '810000000009' } },
        })),
      ).rule,
    ).toBe(CARE_PLAN_RULES.immutableElement);
  });

  it('an author left out means unchanged', () => {
    const events = fhirDrafted();
    expect(put(events, ({ author: _author, ...r }) => r)).toEqual([]);
  });
});

describe('updateCarePlanCommands: status', () => {
  it('active → on-hold is a SuspendCarePlan with the status-reason extension as reason', () => {
    const reason = { text: 'hospitalised' };
    const commands = put(active(), (r) => ({
      ...r,
      status: 'on-hold',
      extension: [
        ...(r.extension ?? []),
        { url: CARE_PLAN_EXTENSIONS.statusReason, valueCodeableConcept: reason },
      ],
    }));
    expect(commands).toEqual([{ type: 'SuspendCarePlan', ...ISSUED, reason }]);
    const suspended = render(run(commands, active()));
    expectValidR4(suspended);
    expect(
      suspended.extension?.find((e) => e.url === CARE_PLAN_EXTENSIONS.statusReason)?.valueCodeableConcept,
    ).toEqual(reason);
  });

  it('revises, then moves the status; but resumes an on-hold plan before revising it', () => {
    const toCompleted = put(active(), (r) => ({ ...r, title: 'closing', status: 'completed' }));
    expect(toCompleted.map((c) => c.type)).toEqual(['ReviseCarePlan', 'CompleteCarePlan']);
    const onHold = run([{ type: 'SuspendCarePlan', ...ISSUED }], active());
    const resumed = updateCarePlanCommands(
      stateOf(onHold),
      { ...render(onHold), title: 'back', status: 'active' },
      {
        ...ISSUED,
        otherActivePpcs: 'ppcs-other',
      },
    );
    expect(resumed.map((c) => c.type)).toEqual(['ResumeCarePlan', 'ReviseCarePlan']);
    expect(resumed[0]).toEqual({ type: 'ResumeCarePlan', ...ISSUED, otherActivePpcs: 'ppcs-other' });
  });

  it('activation passes on the other active PPCS the caller found, for the decider to refuse', () => {
    const approved = run([draftCommand(), VALIDATE, AGREE]);
    const commands = updateCarePlanCommands(
      stateOf(approved),
      { ...render(approved), status: 'active' },
      {
        ...ISSUED,
        otherActivePpcs: 'ppcs-y-0',
      },
    );
    expect(commands).toEqual([{ type: 'ActivateCarePlan', ...ISSUED, otherActivePpcs: 'ppcs-y-0' }]);
    expect(businessRule(() => run(commands, approved)).rule).toBe(CARE_PLAN_RULES.ppcsOneActivePerPatient);
  });

  it('a move the lifecycle does not allow is care-plan-illegal-transition', () => {
    expect(businessRule(() => put(drafted(), (r) => ({ ...r, status: 'completed' }))).rule).toBe(
      CARE_PLAN_RULES.illegalTransition,
    );
  });

  it('status unknown is not a care plan status', () => {
    expect(issuePaths(() => put(drafted(), (r) => ({ ...r, status: 'unknown' })))).toEqual([
      'CarePlan.status',
    ]);
  });

  it.each(CARE_PLAN_STATUSES)(
    'renders a %s plan as valid R4, and PUT back unchanged is no command',
    (status) => {
      const base = active();
      const closing: Record<string, CarePlanEvent[]> = {
        draft: drafted(),
        active: base,
        'on-hold': run([{ type: 'SuspendCarePlan', ...ISSUED }], base),
        revoked: run([{ type: 'RevokeCarePlan', ...ISSUED, reason: { text: 'moved away' } }], base),
        completed: run([{ type: 'CompleteCarePlan', ...ISSUED }], base),
        'entered-in-error': run([{ type: 'MarkCarePlanEnteredInError', ...ISSUED }], base),
      };
      const events = closing[status] ?? [];
      const resource = render(events);
      expect(resource.status).toBe(status);
      expectValidR4(resource);
      expect(updateCarePlanCommands(stateOf(events), resource, ISSUED)).toEqual([]);
    },
  );
});

describe('reading a CarePlan body: issues, with their paths', () => {
  const draft = (body: CarePlan) =>
    draftCarePlanCommand(body, { carePlanId: CARE_PLAN_ID, actor: COORDINATOR, now: D });

  it('takes a literal subject, kept as given; a literal that names no Patient is an issue', () => {
    expect(draft(s2Body({ subject: { reference: 'Patient/123', display: 'P' } })).plan.subject).toEqual({
      system: LITERAL_REFERENCE_SYSTEM,
      value: 'Patient/123',
      reference: 'Patient/123',
      display: 'P',
    });
    expect(issuePaths(() => draft(s2Body({ subject: { reference: 'Group/123' } })))).toEqual([
      'CarePlan.subject.reference',
    ]);
    expect(issuePaths(() => draft(s2Body({ subject: { reference: '#p' } })))).toEqual([
      'CarePlan.subject.reference',
    ]);
  });

  it('takes goal and careTeam as #id of contained resources, kept as given', () => {
    const command = draft(
      s2Body({
        contained: [
          { resourceType: 'Goal', id: 'g' },
          { resourceType: 'CareTeam', id: 't' },
        ],
        goal: [{ reference: '#g' }, { reference: 'Goal/g2' }],
        careTeam: [{ reference: '#t' }],
      }),
    );
    expect(command.plan.goals).toEqual(['g2']);
    expect(command.plan.careTeam).toBeUndefined();
    expect(command.plan.kept).toMatchObject({
      goal: [{ reference: '#g' }, { reference: 'Goal/g2' }],
      careTeam: [{ reference: '#t' }],
    });
    expect(issuePaths(() => draft(s2Body({ goal: [{ reference: '#t' }] })))).toEqual([
      'CarePlan.goal[0].reference',
    ]);
  });

  it('refuses an intent other than plan, and a status other than draft on create', () => {
    expect(issuePaths(() => draft(s2Body({ intent: 'order' })))).toEqual(['CarePlan.intent']);
    expect(businessRule(() => draft(s2Body({ status: 'active' }))).rule).toBe(CARE_PLAN_RULES.initialStatus);
  });

  it('reports every content issue at once', () => {
    const body = s2Body();
    const [wound, med] = body.activity ?? [];
    const paths = issuePaths(() =>
      draft({
        ...body,
        goal: [{ reference: 'Condition/c1' }],
        careTeam: [{ reference: 'CareTeam/a' }, { reference: 'CareTeam/b' }],
        period: { start: 'yesterday' },
        extension: [
          ...(body.extension ?? []).filter((e) => e.url !== CARE_PLAN_EXTENSIONS.coordinator),
          { url: CARE_PLAN_EXTENSIONS.coordinator, valueReference: { reference: 'Patient/c' } },
          { url: CARE_PLAN_EXTENSIONS.situation, extension: [{ url: 'kind', valueCode: 'wish' }] },
        ],
        activity: [
          { ...wound, reference: { reference: 'Task/t1' } },
          {
            detail: {
              ...med?.detail,
              status: 'not-started',
              scheduledPeriod: undefined,
              scheduledString: 'soon',
            },
          },
          { detail: { status: 'not-started', kind: 'Appointment', performer: [] } },
        ],
      }),
    );
    const SITUATION = `CarePlan.extension('${CARE_PLAN_EXTENSIONS.situation}')[4]`;
    expect(paths).toEqual([
      'CarePlan.period.start',
      `${SITUATION}.extension('kind')`,
      `${SITUATION}.extension('dimension')`,
      `${SITUATION}.extension('text')`,
      'CarePlan.goal[0].reference',
      'CarePlan.careTeam',
      `CarePlan.extension('${CARE_PLAN_EXTENSIONS.coordinator}').valueReference.reference`,
      'CarePlan.activity[0].reference',
      'CarePlan.activity[1].detail.scheduledString',
      'CarePlan.activity[2].detail.code',
      'CarePlan.activity[2].detail.performer',
    ]);
  });

  it('refuses a Timing it cannot keep whole, and an action id that is not an id', () => {
    const body = s2Body();
    const [wound] = body.activity ?? [];
    const paths = issuePaths(() =>
      draft({
        ...body,
        activity: [
          {
            extension: [{ url: CARE_PLAN_EXTENSIONS.actionId, valueString: 'a 1' }],
            detail: {
              ...wound?.detail,
              status: 'not-started',
              scheduledTiming: { repeat: { frequency: 3, period: 1, periodUnit: 'wk', dayOfWeek: ['mon'] } },
            },
          },
        ],
      }),
    );
    expect(paths).toEqual([
      `CarePlan.activity[0].extension('${CARE_PLAN_EXTENSIONS.actionId}').valueString`,
      'CarePlan.activity[0].detail.scheduledTiming.repeat.dayOfWeek',
    ]);
  });

  it('R4 cpl-3 forbids a reference beside a detail: why the Task is an extension', () => {
    const resource = render(fhirDrafted());
    const [first, ...rest] = resource.activity ?? [];
    const both = { ...resource, activity: [{ ...first, reference: { reference: 'Task/t1' } }, ...rest] };
    const result = validator.validate(both, { type: 'CarePlan' });
    expect(result.ok).toBe(false);
  });
});
