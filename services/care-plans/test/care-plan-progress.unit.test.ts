import { describe, expect, it } from '@jest/globals';
import { BusinessRuleError, ForbiddenError } from '@carenet/eventsourcing';
import { deciderSpecification } from '@carenet/testing';
import {
  activityStatusOf,
  CARE_PLAN_RULES,
  carePlanDecider,
  type ActivityStatus,
  type CarePlanCommand,
  type RecordActionProgress,
  type TaskStatus,
} from '../src/care-plan/index.js';
import {
  active,
  CONSUMER,
  COORDINATOR,
  drafted,
  eventsOf,
  fact,
  LATER,
  linked,
  run,
  stateOf,
} from './support/care-plan-fixtures.js';

const spec = deciderSpecification(carePlanDecider);

const link = (actionId: string, taskId: string): CarePlanCommand => ({
  type: 'LinkActionTask',
  actor: CONSUMER,
  now: LATER,
  actionId,
  taskId,
});
const progress = (
  taskStatus: TaskStatus,
  extra: { taskVersion?: number; taskId?: string } = {},
): RecordActionProgress => ({
  type: 'RecordActionProgress',
  actor: CONSUMER,
  now: LATER,
  actionId: 'wound-care',
  taskStatus,
  ...extra,
});

describe('linking an action to its Task', () => {
  it('records activity.reference once; the same link again changes nothing', () => {
    spec
      .given(active())
      .when(link('wound-care', 'task-w'))
      .then([
        {
          type: 'CarePlanActionLinked',
          data: { ...fact(CONSUMER), actionId: 'wound-care', taskId: 'task-w' },
        },
      ]);
    spec
      .given(run([link('wound-care', 'task-w')], active()))
      .when(link('wound-care', 'task-w'))
      .then([]);
    expect(stateOf(run([link('wound-care', 'task-w')], active())).activities['wound-care']?.taskId).toBe(
      'task-w',
    );
  });

  it('another Task for a linked action is an error; an unknown action is ignored', () => {
    spec
      .given(run([link('wound-care', 'task-w')], active()))
      .when(link('wound-care', 'task-other'))
      .thenThrows(BusinessRuleError, { rule: CARE_PLAN_RULES.actionLinkedElsewhere });
    spec.given(active()).when(link('no-such-action', 'task-x')).then([]);
    spec.given(drafted()).when(link('wound-care', 'task-w')).then([]);
  });

  it('only a system (the consumer) links and reports progress', () => {
    spec
      .given(active())
      .when({ ...link('wound-care', 'task-w'), actor: COORDINATOR })
      .thenThrows(ForbiddenError);
    spec
      .given(active())
      .when({ ...progress('completed'), actor: COORDINATOR })
      .thenThrows(ForbiddenError);
  });
});

describe('Task status → activity.detail.status', () => {
  const table: [TaskStatus, ActivityStatus, ActivityStatus][] = [
    ['draft', 'scheduled', 'not-started'],
    ['requested', 'scheduled', 'scheduled'],
    ['received', 'scheduled', 'scheduled'],
    ['accepted', 'scheduled', 'scheduled'],
    ['ready', 'scheduled', 'scheduled'],
    ['in-progress', 'scheduled', 'in-progress'],
    ['on-hold', 'in-progress', 'on-hold'],
    ['completed', 'in-progress', 'completed'],
    ['cancelled', 'scheduled', 'cancelled'],
    ['rejected', 'scheduled', 'cancelled'],
    ['cancelled', 'in-progress', 'stopped'],
    ['cancelled', 'on-hold', 'stopped'],
    ['failed', 'in-progress', 'stopped'],
    ['entered-in-error', 'completed', 'entered-in-error'],
  ];
  it.each(table)('a Task %s (action %s) → %s', (task, current, expected) => {
    expect(activityStatusOf(task, current)).toBe(expected);
  });

  it('emits CarePlanActionProgressed when the status changes, nothing on a replay', () => {
    spec
      .given(linked())
      .when(progress('in-progress', { taskVersion: 3 }))
      .then([
        {
          type: 'CarePlanActionProgressed',
          data: {
            ...fact(CONSUMER),
            actionId: 'wound-care',
            taskId: 'task-wound-care',
            taskStatus: 'in-progress',
            taskVersion: 3,
            previousStatus: 'scheduled',
            status: 'in-progress',
          },
        },
      ]);
    const started = run([progress('in-progress', { taskVersion: 3 })], linked());
    spec
      .given(started)
      .when(progress('in-progress', { taskVersion: 3 }))
      .then([]);
    // Accepted maps to scheduled: it would be a change, but the Task version is older.
    spec
      .given(started)
      .when(progress('accepted', { taskVersion: 2 }))
      .then([]);
    // Without versions: the same status again changes nothing.
    spec
      .given(run([progress('in-progress')], linked()))
      .when(progress('in-progress'))
      .then([]);
  });

  it('a finished action does not come back, except to entered-in-error', () => {
    const done = run([progress('in-progress'), progress('completed')], linked());
    expect(stateOf(done).activities['wound-care']?.status).toBe('completed');
    spec.given(done).when(progress('requested')).then([]);
    expect(eventsOf(progress('entered-in-error'), done).map((event) => event.type)).toEqual([
      'CarePlanActionProgressed',
    ]);
  });

  it('a report of another Task than the linked one, or of an unknown action, is ignored', () => {
    spec
      .given(linked())
      .when(progress('completed', { taskId: 'task-old' }))
      .then([]);
    spec
      .given(linked())
      .when({ ...progress('completed'), actionId: 'removed-long-ago' })
      .then([]);
  });

  it('a removed action still follows its Task being cancelled', () => {
    const withdrawn = run(
      [{ type: 'RevokeCarePlan', actor: COORDINATOR, now: LATER, reason: { text: 'moved away' } }],
      linked(),
    );
    expect(eventsOf(progress('cancelled'), withdrawn).map((event) => event.type)).toEqual([
      'CarePlanActionProgressed',
    ]);
    expect(stateOf(run([progress('cancelled')], withdrawn)).activities['wound-care']).toMatchObject({
      status: 'cancelled',
      withdrawn: true,
    });
  });
});
