import type { Actor } from '@carenet/access';
import type { Plain } from '@carenet/eventsourcing';
import type { ResponsibilityLedger } from './responsibility.js';
import type { TaskContent } from './task-content.js';
import type { TaskStatus } from './task-state-machine.js';
import type { InstantPeriod, TaskCodeableConcept, TaskOutputValue } from './task-values.js';

export interface NoTask {
  readonly exists: false;
}

export type ExistingTask = TaskContent & {
  readonly exists: true;
  readonly id: string;
  readonly status: TaskStatus;
  /** The reason of the last status that needs one (rejected, failed, cancelled, on-hold, entered-in-error). */
  readonly statusReason?: TaskCodeableConcept;
  /** Whether the owner accepted the Task (or it was created ready): the request is frozen. */
  readonly accepted: boolean;
  readonly outputs: readonly TaskOutputValue[];
  /** The due date a TaskOverdue was emitted for, if any (emitted once per due date). */
  readonly overdueNotifiedFor?: string;
  readonly lastModified: string;
  /** The actor who created the Task (a system creating it for a care plan may withdraw it). */
  readonly createdBy?: Plain<Actor>;
  /** The actor of the latest change (the event that set `lastModified`). */
  readonly lastModifiedBy: Plain<Actor>;
  /** `Task.executionPeriod`: started when the owner started it, ended when it completed, failed or was cancelled. */
  readonly executionPeriod?: InstantPeriod;
  /** Who was accountable and who performed, over time. */
  readonly responsibility: ResponsibilityLedger;
};

export type TaskState = NoTask | ExistingTask;

export function initialState(): TaskState {
  return { exists: false };
}
