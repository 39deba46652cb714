import type { Migration } from '@carenet/eventsourcing';

/**
 * The shared-information service's own read models, beside the FHIR search read model: the
 * current state of each Patient and Consent (what `read` answers, and what the projection evolves
 * from), and the national identifiers in use (one patient per INS or NAM: the rule that spans
 * streams).
 */
const aggregateState: Migration = {
  version: 1,
  name: 'shared info read model',
  sql: `
CREATE TABLE shared_info.aggregate_state (
  resource_type text COLLATE "C" NOT NULL,
  id text COLLATE "C" NOT NULL,
  revision int NOT NULL,
  last_updated timestamptz NOT NULL,
  state jsonb NOT NULL,
  PRIMARY KEY (resource_type, id)
);

CREATE TABLE shared_info.patient_identifiers (
  system text COLLATE "C" NOT NULL,
  value text COLLATE "C" NOT NULL,
  patient_id text COLLATE "C" NOT NULL,
  PRIMARY KEY (system, value)
);
CREATE INDEX patient_identifiers_patient ON shared_info.patient_identifiers (patient_id);
`,
};

export const SHARED_INFO_READ_MODEL_SCHEMA = 'shared_info';
export const SHARED_INFO_READ_MODEL_MIGRATIONS: readonly Migration[] = [aggregateState];
