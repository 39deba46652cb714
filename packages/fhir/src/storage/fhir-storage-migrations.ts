import type { Migration } from '@carenet/eventsourcing';
import { INDEXED_PREFIX_LENGTH } from './sql-params.js';

const P = INDEXED_PREFIX_LENGTH;

/**
 * The searchable read model: the current version of each resource, and one row per index value
 * in a table per parameter type. Text columns use the "C" collation, so that ordering and
 * keyset comparisons are byte-wise (the same on every server) and prefix LIKE can use btrees.
 * Long strings are indexed on their first 256 characters (`left(...)`), the full value being
 * checked on the row. `:missing` is answered with (NOT) EXISTS on the parameter's table.
 */
const searchModel: Migration = {
  version: 1,
  name: 'fhir search read model',
  sql: `
CREATE TABLE fhir.resources (
  resource_type text COLLATE "C" NOT NULL,
  id text COLLATE "C" NOT NULL,
  version_id int NOT NULL,
  last_updated timestamptz NOT NULL,
  content jsonb NOT NULL,
  PRIMARY KEY (resource_type, id)
);
CREATE INDEX resources_last_updated ON fhir.resources (resource_type, last_updated, id);

CREATE TABLE fhir.token_index (
  resource_type text COLLATE "C" NOT NULL,
  id text COLLATE "C" NOT NULL,
  param text COLLATE "C" NOT NULL,
  system text COLLATE "C",
  code text COLLATE "C",
  text_normalized text COLLATE "C"
);
CREATE INDEX token_index_resource ON fhir.token_index (resource_type, id, param);
CREATE INDEX token_index_code ON fhir.token_index (resource_type, param, code, system);
CREATE INDEX token_index_system ON fhir.token_index (resource_type, param, system);
CREATE INDEX token_index_text ON fhir.token_index (resource_type, param, left(text_normalized, ${P}) text_pattern_ops);

CREATE TABLE fhir.reference_index (
  resource_type text COLLATE "C" NOT NULL,
  id text COLLATE "C" NOT NULL,
  param text COLLATE "C" NOT NULL,
  reference text COLLATE "C",
  target_type text COLLATE "C",
  target_id text COLLATE "C",
  version text COLLATE "C",
  identifier_system text COLLATE "C",
  identifier_value text COLLATE "C"
);
CREATE INDEX reference_index_resource ON fhir.reference_index (resource_type, id, param);
CREATE INDEX reference_index_reference ON fhir.reference_index (resource_type, param, reference);
CREATE INDEX reference_index_identifier ON fhir.reference_index (resource_type, param, identifier_value, identifier_system);
CREATE INDEX reference_index_target ON fhir.reference_index (target_type, target_id);

CREATE TABLE fhir.date_index (
  resource_type text COLLATE "C" NOT NULL,
  id text COLLATE "C" NOT NULL,
  param text COLLATE "C" NOT NULL,
  start_at timestamptz NOT NULL,
  end_at timestamptz NOT NULL
);
CREATE INDEX date_index_resource ON fhir.date_index (resource_type, id, param);
CREATE INDEX date_index_range ON fhir.date_index (resource_type, param, start_at, end_at);
CREATE INDEX date_index_end ON fhir.date_index (resource_type, param, end_at);

CREATE TABLE fhir.string_index (
  resource_type text COLLATE "C" NOT NULL,
  id text COLLATE "C" NOT NULL,
  param text COLLATE "C" NOT NULL,
  value text COLLATE "C" NOT NULL,
  normalized text COLLATE "C" NOT NULL
);
CREATE INDEX string_index_resource ON fhir.string_index (resource_type, id, param);
CREATE INDEX string_index_normalized ON fhir.string_index (resource_type, param, left(normalized, ${P}) text_pattern_ops);
CREATE INDEX string_index_value ON fhir.string_index (resource_type, param, left(value, ${P}));

CREATE TABLE fhir.number_index (
  resource_type text COLLATE "C" NOT NULL,
  id text COLLATE "C" NOT NULL,
  param text COLLATE "C" NOT NULL,
  value numeric NOT NULL
);
CREATE INDEX number_index_resource ON fhir.number_index (resource_type, id, param);
CREATE INDEX number_index_value ON fhir.number_index (resource_type, param, value);

CREATE TABLE fhir.quantity_index (
  resource_type text COLLATE "C" NOT NULL,
  id text COLLATE "C" NOT NULL,
  param text COLLATE "C" NOT NULL,
  value numeric NOT NULL,
  system text COLLATE "C",
  code text COLLATE "C",
  unit text COLLATE "C"
);
CREATE INDEX quantity_index_resource ON fhir.quantity_index (resource_type, id, param);
CREATE INDEX quantity_index_value ON fhir.quantity_index (resource_type, param, value);

CREATE TABLE fhir.uri_index (
  resource_type text COLLATE "C" NOT NULL,
  id text COLLATE "C" NOT NULL,
  param text COLLATE "C" NOT NULL,
  value text COLLATE "C" NOT NULL
);
CREATE INDEX uri_index_resource ON fhir.uri_index (resource_type, id, param);
CREATE INDEX uri_index_value ON fhir.uri_index (resource_type, param, left(value, ${P}) text_pattern_ops);
`,
};

