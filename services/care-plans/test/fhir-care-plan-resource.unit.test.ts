// The CarePlan FHIR mapping on scenario S2 of DOMAIN.md §7: the PPCS C's software POSTs, drafted,
// validated by Dr B, agreed by Y, activated by a PUT, its actions' Tasks linked and progressing.
import { describe, expect, it } from '@jest/globals';
import type { CarePlan, CarePlanActivity } from 'fhir/r4.js';
import type { CarePlanCommand, CarePlanEvent, ExistingCarePlan } from '../src/care-plan/index.js';
import {
  CARE_PLAN_EXTENSIONS,
  carePlanResource,
  draftCarePlanCommand,
  recordAgreementCommand,
  updateCarePlanCommands,
  validatePlanCommand,
} from '../src/fhir/care-plan/index.js';
import {
  CARE_PLAN_ID,
  CONSUMER,
  COORDINATOR,
  D,
  D_PLUS_48H,
  END_OF_REVIEW_DAY,
  GP,
  LATER,
  NURSE,
  PATIENT_Y,
  PLAN,
  run,
  stateOf,
  WOUND_CARE_END,
} from './support/care-plan-fixtures.js';
import {
  actionIds,
  COORDINATOR_REF,
  expectValidR4,
  extensionOf,
  GP_REF,
  INS,
  s2Body,
  withoutServerOwned,
  Y_INS,
} from './support/fhir-care-plan-fixtures.js';

const render = (events: readonly CarePlanEvent[]): CarePlan => {
  const state = stateOf(events);
  return carePlanResource(state, { versionId: String(events.length), lastUpdated: state.lastModified });
};

const detailStatuses = (resource: CarePlan) => (resource.activity ?? []).map((a) => a.detail?.status);
const taskOf = (activity: CarePlanActivity | undefined) =>
  extensionOf(activity, CARE_PLAN_EXTENSIONS.actionTask)?.valueReference;
const effectiveDueOf = (activity: CarePlanActivity | undefined) =>
  extensionOf(activity?.detail, CARE_PLAN_EXTENSIONS.actionEffectiveDue)?.valueDateTime;

