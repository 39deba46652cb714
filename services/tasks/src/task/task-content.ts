import type { Party } from '@carenet/access/party';
import type {
  CooperationMode,
  InstantPeriod,
  PatientIdentifier,
  TaskAnnotation,
  TaskCodeableConcept,
  TaskElements,
  TaskIdentifier,
  TaskInputValue,
  TaskIntent,
  TaskPriority,
  TaskReference,
} from './task-values.js';

/**
 * The request: what the requester asks for. The requester may change it until the owner
 * accepts; from acceptance on, it is frozen (rule `task-immutable-after-acceptance`).
 */
export type TaskDetails = Readonly<{
  /** The act (`Task.code`). */
  code: TaskCodeableConcept;
  description?: string;
  /** What the act is about (`Task.focus`), e.g. a MedicationRequest. */
  focus?: TaskReference;
  /** `Task.basedOn`: the CarePlan (PPCS) or request this Task fulfils. */
  basedOn: TaskReference[];
  /** `Task.instantiatesCanonical`: the cooperation protocol (PlanDefinition canonical). */
  instantiatesCanonical?: string;
  /** `Task.restriction.period`: when it is due (`end`). */
  restrictionPeriod?: InstantPeriod;
  /** `Task.priority`; `routine` when none was given (R4: absent means normal priority). */
  priority: TaskPriority;
  /**
   * `false` when the request gave no priority: the Task is served without one, as given, and
   * ranks after those that have one in `_sort=priority`. Absent (or `true` in a change): given.
   */
  priorityGiven?: boolean;
  notes: TaskAnnotation[];
  inputs: TaskInputValue[];
}>;

export const TASK_DETAIL_KEYS: readonly (keyof TaskDetails)[] = [
  'code',
  'description',
  'focus',
  'basedOn',
  'instantiatesCanonical',
  'restrictionPeriod',
  'priority',
  'priorityGiven',
  'notes',
  'inputs',
];

/**
 * Everything a Task is created with: a consumer builds the Task from the creation event alone.
 * Besides the details, these elements never change (the owner changes through TaskOwnerChanged
 * and ResponsibilityTransferred).
 */
export type TaskContent = TaskDetails & {
  readonly intent: TaskIntent;
  readonly mode: CooperationMode;
  /** The patient (`Task.for`): by INS (or NAM), or by literal reference; reference and display as given. */
  readonly for: PatientIdentifier;
  readonly requester: Party;
  /** Absent only in draft. */
  readonly owner?: Party;
  /** Sharing only: the second accountable party. */
  readonly coOwner?: Party;
  /** Transfer only: whether responsibility moves to the owner. */
  readonly responsibilityMoves?: boolean;
  /** `Task.partOf`: the parent Task (a distribution's part). Its logical id. */
  readonly partOf?: string;
  /** `Task.partOf` as the client gave it (`Task/<id>` with its display…): served back as given. */
  readonly partOfReference?: TaskReference;
  /** `Task.identifier`: business identifiers given at creation (e.g. the EHR's own id); never change. */
  readonly identifiers?: TaskIdentifier[];
  /** `Task.authoredOn`: as the client gave it, else the instant of creation. */
  readonly authoredOn: string;
  /**
   * `Task.lastModified` as the client gave it at creation (absent: the instant of creation). Any
   * later change sets the Task's lastModified to the instant of that change.
   */
  readonly lastModified?: string;
  /** The elements kept as given (absent: none); they change by TaskElementsChanged. */
  readonly elements?: TaskElements;
};