/**
 * Covering indexes: a search probes the index tables per candidate row (a clause's EXISTS, a sort
 * key's subquery) and starts from the ids of its most selective clause. With the compared values
 * and the id in the index, those are index-only scans: no heap page per probe. On the work-queue
 * query of 100,000 Tasks this halves the pages read.
 */
const coveringIndexes: Migration = {
  version: 2,
  name: 'covering indexes for search probes',
  sql: `
DROP INDEX fhir.token_index_resource;
CREATE INDEX token_index_resource ON fhir.token_index (resource_type, id, param) INCLUDE (system, code);
DROP INDEX fhir.token_index_code;
CREATE INDEX token_index_code ON fhir.token_index (resource_type, param, code, system) INCLUDE (id);
DROP INDEX fhir.reference_index_reference;
CREATE INDEX reference_index_reference ON fhir.reference_index (resource_type, param, reference) INCLUDE (id);
DROP INDEX fhir.reference_index_identifier;
CREATE INDEX reference_index_identifier ON fhir.reference_index (resource_type, param, identifier_value, identifier_system) INCLUDE (id, target_type);
DROP INDEX fhir.date_index_resource;
CREATE INDEX date_index_resource ON fhir.date_index (resource_type, id, param) INCLUDE (start_at, end_at);
DROP INDEX fhir.date_index_range;
CREATE INDEX date_index_range ON fhir.date_index (resource_type, param, start_at, end_at) INCLUDE (id);
`,
};

/**
 * Every version of every resource, for type-level `_history` (newest first, across resources):
 * written with each put and deletion, rebuilt with the rest of the read model.
 */
const resourceHistory: Migration = {
  version: 3,
  name: 'resource history',
  sql: `
CREATE TABLE fhir.resource_history (
  resource_type text COLLATE "C" NOT NULL,
  id text COLLATE "C" NOT NULL,
  version_id int NOT NULL,
  last_updated timestamptz NOT NULL,
  -- NULL: the version is a deletion.
  content jsonb,
  PRIMARY KEY (resource_type, id, version_id)
);
CREATE INDEX resource_history_recent ON fhir.resource_history (resource_type, last_updated DESC, id DESC, version_id DESC);
`,
};

/**
 * The stored content as `json` (its text, checked to be JSON) instead of `jsonb`: no search reads
 * inside it (the index tables are there for that), and what is read is given out whole. `json`
 * costs PostgreSQL less to take in (validation only, no binary form to build) and far less to give
 * out (a copy of the text, where jsonb is written out anew: some 5 µs per Task), and keeps the
 * key order the server wrote (resourceType, id, meta first). The change rewrites both tables
 * once; versions stored before it keep jsonb's key order until they are written again.
 */
const contentAsJson: Migration = {
  version: 4,
  name: 'resource content as json text',
  sql: `
ALTER TABLE fhir.resources ALTER COLUMN content TYPE json USING content::json;
ALTER TABLE fhir.resource_history ALTER COLUMN content TYPE json USING content::json;
`,
};

/**
 * The method of each write as sent (`POST`, `PUT`, `PATCH`): what the type-level history shows as
 * `request.method`. Nullable: versions stored before it (and operations) keep the inference.
 */
const historyMethod: Migration = {
  version: 5,
  name: 'resource history method',
  sql: `
ALTER TABLE fhir.resource_history ADD COLUMN method text;
`,
};

/**
 * The patient each version is about (`<system>|<value>` of its patient compartment: a Task's
 * `for`, a CarePlan's `subject`…; NULL: none), given by the store's `patientKeyOf`: what the access
 * decision's filter of searches, type histories and includes compares with the patients a caller
 * may see. The versions stored before it get the national identifier their patient reference
 * carried (the only form accepted then).
 */
const patientKey: Migration = {
  version: 6,
  name: 'patient of each resource',
  sql: `
ALTER TABLE fhir.resources ADD COLUMN patient_key text COLLATE "C";
ALTER TABLE fhir.resource_history ADD COLUMN patient_key text COLLATE "C";
CREATE INDEX resources_patient_key ON fhir.resources (resource_type, patient_key);
CREATE INDEX resource_history_patient_key ON fhir.resource_history (resource_type, patient_key);
UPDATE fhir.resources SET patient_key = (content -> p -> 'identifier' ->> 'system') || '|' || (content -> p -> 'identifier' ->> 'value')
  FROM (VALUES ('Task', 'for'), ('CarePlan', 'subject'), ('CareTeam', 'subject'), ('Goal', 'subject')) AS c(t, p)
  WHERE resource_type = c.t AND content -> p -> 'identifier' ->> 'value' IS NOT NULL;
UPDATE fhir.resource_history SET patient_key = (content -> p -> 'identifier' ->> 'system') || '|' || (content -> p -> 'identifier' ->> 'value')
  FROM (VALUES ('Task', 'for'), ('CarePlan', 'subject'), ('CareTeam', 'subject'), ('Goal', 'subject')) AS c(t, p)
  WHERE resource_type = c.t AND content -> p -> 'identifier' ->> 'value' IS NOT NULL;
`,
};

