import { assertNever } from '@carenet/eventsourcing';
import { recordAssignments } from './responsibility.js';
import type { TaskDetails } from './task-content.js';
import type { TaskEvent } from './task-events.js';
import type { ExistingTask, TaskState } from './task-state.js';
import type { TaskStatus } from './task-state-machine.js';

function moved(state: ExistingTask, status: TaskStatus, at: string): ExistingTask {
  return { ...state, status, lastModified: at };
}

function withoutKeys(state: ExistingTask, keys: readonly (keyof TaskDetails)[]): ExistingTask {
  return Object.fromEntries(
    Object.entries(state).filter(([key]) => !(keys as readonly string[]).includes(key)),
  ) as ExistingTask;
}

/** Folds one event into the state. Events of a Task that does not exist are ignored. */
export function evolve(state: TaskState, event: TaskEvent): TaskState {
  if (event.type === 'TaskDrafted' || event.type === 'TaskRequested' || event.type === 'TaskReadied') {
    const status: TaskStatus =
      event.type === 'TaskDrafted' ? 'draft' : event.type === 'TaskRequested' ? 'requested' : 'ready';
    if (state.exists) return { ...state, ...event.data.task, status, lastModified: event.data.at };
    return {
      ...event.data.task,
      exists: true,
      id: event.data.taskId,
      status,
      accepted: status === 'ready',
      outputs: [],
      lastModified: event.data.at,
      responsibility: recordAssignments([], event.data.assignments),
    };
  }
  if (!state.exists) return state;
  const { at } = event.data;
  switch (event.type) {
    case 'TaskReceived':
      return moved(state, 'received', at);
    case 'TaskAccepted':
      return { ...moved(state, 'accepted', at), accepted: true };
    case 'TaskRejected':
      return { ...moved(state, 'rejected', at), statusReason: event.data.reason };
    case 'TaskStarted':
      return moved(state, 'in-progress', at);
    case 'TaskPutOnHold': {
      const { statusReason: _previous, ...rest } = moved(state, 'on-hold', at);
      return event.data.reason === undefined ? rest : { ...rest, statusReason: event.data.reason };
    }
    case 'TaskResumed':
      return moved(state, 'in-progress', at);
    case 'TaskCompleted':
      return { ...moved(state, 'completed', at), outputs: event.data.outputs };
    case 'TaskFailed':
      return { ...moved(state, 'failed', at), statusReason: event.data.reason };
    case 'TaskCancelled':
      return { ...moved(state, 'cancelled', at), statusReason: event.data.reason };
    case 'TaskEnteredInError':
      return event.data.reason === undefined
        ? moved(state, 'entered-in-error', at)
        : { ...moved(state, 'entered-in-error', at), statusReason: event.data.reason };
    case 'TaskOwnerChanged':
      return {
        ...state,
        owner: event.data.owner,
        lastModified: at,
        responsibility: recordAssignments(state.responsibility, event.data.assignments),
      };
    case 'ResponsibilityTransferred':
      return {
        ...state,
        owner: event.data.to,
        lastModified: at,
        responsibility: recordAssignments(state.responsibility, event.data.assignments),
      };
    case 'TaskDetailsChanged': {
      const { overdueNotifiedFor, ...rest } = withoutKeys(state, event.data.removed);
      const changed = { ...rest, ...event.data.changed, lastModified: at };
      const due = changed.restrictionPeriod?.end;
      // A new due date may fall due again.
      return overdueNotifiedFor !== undefined && due === overdueNotifiedFor
        ? { ...changed, overdueNotifiedFor }
        : changed;
    }
    case 'TaskOverdue':
      return { ...state, overdueNotifiedFor: event.data.due };
    default:
      return assertNever(event);
  }
}
