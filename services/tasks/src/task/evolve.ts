import { assertNever } from '@carenet/eventsourcing';
import { recordAssignments } from './responsibility.js';
import type { TaskDetails } from './task-content.js';
import type { TaskEvent } from './task-events.js';
import type { ExistingTask, TaskState } from './task-state.js';
import type { TaskStatus } from './task-state-machine.js';

function moved(state: ExistingTask, status: TaskStatus, event: TaskEvent): ExistingTask {
  return { ...state, status, lastModified: event.data.at, lastModifiedBy: event.data.by };
}

/** Ends the execution period (completed, failed, cancelled) of a Task that was started. */
function ended(state: ExistingTask, at: string): ExistingTask {
  return state.executionPeriod?.start === undefined
    ? state
    : { ...state, executionPeriod: { ...state.executionPeriod, end: at } };
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
    if (state.exists)
      return {
        ...state,
        ...event.data.task,
        status,
        lastModified: event.data.at,
        lastModifiedBy: event.data.by,
      };
    return {
      ...event.data.task,
      exists: true,
      id: event.data.taskId,
      status,
      accepted: status === 'ready',
      outputs: [],
      lastModified: event.data.task.lastModified ?? event.data.at,
      lastModifiedBy: event.data.by,
      createdBy: event.data.by,
      responsibility: recordAssignments([], event.data.assignments),
    };
  }
  if (!state.exists) return state;
  const { at, by } = event.data;
  switch (event.type) {
    case 'TaskReceived':
      return moved(state, 'received', event);
    case 'TaskAccepted':
      return { ...moved(state, 'accepted', event), accepted: true };
    case 'TaskRejected':
      return { ...moved(state, 'rejected', event), statusReason: event.data.reason };
    case 'TaskStarted':
      return { ...moved(state, 'in-progress', event), executionPeriod: { start: at } };
    case 'TaskPutOnHold': {
      const { statusReason: _previous, ...rest } = moved(state, 'on-hold', event);
      return event.data.reason === undefined ? rest : { ...rest, statusReason: event.data.reason };
    }
    case 'TaskResumed':
      return moved(state, 'in-progress', event);
    case 'TaskCompleted':
      return { ...ended(moved(state, 'completed', event), at), outputs: event.data.outputs };
    case 'TaskFailed':
      return { ...ended(moved(state, 'failed', event), at), statusReason: event.data.reason };
    case 'TaskCancelled':
      return { ...ended(moved(state, 'cancelled', event), at), statusReason: event.data.reason };
    case 'TaskEnteredInError':
      return event.data.reason === undefined
        ? moved(state, 'entered-in-error', event)
        : { ...moved(state, 'entered-in-error', event), statusReason: event.data.reason };
    case 'TaskOwnerChanged':
      return {
        ...state,
        owner: event.data.owner,
        lastModified: at,
        lastModifiedBy: by,
        responsibility: recordAssignments(state.responsibility, event.data.assignments),
      };
    case 'ResponsibilityTransferred':
      return {
        ...state,
        owner: event.data.to,
        lastModified: at,
        lastModifiedBy: by,
        responsibility: recordAssignments(state.responsibility, event.data.assignments),
      };
    case 'TaskDetailsChanged': {
      const { overdueNotifiedFor, ...rest } = withoutKeys(state, event.data.removed);
      const { priorityGiven, ...merged } = {
        ...rest,
        ...event.data.changed,
        lastModified: at,
        lastModifiedBy: by,
      };
      // The state keeps `priorityGiven` only when false (none given).
      const changed = priorityGiven === false ? { ...merged, priorityGiven } : merged;
      const due = changed.restrictionPeriod?.end;
      // A new due date may fall due again.
      return overdueNotifiedFor !== undefined && due === overdueNotifiedFor
        ? { ...changed, overdueNotifiedFor }
        : changed;
    }
    case 'TaskElementsChanged': {
      const { elements: before, ...rest } = state;
      const elements = Object.fromEntries(
        Object.entries({ ...before, ...event.data.changed }).filter(
          ([key]) => !event.data.removed.includes(key),
        ),
      );
      return {
        ...rest,
        ...event.data.restated,
        ...(Object.keys(elements).length === 0 ? {} : { elements }),
        lastModified: at,
        lastModifiedBy: by,
      };
    }
    case 'TaskOverdue':
      return { ...state, overdueNotifiedFor: event.data.due };
    default:
      return assertNever(event);
  }
}
