import { describe, expect, it } from '@jest/globals';
import { BusinessRuleError, fold } from '@carenet/eventsourcing';
import { deciderSpecification } from '@carenet/testing';
import {
  commandForStatusChange,
  TASK_STATE_MACHINE,
  TASK_STATUSES,
  taskDecider,
  targetOf,
  transitionCommand,
  type TaskEvent,
  type TaskStatus,
  type TaskStatusCommand,
  type TransitionCommandType,
} from '../src/task/index.js';
import { GP, historyOf, LATER, NURSE_1, TASK_ID, transition } from './support/task-fixtures.js';

const spec = deciderSpecification(taskDecider);

/** The R4 transitions, written out once more so that an edit of the table fails a test. */
const R4_TRANSITIONS: readonly string[] = [
  'draft → requested',
  'draft → cancelled',
  'requested → received',
  'requested → accepted',
  'requested → rejected',
  'requested → cancelled',
  'received → accepted',
  'received → rejected',
  'received → cancelled',
  'accepted → in-progress',
  'accepted → cancelled',
  'ready → in-progress',
  'ready → cancelled',
  'in-progress → on-hold',
  'in-progress → completed',
  'in-progress → failed',
  'in-progress → cancelled',
  'on-hold → in-progress',
  'on-hold → failed',
  'on-hold → cancelled',
  ...TASK_STATUSES.filter((status) => status !== 'entered-in-error').map(
    (status) => `${status} → entered-in-error`,
  ),
];

const COMMAND_TYPES: readonly TransitionCommandType[] = [
  'SubmitTask',
  'ReceiveTask',
  'AcceptTask',
  'RejectTask',
  'StartTask',
  'PutTaskOnHold',
  'ResumeTask',
  'CompleteTask',
  'FailTask',
  'CancelTask',
  'MarkTaskEnteredInError',
];

function expectedEvent(
  command: TaskStatusCommand,
  from: TaskStatus,
  history: readonly TaskEvent[],
): TaskEvent {
  const fact = { taskId: TASK_ID, by: command.actor, at: LATER };
  switch (command.type) {
    case 'SubmitTask': {
      const drafted = history[0];
      if (drafted?.type !== 'TaskDrafted') throw new TypeError('a draft starts with TaskDrafted');
      return { type: 'TaskRequested', data: { ...fact, task: drafted.data.task, assignments: [] } };
    }
    case 'ReceiveTask':
      return { type: 'TaskReceived', data: fact };
    case 'AcceptTask':
      return { type: 'TaskAccepted', data: fact };
    case 'StartTask':
      return { type: 'TaskStarted', data: fact };
    case 'ResumeTask':
      return { type: 'TaskResumed', data: fact };
    case 'RejectTask':
      return { type: 'TaskRejected', data: { ...fact, reason: command.reason! } };
    case 'FailTask':
      return { type: 'TaskFailed', data: { ...fact, reason: command.reason! } };
    case 'CancelTask':
      return { type: 'TaskCancelled', data: { ...fact, reason: command.reason! } };
    case 'PutTaskOnHold':
      return { type: 'TaskPutOnHold', data: { ...fact, reason: command.reason! } };
    case 'CompleteTask':
      return { type: 'TaskCompleted', data: { ...fact, outputs: command.outputs } };
    case 'MarkTaskEnteredInError':
      return { type: 'TaskEnteredInError', data: { ...fact, previousStatus: from, reason: command.reason! } };
  }
}

const pairs = TASK_STATUSES.flatMap((from) =>
  TASK_STATUSES.filter((to) => to !== from).map((to) => ({
    from,
    to,
    command: TASK_STATE_MACHINE[from][to],
  })),
);

describe('the R4 Task state machine table', () => {
  it('holds exactly the transitions of the R4 diagram', () => {
    const allowed = pairs
      .filter((pair) => pair.command !== undefined)
      .map(({ from, to }) => `${from} → ${to}`);
    expect(allowed.sort()).toEqual([...R4_TRANSITIONS].sort());
  });

  it('gives each command a single target status', () => {
    for (const type of COMMAND_TYPES) {
      const targets = new Set(pairs.filter((pair) => pair.command === type).map((pair) => pair.to));
      expect([...targets]).toEqual([targetOf(type)]);
    }
  });

  it('creates tasks in draft, requested or ready only', () => {
    spec
      .given([])
      .when({ ...taskCreation(), status: 'in-progress' as 'ready' })
      .thenThrows(BusinessRuleError, { rule: 'task-initial-status' });
  });
});

function taskCreation() {
  const first = historyOf('requested')[0];
  if (first?.type !== 'TaskRequested') throw new TypeError('unexpected history');
  const { task } = first.data;
  return {
    type: 'CreateTask' as const,
    taskId: TASK_ID,
    actor: GP,
    now: LATER,
    status: 'requested' as const,
    intent: task.intent,
    mode: task.mode,
    for: task.for,
    requester: task.requester,
    owner: task.owner!,
    details: {
      code: task.code,
      basedOn: task.basedOn,
      priority: task.priority,
      notes: task.notes,
      inputs: task.inputs,
    },
  };
}

describe.each(pairs.filter((pair) => pair.command !== undefined))(
  'allowed: $from → $to',
  ({ from, to, command }) => {
    it(`${command!} produces its event`, () => {
      const history = historyOf(from);
      const when = transition(command!);
      spec
        .given(history)
        .when(when)
        .then([expectedEvent(when, from, history)]);
    });

    it('is what a FHIR update of status to it stands for', () => {
      const when = transition(command!);
      const input = {
        actor: when.actor,
        now: when.now,
        ...('reason' in when ? { statusReason: when.reason } : {}),
        ...('outputs' in when ? { outputs: when.outputs } : {}),
      };
      expect(commandForStatusChange(fold(taskDecider, historyOf(from)), to, input)).toEqual(when);
      expect(transitionCommand(from, to)).toBe(command);
    });
  },
);

describe.each(pairs.filter((pair) => pair.command === undefined))(
  'forbidden: $from → $to',
  ({ from, to }) => {
    const message = `a task cannot go from ${from} to ${to} (FHIR R4 Task state machine)`;

    it('is refused as task-illegal-transition by every command leading to it', () => {
      for (const type of COMMAND_TYPES.filter((command) => targetOf(command) === to)) {
        spec
          .given(historyOf(from))
          .when(transition(type))
          .thenThrows(BusinessRuleError, { rule: 'task-illegal-transition', message });
      }
    });

    it('is refused as task-illegal-transition when a FHIR update asks for it', () => {
      const state = fold(taskDecider, historyOf(from));
      expect(() => commandForStatusChange(state, to, { actor: NURSE_1, now: LATER })).toThrow(
        expect.objectContaining({ rule: 'task-illegal-transition', message }),
      );
    });
  },
);

describe('a FHIR update that keeps the status', () => {
  it('stands for no transition', () => {
    for (const status of TASK_STATUSES) {
      expect(
        commandForStatusChange(fold(taskDecider, historyOf(status)), status, { actor: GP, now: LATER }),
      ).toBe(undefined);
    }
  });
});
