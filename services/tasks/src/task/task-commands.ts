import type { Actor } from '@carenet/access';
import type { Party } from '@carenet/access/party';
import type { ResponsibilityBasis } from './responsibility.js';
import type { TaskDetails } from './task-content.js';
import type { InitialTaskStatus } from './task-state-machine.js';
import type {
  CooperationMode,
  InstantPeriod,
  PatientIdentifier,
  TaskCodeableConcept,
  TaskElements,
  TaskIdentifier,
  TaskIntent,
  TaskOutputValue,
  TaskReference,
} from './task-values.js';

/** Every command says who issues it and when: the decider never reads the clock. */
interface Issued {
  readonly actor: Actor;
  /** ISO 8601 instant, from the clock of the caller. */
  readonly now: string;
}

export interface CreateTask extends Issued {
  readonly type: 'CreateTask';
  readonly taskId: string;
  readonly status: InitialTaskStatus;
  readonly intent: TaskIntent;
  readonly mode: CooperationMode;
  readonly for: PatientIdentifier;
  readonly requester: Party;
  /** Required unless status is draft. */
  readonly owner?: Party;
  /** Required for sharing, refused otherwise. */
  readonly coOwner?: Party;
  /** Required for transfer, refused otherwise. */
  readonly responsibilityMoves?: boolean;
  readonly partOf?: string;
  /** `Task.partOf` as given (its reference is `Task/<partOf>`). */
  readonly partOfReference?: TaskReference;
  /** Basis of the initial assignments; by default the protocol, else the care plan, else an agreement. */
  readonly basis?: ResponsibilityBasis;
  /** Business identifiers (`Task.identifier`), kept as given; they never change. */
  readonly identifiers?: TaskIdentifier[];
  readonly details: TaskDetails;
  /** `Task.authoredOn` as given (default: `now`). */
  readonly authoredOn?: string;
  /** `Task.lastModified` as given (default: `now`). */
  readonly lastModified?: string;
  /** The elements kept as given (see TaskElements). */
  readonly elements?: TaskElements;
}

/** draft → requested (requester). */
export interface SubmitTask extends Issued {
  readonly type: 'SubmitTask';
}
/** requested → received (owner). */
export interface ReceiveTask extends Issued {
  readonly type: 'ReceiveTask';
}
/** requested | received → accepted (owner). */
export interface AcceptTask extends Issued {
  readonly type: 'AcceptTask';
}
/** requested | received → rejected (owner); `reason` becomes statusReason, required. */
export interface RejectTask extends Issued {
  readonly type: 'RejectTask';
  readonly reason?: TaskCodeableConcept;
}
/** accepted | ready → in-progress (owner). */
export interface StartTask extends Issued {
  readonly type: 'StartTask';
}
/** in-progress → on-hold (owner). */
export interface PutTaskOnHold extends Issued {
  readonly type: 'PutTaskOnHold';
  readonly reason?: TaskCodeableConcept;
}
/** on-hold → in-progress (owner). */
export interface ResumeTask extends Issued {
  readonly type: 'ResumeTask';
}
/** in-progress → completed (owner), with the outputs. */
export interface CompleteTask extends Issued {
  readonly type: 'CompleteTask';
  readonly outputs: TaskOutputValue[];
}
/** in-progress | on-hold → failed (owner); reason required. */
export interface FailTask extends Issued {
  readonly type: 'FailTask';
  readonly reason?: TaskCodeableConcept;
}
/** any unfinished status → cancelled (requester); reason required. */
export interface CancelTask extends Issued {
  readonly type: 'CancelTask';
  readonly reason?: TaskCodeableConcept;
}
/** any status → entered-in-error (requester, or an administrator system). */
export interface MarkTaskEnteredInError extends Issued {
  readonly type: 'MarkTaskEnteredInError';
  readonly reason?: TaskCodeableConcept;
}
/** The requester changes the request (full new details, PUT semantics) before acceptance. */
export interface ChangeTaskDetails extends Issued {
  readonly type: 'ChangeTaskDetails';
  readonly details: TaskDetails;
}
/**
 * A party of the Task (requester, owner, an accountable party, or the creating system) changes the
 * elements kept as given (full new set, PUT semantics), and may restate the references of the
 * patient and parties (same identity, another reference, type or display), while it is open.
 */
export interface ChangeTaskElements extends Issued {
  readonly type: 'ChangeTaskElements';
  readonly elements: TaskElements;
  readonly restated?: RestatedReferences;
}

/** The patient and parties as a request names them again: the same ones, perhaps otherwise displayed. */
export type RestatedReferences = Readonly<{
  for?: PatientIdentifier;
  requester?: Party;
  owner?: Party;
  coOwner?: Party;
  /** `Task.partOf` as given again: the same parent Task (`Task/<partOf>`). */
  partOfReference?: TaskReference;
}>;

/** The requester reassigns the Task (draft or requested). */
export interface ChangeTaskOwner extends Issued {
  readonly type: 'ChangeTaskOwner';
  readonly owner: Party;
  readonly reason?: TaskCodeableConcept;
}
/** `$transfer` (owner or an accountable party): another party performs, for a period or for good. */
export interface TransferTask extends Issued {
  readonly type: 'TransferTask';
  readonly to: Party;
  readonly reason: TaskCodeableConcept;
  readonly responsibilityMoves: boolean;
  /** From `start` (default: now, never earlier) to `end` (default: for good). */
  readonly period?: InstantPeriod;
  /** Basis of the new assignments; by default the basis in force. */
  readonly basis?: ResponsibilityBasis;
}
/** From the clock service (a system actor): restriction.period.end has passed. */
export interface MarkTaskOverdue extends Issued {
  readonly type: 'MarkTaskOverdue';
}

export type TaskStatusCommand =
  | SubmitTask
  | ReceiveTask
  | AcceptTask
  | RejectTask
  | StartTask
  | PutTaskOnHold
  | ResumeTask
  | CompleteTask
  | FailTask
  | CancelTask
  | MarkTaskEnteredInError;

export type TaskCommand =
  | CreateTask
  | TaskStatusCommand
  | ChangeTaskDetails
  | ChangeTaskElements
  | ChangeTaskOwner
  | TransferTask
  | MarkTaskOverdue;
