import type { CarePlanActivity, CarePlanActivityDetail, Coding, Extension, Period, Timing } from 'fhir/r4.js';
import {
  ACTION_KINDS,
  ACTION_PRIORITIES,
  actionDue,
  isFinishedCarePlan,
  PERIOD_UNITS,
  type ActionKind,
  type ActionSchedule,
  type ActivityStatus,
  type CarePlanAction,
  type ExistingCarePlan,
  type InstantPeriod,
} from '../../care-plan/index.js';
import { extensionPath, singleExtension } from '../shared/extensions.js';
import { optional } from '../shared/optional.js';
import { partyOfReference, partyReference, type ContainedTypeOf } from '@carenet/access';
import type { ValidationIssues } from '@carenet/eventsourcing';
import type { ActionKept } from '../../care-plan/index.js';
import { keptElementsBut, keptElementsOf, keptExtensions, keptParty } from '../shared/kept-elements.js';
import { ACTION_ID_PATTERN } from './care-plan-action-identifier.js';
import { ACTION_KIND_SYSTEM, CARE_PLAN_EXTENSIONS } from './care-plan-canonical.js';

const KIND_DISPLAY: Readonly<Record<ActionKind, string>> = {
  prevention: 'Prevention',
  care: 'Care',
  medication: 'Medication',
  social: 'Social',
  education: 'Education',
  coordination: 'Coordination',
};

/** The coding of a kind of action. */
export function actionKindCoding(kind: ActionKind): Coding {
  return { system: ACTION_KIND_SYSTEM, code: kind, display: KIND_DISPLAY[kind] };
}

function periodOf(period: InstantPeriod): Period {
  return { ...optional('start', period.start), ...optional('end', period.end) };
}

function scheduledOf(scheduled: ActionSchedule | undefined): Partial<CarePlanActivityDetail> {
  if (scheduled === undefined) return {};
  if (scheduled.kind === 'period') return { scheduledPeriod: periodOf(scheduled) };
  const timing: Timing = {
    repeat: {
      ...(scheduled.boundsPeriod === undefined ? {} : { boundsPeriod: periodOf(scheduled.boundsPeriod) }),
      frequency: scheduled.frequency,
      period: scheduled.period,
      periodUnit: scheduled.periodUnit,
    },
  };
  return { scheduledTiming: timing };
}

/**
 * The action's Task and detail status as the plan knows them. An action never handed over (a
 * draft, a revision awaiting re-validation) is not-started and has no Task; so is an action
 * removed then put back while its new occurrence waits to be handed over. Once the plan ended,
 * its withdrawn actions keep their Task and last status.
 */
function progressOf(state: ExistingCarePlan, actionId: string): { status: ActivityStatus; taskId?: string } {
  const activity = state.activities[actionId];
  if (activity === undefined || (activity.withdrawn && !isFinishedCarePlan(state.status))) {
    return { status: 'not-started' };
  }
  return { status: activity.status, ...optional('taskId', activity.taskId) };
}

/**
 * One `CarePlan.activity` per action: the action in `detail` (kind Task: each action is carried
 * out as a Task), its stable id in the `care-plan-action-id` extension of the activity, and its
 * Task in the `care-plan-activity-task` extension (not `activity.reference`: R4 cpl-3).
 */