describe('a FHIR CarePlan round trip (POST → DraftCarePlan → decide → render)', () => {
  const body = s2Body();
  const command = draftCarePlanCommand(body, { carePlanId: CARE_PLAN_ID, actor: COORDINATOR, now: D });
  const events = run([command]);
  const state = stateOf(events);
  const rendered = render(events);

  it('reads the S2 plan: the same content as the domain fixture, ids a1, a2, a3 given in order', () => {
    expect(command).toEqual({
      type: 'DraftCarePlan',
      carePlanId: CARE_PLAN_ID,
      actor: COORDINATOR,
      now: D,
      author: { kind: 'professional', identifier: COORDINATOR_REF.identifier, display: 'C' },
      plan: {
        ...PLAN,
        actions: PLAN.actions.map((action, index) => ({ ...action, actionId: `a${index + 1}` })),
      },
    });
  });

  it('gives back every element the client sent, besides the server-owned ones', () => {
    expect(withoutServerOwned(rendered)).toEqual(withoutServerOwned(body));
  });

  it('is valid R4', () => {
    expectValidR4(rendered);
  });

  it('sets id, meta and created from the server, the action ids and their not-started status', () => {
    expect(rendered).toMatchObject({
      id: CARE_PLAN_ID,
      meta: { versionId: '1', lastUpdated: D },
      created: D,
      status: 'draft',
      intent: 'plan',
    });
    expect(actionIds(rendered)).toEqual(['a1', 'a2', 'a3']);
    expect(detailStatuses(rendered)).toEqual(['not-started', 'not-started', 'not-started']);
  });

  it('references the patient by INS with type Patient (for patient= searches)', () => {
    expect(rendered.subject).toEqual({ type: 'Patient', identifier: { system: INS, value: Y_INS } });
  });

  it('renders the due date of each action: end of its Timing bounds, of its Period, else of the review day', () => {
    expect(rendered.activity?.map(effectiveDueOf)).toEqual([WOUND_CARE_END, D_PLUS_48H, END_OF_REVIEW_DAY]);
    expect(rendered.activity?.map((a) => extensionOf(a.detail, CARE_PLAN_EXTENSIONS.actionDue))).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('renders the server-owned extensions: actions version, no re-validation pending, who recorded it', () => {
    expect(extensionOf(rendered, CARE_PLAN_EXTENSIONS.actionsVersion)?.valuePositiveInt).toBe(1);
    expect(extensionOf(rendered, CARE_PLAN_EXTENSIONS.revalidationRequired)?.valueBoolean).toBe(false);
    expect(extensionOf(rendered, CARE_PLAN_EXTENSIONS.recordedBy)?.valueReference).toEqual(COORDINATOR_REF);
    expect(extensionOf(rendered, CARE_PLAN_EXTENSIONS.validation)).toBeUndefined();
  });

  it('PUT back unchanged is no command', () => {
    expect(updateCarePlanCommands(state, rendered, { actor: COORDINATOR, now: LATER })).toEqual([]);
  });

  it('takes the acting professional as author when the body names none', () => {
    const { author: _author, ...noAuthor } = body;
    const drafted = draftCarePlanCommand(noAuthor, { carePlanId: CARE_PLAN_ID, actor: COORDINATOR, now: D });
    expect(drafted.author).toEqual(command.author);
  });
});

describe('S2 through FHIR: validate, agree, activate, follow the Tasks', () => {
  const drafted = run([
    draftCarePlanCommand(s2Body(), { carePlanId: CARE_PLAN_ID, actor: COORDINATOR, now: D }),
  ]);
  const validated = run([validatePlanCommand(undefined, { actor: GP, now: LATER })], drafted);
  const agreed = run(
    [
      recordAgreementCommand(
        {
          resourceType: 'Parameters',
          parameter: [
            { name: 'agreedBy', valueCode: 'patient' },
            { name: 'method', valueCode: 'electronic' },
          ],
        },
        { actor: PATIENT_Y, now: LATER },
      ),
    ],
    validated,
  );
  const activation = updateCarePlanCommands(
    stateOf(agreed),
    { ...render(agreed), status: 'active' },
    { actor: COORDINATOR, now: LATER },
  );
  const active = run(activation, agreed);
  const link = (actionId: string): CarePlanCommand => ({
    type: 'LinkActionTask',
    actor: CONSUMER,
    now: LATER,
    actionId,
    taskId: `task-${actionId}`,
  });
  const linked = run([link('a1'), link('a2'), link('a3')], active);
  const progressed = run(
    [
      {
        type: 'RecordActionProgress',
        actor: CONSUMER,
        now: LATER,
        actionId: 'a2',
        taskStatus: 'completed',
        taskId: 'task-a2',
        taskVersion: 3,
      },
      {
        type: 'RecordActionProgress',
        actor: CONSUMER,
        now: LATER,
        actionId: 'a1',
        taskStatus: 'in-progress',
        taskId: 'task-a1',
        taskVersion: 2,
      },
    ],
    linked,
  );

  it('renders the validation by Dr B, current, for actions version 1 (valid R4)', () => {
    const resource = render(validated);
    expectValidR4(resource);
    expect(extensionOf(resource, CARE_PLAN_EXTENSIONS.validation)).toEqual({
      url: CARE_PLAN_EXTENSIONS.validation,
      extension: [
        { url: 'validator', valueReference: GP_REF },
        { url: 'at', valueDateTime: LATER },
        { url: 'actionsVersion', valuePositiveInt: 1 },
        { url: 'current', valueBoolean: true },
      ],
    });
  });

  it('renders the agreement by Y, electronic, current (valid R4)', () => {
    const resource = render(agreed);
    expectValidR4(resource);
    expect(extensionOf(resource, CARE_PLAN_EXTENSIONS.agreement)).toEqual({
      url: CARE_PLAN_EXTENSIONS.agreement,
      extension: [
        { url: 'agreedBy', valueCode: 'patient' },
        { url: 'method', valueCode: 'electronic' },
        { url: 'recordedBy', valueReference: { type: 'Patient', identifier: { system: INS, value: Y_INS } } },
        { url: 'at', valueDateTime: LATER },
        { url: 'actionsVersion', valuePositiveInt: 1 },
        { url: 'current', valueBoolean: true },
      ],
    });
  });

  it('a PUT with status active is the activation', () => {
    expect(activation).toEqual([{ type: 'ActivateCarePlan', actor: COORDINATOR, now: LATER }]);
    expect(render(active).status).toBe('active');
  });

  it('renders handed-over actions as scheduled, without a Task until the tasks consumer links it', () => {
    const resource = render(active);
    expectValidR4(resource);
    expect(detailStatuses(resource)).toEqual(['scheduled', 'scheduled', 'scheduled']);
    expect(resource.activity?.map(taskOf)).toEqual([undefined, undefined, undefined]);
  });

  it('renders each Task link in the activity-task extension, with detail (cpl-3: no activity.reference)', () => {
    const resource = render(linked);
    expectValidR4(resource);
    expect(resource.activity?.map(taskOf)).toEqual(
      ['a1', 'a2', 'a3'].map((id) => ({ reference: `Task/task-${id}`, type: 'Task' })),
    );
    expect(resource.activity?.every((a) => a.reference === undefined && a.detail !== undefined)).toBe(true);
  });

  it('keeps detail.status in step with the Tasks: in-progress, completed, scheduled', () => {
    const resource = render(progressed);
    expectValidR4(resource);
    expect(detailStatuses(resource)).toEqual(['in-progress', 'completed', 'scheduled']);
  });

  it('PUT back of the followed plan is no command (status and Task links are the server’s)', () => {
    const state: ExistingCarePlan = stateOf(progressed);
    expect(updateCarePlanCommands(state, render(progressed), { actor: COORDINATOR, now: LATER })).toEqual([]);
  });

  it('a completed plan keeps its Task links and last statuses, valid R4', () => {
    const completed = run(
      updateCarePlanCommands(
        stateOf(progressed),
        { ...render(progressed), status: 'completed' },
        { actor: COORDINATOR, now: LATER },
      ),
      progressed,
    );
    const resource = render(completed);
    expectValidR4(resource);
    expect(resource.status).toBe('completed');
    expect(resource.activity?.map(taskOf)).toHaveLength(3);
    expect(detailStatuses(resource)).toEqual(['in-progress', 'completed', 'scheduled']);
  });

  it('a nurse is not the author: the mapping does not decide who may act', () => {
    expect(
      updateCarePlanCommands(
        stateOf(active),
        { ...render(active), title: 'x' },
        { actor: NURSE, now: LATER },
      ),
    ).toHaveLength(1);
  });
});