/**
 * The resource types in a partition of their own (migration 7): the Tasks, by far the most
 * numerous, whose read model a rebuild swaps whole; every other type is in the DEFAULT partition
 * (a rebuild copies its rows over at the switch). Not one partition per type: a statement
 * prepared once (a generic plan) locks every partition of every table it names, at each
 * execution (PostgreSQL 15): a Task's put takes 26 locks on plain tables, 49 with the Task
 * partition and the DEFAULT one, 133 with a partition per type (8 per table), each one past the
 * 16 a backend takes without the shared lock manager.
 */
export const PARTITIONED_TYPES = ['Task'] as const;

/** Every table of the read model (each keyed by `resource_type` first). */
export const FHIR_TABLES = [
  'resources',
  'resource_history',
  'token_index',
  'reference_index',
  'date_index',
  'string_index',
  'number_index',
  'quantity_index',
  'uri_index',
] as const;

/**
 * Every table LIST-partitioned by `resource_type`: a partition for the Tasks
 * (`<table>_<type in lower case>`: `resources_task`, see PARTITIONED_TYPES) and a DEFAULT one for
 * the others. A rebuild of the Tasks' read model (`carenet projections rebuild`) builds new
 * partitions beside the live ones and swaps them in one short transaction (DETACH, ATTACH: no
 * copy); searches and reads, which always name their type, read one partition (pruned at
 * planning, or at execution for a generic plan). The rows are moved once; the indexes keep their names on the parent, each
 * partition's named after them (`token_index_code_task`).
 */
const partitionedByType: Migration = {
  version: 7,
  name: 'read model partitioned by resource type',
  sql: `
DO $$
DECLARE
  t text;
  ty text;
  definitions text[];
  definition text;
  child text;
  parent text;
  part text;
BEGIN
  FOREACH t IN ARRAY ARRAY[${FHIR_TABLES.map((t) => `'${t}'`).join(', ')}] LOOP
    SELECT coalesce(array_agg(CASE WHEN con.oid IS NULL THEN pg_get_indexdef(i.indexrelid)
             ELSE format('ALTER TABLE fhir.%I ADD CONSTRAINT %I %s', t, con.conname, pg_get_constraintdef(con.oid))
           END ORDER BY con.oid IS NULL), '{}')
      INTO definitions
      FROM pg_index i
      LEFT JOIN pg_constraint con ON con.conindid = i.indexrelid AND con.conrelid = i.indrelid AND con.contype IN ('p', 'u')
     WHERE i.indrelid = format('fhir.%I', t)::regclass;
    EXECUTE format('ALTER TABLE fhir.%I RENAME TO %I', t, t || '_unpartitioned');
    EXECUTE format('CREATE TABLE fhir.%I (LIKE fhir.%I INCLUDING DEFAULTS) PARTITION BY LIST (resource_type)',
      t, t || '_unpartitioned');
    FOREACH ty IN ARRAY ARRAY[${PARTITIONED_TYPES.map((t) => `'${t}'`).join(', ')}] LOOP
      EXECUTE format('CREATE TABLE fhir.%I PARTITION OF fhir.%I FOR VALUES IN (%L)', t || '_' || lower(ty), t, ty);
    END LOOP;
    EXECUTE format('CREATE TABLE fhir.%I PARTITION OF fhir.%I DEFAULT', t || '_default', t);
    EXECUTE format('INSERT INTO fhir.%I SELECT * FROM fhir.%I', t, t || '_unpartitioned');
    EXECUTE format('DROP TABLE fhir.%I', t || '_unpartitioned');
    FOREACH definition IN ARRAY definitions LOOP
      EXECUTE definition;
    END LOOP;
    -- Each partition's index named after the parent's: token_index_code_task.
    FOR child, parent, part IN
      SELECT ci.relname, pi.relname, pc.relname
        FROM pg_inherits ih
        JOIN pg_class ci ON ci.oid = ih.inhrelid
        JOIN pg_class pi ON pi.oid = ih.inhparent
        JOIN pg_index x ON x.indexrelid = ci.oid
        JOIN pg_class pc ON pc.oid = x.indrelid
       WHERE pi.relkind = 'I' AND pi.relnamespace = 'fhir'::regnamespace
         AND x.indrelid IN (SELECT inhrelid FROM pg_inherits WHERE inhparent = format('fhir.%I', t)::regclass)
    LOOP
      EXECUTE format('ALTER INDEX fhir.%I RENAME TO %I', child, parent || substr(part, length(t) + 1));
    END LOOP;
    EXECUTE format('ANALYZE fhir.%I', t);
  END LOOP;
END $$;
`,
};

export const FHIR_STORAGE_SCHEMA = 'fhir';
export const FHIR_STORAGE_MIGRATIONS: readonly Migration[] = [
  searchModel,
  coveringIndexes,
  resourceHistory,
  contentAsJson,
  historyMethod,
  patientKey,
  partitionedByType,
];