export function activityOf(state: ExistingCarePlan, action: CarePlanAction): CarePlanActivity {
  const progress = progressOf(state, action.actionId);
  const kept = state.actionsKept?.[action.actionId];
  const effectiveDue = actionDue(action, state.reviewDate);
  const detailExtensions: Extension[] = [
    { url: CARE_PLAN_EXTENSIONS.actionPriority, valueCode: action.priority },
    ...(action.kind === undefined
      ? []
      : [{ url: CARE_PLAN_EXTENSIONS.actionKind, valueCoding: actionKindCoding(action.kind) }]),
    ...(action.expectedResult === undefined
      ? []
      : [{ url: CARE_PLAN_EXTENSIONS.actionExpectedResult, valueString: action.expectedResult }]),
    ...(action.due === undefined ? [] : [{ url: CARE_PLAN_EXTENSIONS.actionDue, valueDateTime: action.due }]),
    ...(effectiveDue === undefined
      ? []
      : [{ url: CARE_PLAN_EXTENSIONS.actionEffectiveDue, valueDateTime: effectiveDue }]),
    ...keptExtensions(kept?.detail),
  ];
  return {
    ...keptElementsBut(kept?.activity),
    extension: [
      { url: CARE_PLAN_EXTENSIONS.actionId, valueString: action.actionId },
      ...(progress.taskId === undefined
        ? []
        : [
            {
              url: CARE_PLAN_EXTENSIONS.actionTask,
              valueReference: { reference: `Task/${progress.taskId}`, type: 'Task' },
            },
          ]),
      ...keptExtensions(kept?.activity),
    ],
    detail: {
      extension: detailExtensions,
      kind: 'Task',
      ...keptElementsBut(kept?.detail),
      code: action.code,
      status: progress.status,
      ...scheduledOf(action.scheduled),
      performer: [partyReference(action.performer)],
      ...optional('description', action.description),
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Reading

const DATE_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/;

function dateTimeOf(value: string | undefined, path: string, issues: ValidationIssues): string | undefined {
  if (value === undefined) return undefined;
  if (!DATE_TIME.test(value) || Number.isNaN(Date.parse(value))) {
    issues.add(path, `${value} is not a date or a date-time`);
    return;
  }
  return value;
}

/** A FHIR Period as a period of instants (`undefined` when it has no bound); bounds that are not dates are issues. */
export function instantPeriodOf(
  period: Period | undefined,
  path: string,
  issues: ValidationIssues,
): InstantPeriod | undefined {
  if (period === undefined) return undefined;
  const start = dateTimeOf(period.start, `${path}.start`, issues);
  const end = dateTimeOf(period.end, `${path}.end`, issues);
  return start === undefined && end === undefined
    ? undefined
    : { ...optional('start', start), ...optional('end', end) };
}

const REPEAT_KEYS = ['frequency', 'period', 'periodUnit', 'boundsPeriod'];

function timingOf(timing: Timing, path: string, issues: ValidationIssues): ActionSchedule | undefined {
  const SUPPORTED =
    'a Timing is repeat.frequency times per repeat.period repeat.periodUnit, within repeat.boundsPeriod';
  for (const key of Object.keys(timing)) {
    if (key !== 'repeat') issues.add(`${path}.${key}`, `is not supported: ${SUPPORTED}`);
  }
  const repeat = timing.repeat;
  if (repeat === undefined) {
    issues.add(`${path}.repeat`, `is required: ${SUPPORTED}`);
    return;
  }
  for (const key of Object.keys(repeat)) {
    if (!REPEAT_KEYS.includes(key)) issues.add(`${path}.repeat.${key}`, `is not supported: ${SUPPORTED}`);
  }
  const periodUnit = PERIOD_UNITS.find((unit) => unit === repeat.periodUnit);
  if (repeat.period === undefined) issues.add(`${path}.repeat.period`, 'is required: how long a period is');
  if (periodUnit === undefined)
    issues.add(`${path}.repeat.periodUnit`, `is one of ${PERIOD_UNITS.join(', ')}`);
  const boundsPeriod = instantPeriodOf(repeat.boundsPeriod, `${path}.repeat.boundsPeriod`, issues);
  if (repeat.period === undefined || periodUnit === undefined) return undefined;
  return {
    kind: 'timing',
    // R4: "If no frequency is stated, the assumption is that the action occurs once per period".
    frequency: repeat.frequency ?? 1,
    period: repeat.period,
    periodUnit,
    ...optional('boundsPeriod', boundsPeriod),
  };
}

function scheduleOf(
  detail: CarePlanActivityDetail,
  path: string,
  issues: ValidationIssues,
): ActionSchedule | undefined {
  if (detail.scheduledString !== undefined) {
    issues.add(`${path}.scheduledString`, 'is not taken: give a scheduledTiming or a scheduledPeriod');
    return;
  }
  if (detail.scheduledTiming !== undefined) {
    return timingOf(detail.scheduledTiming, `${path}.scheduledTiming`, issues);
  }
  if (detail.scheduledPeriod !== undefined) {
    const period = instantPeriodOf(detail.scheduledPeriod, `${path}.scheduledPeriod`, issues);
    return period === undefined ? undefined : { kind: 'period', ...period };
  }
  return undefined;
}

/**
 * An action as read from an activity; `actionId` absent when the client gave none (a new action);
 * `kept`: the activity's and detail's elements not modelled, as given.
 */
export type ReadAction = Omit<CarePlanAction, 'actionId'> & {
  readonly actionId?: string;
  readonly kept?: ActionKept;
};

/** The activity and detail elements the domain models or the server owns (the others are kept). */
const ACTIVITY_MODELLED: ReadonlySet<string> = new Set(['detail', 'reference']);
const DETAIL_MODELLED: ReadonlySet<string> = new Set([
  'kind',
  'code',
  'status',
  'doNotPerform',
  'scheduledTiming',
  'scheduledPeriod',
  'scheduledString',
  'performer',
  'description',
]);
const KNOWN_EXTENSIONS: ReadonlySet<string> = new Set(Object.values(CARE_PLAN_EXTENSIONS));

/** What of an activity is kept as given: unmodelled elements, `detail.kind` other than Task, `doNotPerform: false`. */
function actionKeptOf(
  activity: CarePlanActivity,
  detail: CarePlanActivityDetail,
  path: string,
  issues: ValidationIssues,
): ActionKept | undefined {
  const onActivity = keptElementsOf(activity, ACTIVITY_MODELLED, path, issues, KNOWN_EXTENSIONS);
  const onDetail = {
    ...keptElementsOf(detail, DETAIL_MODELLED, `${path}.detail`, issues, KNOWN_EXTENSIONS),
    ...(detail.kind === undefined || detail.kind === 'Task' ? {} : { kind: detail.kind }),
    ...(detail.doNotPerform === false ? { doNotPerform: false } : {}),
  };
  const kept = {
    ...optional('activity', onActivity),
    ...(Object.keys(onDetail).length === 0 ? {} : { detail: onDetail }),
  };
  return Object.keys(kept).length === 0 ? undefined : kept;
}

function actionIdOf(activity: CarePlanActivity, path: string, issues: ValidationIssues) {
  const url = CARE_PLAN_EXTENSIONS.actionId;
  const extension = singleExtension(activity.extension, path, url, issues);
  if (extension === undefined) return undefined;
  const id = extension.valueString;
  if (id === undefined || !ACTION_ID_PATTERN.test(id)) {
    issues.add(
      `${extensionPath(path, url)}.valueString`,
      'is the action id the server gave: letters, digits, - and . (at most 64)',
    );
    return;
  }
  return id;
}

function detailExtensionsOf(detail: CarePlanActivityDetail, path: string, issues: ValidationIssues) {
  const read = (url: string) => singleExtension(detail.extension, path, url, issues);
  const priorityCode = read(CARE_PLAN_EXTENSIONS.actionPriority)?.valueCode;
  const priorityPath = `${extensionPath(path, CARE_PLAN_EXTENSIONS.actionPriority)}.valueCode`;
  const priority =
    priorityCode === undefined
      ? 'routine'
      : ACTION_PRIORITIES.find((candidate) => candidate === priorityCode);
  if (priority === undefined) issues.add(priorityPath, `is one of ${ACTION_PRIORITIES.join(', ')}`);
  const kindExtension = read(CARE_PLAN_EXTENSIONS.actionKind);
  const kind =
    kindExtension === undefined
      ? undefined
      : kindExtension.valueCoding?.system === ACTION_KIND_SYSTEM
        ? ACTION_KINDS.find((candidate) => candidate === kindExtension.valueCoding?.code)
        : undefined;
  if (kindExtension !== undefined && kind === undefined) {
    issues.add(
      `${extensionPath(path, CARE_PLAN_EXTENSIONS.actionKind)}.valueCoding`,
      `is a coding of ${ACTION_KIND_SYSTEM}: ${ACTION_KINDS.join(', ')}`,
    );
  }
  const expected = read(CARE_PLAN_EXTENSIONS.actionExpectedResult);
  if (expected !== undefined && expected.valueString === undefined) {
    issues.add(
      `${extensionPath(path, CARE_PLAN_EXTENSIONS.actionExpectedResult)}.valueString`,
      'is required',
    );
  }
  const dueExtension = read(CARE_PLAN_EXTENSIONS.actionDue);
  const duePath = `${extensionPath(path, CARE_PLAN_EXTENSIONS.actionDue)}.valueDateTime`;
  if (dueExtension !== undefined && dueExtension.valueDateTime === undefined)
    issues.add(duePath, 'is required');
  const due = dateTimeOf(dueExtension?.valueDateTime, duePath, issues);
  return { priority, kind, expectedResult: expected?.valueString, due };
}

/**
 * The action of `CarePlan.activity[index]`: `detail` is required (`activity.reference` is not
 * taken: the server renders the action's Task); `detail.kind` as given (Task when absent: each
 * action is carried out as a Task); `detail.code`
 * required; one `detail.performer`, by identifier; `scheduledTiming` (frequency per period, within
 * bounds) or `scheduledPeriod`; description; the priority (default routine), kind, expected result
 * and due extensions. `detail.status` is the server's (a new action, without id, states
 * not-started or nothing); the server-owned extensions are ignored; the elements not modelled are
 * kept as given (`kept`); a `doNotPerform`
 * activity is refused (carenet plans what is to be done). `undefined` when an issue was found.
 */
export function actionOf(
  activity: CarePlanActivity,
  index: number,
  issues: ValidationIssues,
  containedTypeOf?: ContainedTypeOf,
): ReadAction | undefined {
  const path = `CarePlan.activity[${index}]`;
  const actionId = actionIdOf(activity, path, issues);
  if (activity.reference !== undefined) {
    issues.add(
      `${path}.reference`,
      'is not taken: an action is given as activity.detail (its Task is rendered by the server in the care-plan-activity-task extension)',
    );
  }
  const detail = activity.detail;
  if (detail === undefined) {
    issues.add(`${path}.detail`, 'is required: the action (what, who, when)');
    return;
  }
  const at = `${path}.detail`;
  const status = detail.status as string | undefined;
  if (actionId === undefined && status !== undefined && status !== 'not-started') {
    issues.add(
      `${at}.status`,
      `is the server's: it follows the action's Task, and a new action is not-started (not ${status})`,
    );
  }
  if (detail.doNotPerform === true) {
    issues.add(`${at}.doNotPerform`, 'is not taken: a care plan action says what is to be done');
  }
  if (detail.code === undefined) issues.add(`${at}.code`, 'is required: what the action is');
  const performers = detail.performer ?? [];
  if (performers.length !== 1) {
    issues.add(`${at}.performer`, 'is one professional or organisation, by national identifier');
  }
  const performer =
    performers.length === 1
      ? keptParty(partyOfReference(performers[0], `${at}.performer[0]`, issues, containedTypeOf))
      : undefined;
  const kept = actionKeptOf(activity, detail, path, issues);
  const scheduled = scheduleOf(detail, at, issues);
  const { priority, kind, expectedResult, due } = detailExtensionsOf(detail, at, issues);
  if (detail.code === undefined || performer === undefined || priority === undefined) return undefined;
  return {
    ...optional('actionId', actionId),
    code: detail.code,
    ...optional('description', detail.description),
    performer,
    ...optional('scheduled', scheduled),
    ...optional('due', due),
    ...optional('expectedResult', expectedResult),
    priority,
    ...optional('kind', kind),
    ...optional('kept', kept),
  };
}
