import type { Actor } from '@carenet/access';
import { BusinessRuleError } from '@carenet/eventsourcing';
import type { TaskStatusCommand } from './task-commands.js';
import { TASK_RULES } from './task-rules.js';
import type { TaskState } from './task-state.js';
import { TASK_STATE_MACHINE, type TaskStatus, type TransitionCommandType } from './task-state-machine.js';
import type { TaskCodeableConcept, TaskOutputValue } from './task-values.js';

/**
 * The command type of a status change, from the state machine table; an illegal transition is
 * a BusinessRuleError `task-illegal-transition` naming from and to.
 */
export function transitionCommand(from: TaskStatus, to: TaskStatus): TransitionCommandType {
  const command = TASK_STATE_MACHINE[from][to];
  if (command === undefined) {
    throw new BusinessRuleError(
      TASK_RULES.illegalTransition,
      `a task cannot go from ${from} to ${to} (FHIR R4 Task state machine)`,
    );
  }
  return command;
}

/** What a FHIR update brings along with the new `status`. */
export interface StatusChangeInput {
  readonly actor: Actor;
  readonly now: string;
  /** `Task.statusReason` of the update. */
  readonly statusReason?: TaskCodeableConcept;
  /** `Task.output` of the update (for completed). */
  readonly outputs?: TaskOutputValue[];
}

/**
 * The command a FHIR update/patch of `Task.status` stands for (EHRs drive transitions this way):
 * `undefined` when the status does not change, else the transition command with the reason or
 * outputs it needs (the decider still checks who may, and that a required reason is there).
 * A Task that does not exist yet is created with CreateTask, not through this function.
 */
export function commandForStatusChange(
  state: TaskState,
  target: TaskStatus,
  input: StatusChangeInput,
): TaskStatusCommand | undefined {
  if (!state.exists) {
    throw new BusinessRuleError(TASK_RULES.notCreated, 'the task does not exist');
  }
  if (state.status === target) return undefined;
  const issued = { actor: input.actor, now: input.now };
  const reason = input.statusReason === undefined ? {} : { reason: input.statusReason };
  const type = transitionCommand(state.status, target);
  switch (type) {
    case 'RejectTask':
    case 'FailTask':
    case 'CancelTask':
    case 'PutTaskOnHold':
    case 'MarkTaskEnteredInError':
      return { type, ...issued, ...reason };
    case 'CompleteTask':
      return { type, ...issued, outputs: input.outputs ?? [] };
    case 'SubmitTask':
    case 'ReceiveTask':
    case 'AcceptTask':
    case 'StartTask':
    case 'ResumeTask':
      return { type, ...issued };
  }
}
