/**
 * The FHIR R4 Task state machine, as one table: for each status, the statuses it may move to and
 * the command that moves it there. Nothing else moves a Task's status.
 *
 * Source: HL7 FHIR R4 (4.0.1), Task resource, "Task state machine" diagram
 * (https://hl7.org/fhir/R4/task.html#statemachine), with the code definitions of
 * http://hl7.org/fhir/task-status (https://hl7.org/fhir/R4/codesystem-task-status.html):
 * - a Task starts as `draft`, `requested`, or `ready` ("used in place of requested/received/
 *   accepted/rejected when request assignment and acceptance is a given");
 * - `requested` → `received` (a potential performer claimed it) → `accepted` | `rejected`;
 *   acceptance or rejection may also come straight from `requested`;
 * - `accepted` and `ready` → `in-progress` ⇄ `on-hold`; `in-progress` → `completed` | `failed`;
 *   `on-hold` → `failed`;
 * - a Task not yet finished may be `cancelled` ("the task was not completed");
 * - `rejected`, `cancelled`, `failed`, `completed` are final; any status may be corrected to
 *   `entered-in-error`.
 * ⚠ The diagram is an image; this table was transcribed from it and the definitions, not parsed.
 */
import type { Task } from 'fhir/r4.js';

/** R4 `Task.status` (http://hl7.org/fhir/task-status). */
export type TaskStatus = Task['status'];

export const TASK_STATUSES: readonly TaskStatus[] = [
  'draft',
  'requested',
  'received',
  'accepted',
  'rejected',
  'ready',
  'cancelled',
  'in-progress',
  'on-hold',
  'failed',
  'completed',
  'entered-in-error',
];

/** The commands that move a Task from one status to another. */
export type TransitionCommandType =
  | 'SubmitTask'
  | 'ReceiveTask'
  | 'AcceptTask'
  | 'RejectTask'
  | 'StartTask'
  | 'PutTaskOnHold'
  | 'ResumeTask'
  | 'CompleteTask'
  | 'FailTask'
  | 'CancelTask'
  | 'MarkTaskEnteredInError';

/** The statuses a Task may be created in. */
export const INITIAL_STATUSES = ['draft', 'requested', 'ready'] as const;
export type InitialTaskStatus = (typeof INITIAL_STATUSES)[number];

/** from → to → command. A pair absent from the table is an illegal transition. */
export const TASK_STATE_MACHINE: Readonly<
  Record<TaskStatus, Readonly<Partial<Record<TaskStatus, TransitionCommandType>>>>
> = {
  draft: {
    requested: 'SubmitTask',
    cancelled: 'CancelTask',
    'entered-in-error': 'MarkTaskEnteredInError',
  },
  requested: {
    received: 'ReceiveTask',
    accepted: 'AcceptTask',
    rejected: 'RejectTask',
    cancelled: 'CancelTask',
    'entered-in-error': 'MarkTaskEnteredInError',
  },
  received: {
    accepted: 'AcceptTask',
    rejected: 'RejectTask',
    cancelled: 'CancelTask',
    'entered-in-error': 'MarkTaskEnteredInError',
  },
  accepted: {
    'in-progress': 'StartTask',
    cancelled: 'CancelTask',
    'entered-in-error': 'MarkTaskEnteredInError',
  },
  ready: {
    'in-progress': 'StartTask',
    cancelled: 'CancelTask',
    'entered-in-error': 'MarkTaskEnteredInError',
  },
  'in-progress': {
    'on-hold': 'PutTaskOnHold',
    completed: 'CompleteTask',
    failed: 'FailTask',
    cancelled: 'CancelTask',
    'entered-in-error': 'MarkTaskEnteredInError',
  },
  'on-hold': {
    'in-progress': 'ResumeTask',
    failed: 'FailTask',
    cancelled: 'CancelTask',
    'entered-in-error': 'MarkTaskEnteredInError',
  },
  rejected: { 'entered-in-error': 'MarkTaskEnteredInError' },
  cancelled: { 'entered-in-error': 'MarkTaskEnteredInError' },
  failed: { 'entered-in-error': 'MarkTaskEnteredInError' },
  completed: { 'entered-in-error': 'MarkTaskEnteredInError' },
  'entered-in-error': {},
};

/** The command of a transition, or `undefined` when the table does not allow it. */
export function transitionOf(from: TaskStatus, to: TaskStatus): TransitionCommandType | undefined {
  return TASK_STATE_MACHINE[from][to];
}

/** The status a transition command moves to (each command has exactly one target in the table). */
export function targetOf(command: TransitionCommandType): TaskStatus {
  for (const from of TASK_STATUSES) {
    for (const to of TASK_STATUSES) if (TASK_STATE_MACHINE[from][to] === command) return to;
  }
  throw new RangeError(`${command} is not a transition of the task state machine`);
}

/** Statuses after which the work is over: no performer works on the Task any more. */
export const FINISHED_STATUSES: readonly TaskStatus[] = [
  'rejected',
  'cancelled',
  'failed',
  'completed',
  'entered-in-error',
];

export function isFinished(status: TaskStatus): boolean {
  return FINISHED_STATUSES.includes(status);
}

/** Statuses in which the owner has agreed to perform (acceptance given): the request is frozen. */
export const ACCEPTED_STATUSES: readonly TaskStatus[] = ['accepted', 'ready', 'in-progress', 'on-hold'];

/** Statuses that require a `statusReason` (R4 Task.statusReason). */
export const STATUSES_REQUIRING_REASON: readonly TaskStatus[] = ['rejected', 'failed', 'cancelled'];
