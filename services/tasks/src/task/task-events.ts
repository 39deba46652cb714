import type { Actor } from '@carenet/access';
import type { DomainEvent, Plain } from '@carenet/eventsourcing';
import type { Party } from '@carenet/access/party';
import type { ResponsibilityAssignment, ResponsibilityBasis } from './responsibility.js';
import type { TaskContent, TaskDetails } from './task-content.js';
import type { TaskStatus } from './task-state-machine.js';
import type { RestatedReferences } from './task-commands.js';
import type { InstantPeriod, TaskCodeableConcept, TaskElements, TaskOutputValue } from './task-values.js';

/** What every Task event records: which Task, who did it, when. */
type Fact = Readonly<{
  taskId: string;
  /** The actor who issued the command. */
  by: Plain<Actor>;
  /** The instant of the fact (the command's `now`). */
  at: string;
}>;

/** A creation (or the submission of a draft): the full content and the assignments it records. */
type Creation = Fact & {
  readonly task: TaskContent;
  /** Assignments recorded by this event (empty when a draft is submitted: they came with it). */
  readonly assignments: ResponsibilityAssignment[];
};

type Reasoned = Fact & { readonly reason: TaskCodeableConcept };

/** Created in draft: not yet ready to be acted upon. */
export type TaskDrafted = DomainEvent<'TaskDrafted', Creation>;
/** Created as requested, or a draft submitted: action is sought from the owner. */
export type TaskRequested = DomainEvent<'TaskRequested', Creation>;
/** Created ready: assignment and acceptance are a given, the owner may start. */
export type TaskReadied = DomainEvent<'TaskReadied', Creation>;
export type TaskReceived = DomainEvent<'TaskReceived', Fact>;
export type TaskAccepted = DomainEvent<'TaskAccepted', Fact>;
export type TaskRejected = DomainEvent<'TaskRejected', Reasoned>;
export type TaskStarted = DomainEvent<'TaskStarted', Fact>;
export type TaskPutOnHold = DomainEvent<'TaskPutOnHold', Fact & { readonly reason?: TaskCodeableConcept }>;
export type TaskResumed = DomainEvent<'TaskResumed', Fact>;
export type TaskCompleted = DomainEvent<'TaskCompleted', Fact & { readonly outputs: TaskOutputValue[] }>;
export type TaskFailed = DomainEvent<'TaskFailed', Reasoned>;
export type TaskCancelled = DomainEvent<'TaskCancelled', Reasoned>;
export type TaskEnteredInError = DomainEvent<
  'TaskEnteredInError',
  Fact & { readonly previousStatus: TaskStatus; readonly reason?: TaskCodeableConcept }
>;
/** The requester reassigned the Task before acceptance. */
export type TaskOwnerChanged = DomainEvent<
  'TaskOwnerChanged',
  Fact & {
    readonly previousOwner?: Party;
    readonly owner: Party;
    readonly reason?: TaskCodeableConcept;
    readonly assignments: ResponsibilityAssignment[];
  }
>;
/** `$transfer`: another party performs (and answers for, if `responsibilityMoves`), possibly for a period. */
export type ResponsibilityTransferred = DomainEvent<
  'ResponsibilityTransferred',
  Fact & {
    readonly from: Party;
    readonly to: Party;
    readonly reason: TaskCodeableConcept;
    readonly responsibilityMoves: boolean;
    readonly period?: InstantPeriod;
    readonly basis: ResponsibilityBasis;
    readonly assignments: ResponsibilityAssignment[];
  }
>;
/** The requester changed the request before acceptance: the new values, and the elements removed. */
export type TaskDetailsChanged = DomainEvent<
  'TaskDetailsChanged',
  Fact & { readonly changed: Partial<TaskDetails>; readonly removed: (keyof TaskDetails)[] }
>;
/**
 * A party of the Task changed the elements kept as given (`changed`: new values by element name,
 * `removed`: the elements no longer given), and/or restated the patient's or parties' references
 * (`restated`: the same patient or party, with the reference, type and display now given).
 */
export type TaskElementsChanged = DomainEvent<
  'TaskElementsChanged',
  Fact & {
    readonly changed: TaskElements;
    readonly removed: string[];
    readonly restated?: RestatedReferences;
  }
>;
/** restriction.period.end passed and the Task is not finished (emitted once per due date). */
export type TaskOverdue = DomainEvent<
  'TaskOverdue',
  Fact & { readonly due: string; readonly status: TaskStatus }
>;

export type TaskEvent =
  | TaskDrafted
  | TaskRequested
  | TaskReadied
  | TaskReceived
  | TaskAccepted
  | TaskRejected
  | TaskStarted
  | TaskPutOnHold
  | TaskResumed
  | TaskCompleted
  | TaskFailed
  | TaskCancelled
  | TaskEnteredInError
  | TaskOwnerChanged
  | ResponsibilityTransferred
  | TaskDetailsChanged
  | TaskElementsChanged
  | TaskOverdue;

export type TaskEventType = TaskEvent['type'];

/** Every event type, for contract tests and consumers. */
export const TASK_EVENT_TYPES: readonly TaskEventType[] = [
  'TaskDrafted',
  'TaskRequested',
  'TaskReadied',
  'TaskReceived',
  'TaskAccepted',
  'TaskRejected',
  'TaskStarted',
  'TaskPutOnHold',
  'TaskResumed',
  'TaskCompleted',
  'TaskFailed',
  'TaskCancelled',
  'TaskEnteredInError',
  'TaskOwnerChanged',
  'ResponsibilityTransferred',
  'TaskDetailsChanged',
  'TaskElementsChanged',
  'TaskOverdue',
];
