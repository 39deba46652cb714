import type { Migration } from '@carenet/eventsourcing';

/**
 * The care-plans service's own read models, beside the FHIR search read model: the current state
 * of each CarePlan, CareTeam and Goal (what `read` answers, and what the projection evolves
 * from); the one active PPCS of each patient (a unique key: the rule that spans streams); the
 * review dates the review clock watches; and which Task carries out which action.
 */
const aggregateState: Migration = {
  version: 1,
  name: 'care plans read model',
  sql: `
CREATE TABLE care_plans.aggregate_state (
  resource_type text COLLATE "C" NOT NULL,
  id text COLLATE "C" NOT NULL,
  revision int NOT NULL,
  last_updated timestamptz NOT NULL,
  state jsonb NOT NULL,
  PRIMARY KEY (resource_type, id)
);

CREATE TABLE care_plans.active_ppcs (
  patient_system text COLLATE "C" NOT NULL,
  patient_value text COLLATE "C" NOT NULL,
  care_plan_id text COLLATE "C" NOT NULL UNIQUE,
  PRIMARY KEY (patient_system, patient_value)
);

CREATE TABLE care_plans.review_due (
  care_plan_id text COLLATE "C" PRIMARY KEY,
  review_date text NOT NULL,
  due_at timestamptz NOT NULL
);
CREATE INDEX review_due_at ON care_plans.review_due (due_at);

CREATE TABLE care_plans.action_tasks (
  task_id text COLLATE "C" PRIMARY KEY,
  care_plan_id text COLLATE "C" NOT NULL,
  action_id text COLLATE "C" NOT NULL
);
`,
};

export const CARE_PLANS_READ_MODEL_SCHEMA = 'care_plans';
export const CARE_PLANS_READ_MODEL_MIGRATIONS: readonly Migration[] = [aggregateState];
