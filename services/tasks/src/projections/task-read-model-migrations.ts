import type { Migration } from '@carenet/eventsourcing';

/**
 * The Tasks service's own read model, beside the FHIR search read model: the current state of
 * each Task (what `read` answers in one row, and what the projection evolves from), and the due
 * instant of the open ones (what the overdue clock scans).
 */
const taskState: Migration = {
  version: 1,
  name: 'task state',
  sql: `
CREATE TABLE tasks.task_state (
  task_id text COLLATE "C" PRIMARY KEY,
  revision int NOT NULL,
  last_updated timestamptz NOT NULL,
  state jsonb NOT NULL,
  -- restriction.period.end of a Task that is not finished and not yet reported overdue for it.
  overdue_at timestamptz
);
CREATE INDEX task_state_overdue_at ON tasks.task_state (overdue_at) WHERE overdue_at IS NOT NULL;
`,
};

/**
 * The PPCS action a Task carries out (its `care-plan-action` identifier, `<carePlanId>#<actionId>`):
 * how the consumer of care-plan events finds the Tasks of a withdrawn or changed action.
 */
const carePlanAction: Migration = {
  version: 2,
  name: 'task care plan action',
  sql: `
ALTER TABLE tasks.task_state ADD COLUMN care_plan_action text COLLATE "C";
CREATE INDEX task_state_care_plan_action ON tasks.task_state (care_plan_action) WHERE care_plan_action IS NOT NULL;
`,
};

/**
 * The work queue of a professional (`Task?owner:identifier=…&status=…&_sort=-priority,period`),
 * the most frequent search: the owner, status and sort keys of each Task as columns, under one
 * index, so the query reads the owner's Tasks of those statuses from the index alone, instead of
 * probing the search index tables per candidate (status, then each sort key).
 */
const workQueue: Migration = {
  version: 3,
  name: 'task work queue',
  sql: `
ALTER TABLE tasks.task_state
  ADD COLUMN owner_system text COLLATE "C",
  ADD COLUMN owner_value text COLLATE "C",
  ADD COLUMN status text COLLATE "C",
  ADD COLUMN priority_rank int,
  ADD COLUMN period_start timestamptz;
CREATE INDEX task_state_work_queue ON tasks.task_state
  (owner_value, owner_system, status, priority_rank DESC, period_start, task_id);
`,
};

/**
 * The state as `json` text instead of `jsonb`: nothing reads inside it in SQL (what queries need
 * has its own column), and `json` costs PostgreSQL less to take in and to give out, as for the
 * FHIR content (migration 4 of the `fhir` schema). Rewrites the table once.
 */
const stateAsJson: Migration = {
  version: 4,
  name: 'task state as json text',
  sql: `
ALTER TABLE tasks.task_state ALTER COLUMN state TYPE json USING state::json;
`,
};

export const TASK_READ_MODEL_SCHEMA = 'tasks';
export const TASK_READ_MODEL_MIGRATIONS: readonly Migration[] = [
  taskState,
  carePlanAction,
  workQueue,
  stateAsJson,
];
