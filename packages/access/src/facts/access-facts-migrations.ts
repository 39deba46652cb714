import type { Migration } from '@carenet/eventsourcing';

/**
 * The access facts a service keeps, in a schema of its own (each service builds them from the
 * events it sees; no service reads another's): care relations, consents and objections per
 * patient, one row per fact and recipient, keyed by the source that states them (`Task/t-1`,
 * `CareTeam/ct-1`, `Consent/c-1`), which replaces all of its rows at each version.
 */
export function accessFactsMigrations(schema: string): readonly Migration[] {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new RangeError(`invalid schema name "${schema}"`);
  return [
    {
      version: 1,
      name: 'access facts',
      sql: `
CREATE TABLE ${schema}.care_relation (
  patient_key text COLLATE "C" NOT NULL,
  party_key text COLLATE "C" NOT NULL,
  party_kind text NOT NULL,
  basis text NOT NULL,
  source text COLLATE "C" NOT NULL,
  start_at timestamptz,
  end_at timestamptz
);
CREATE INDEX care_relation_source ON ${schema}.care_relation (source);
CREATE INDEX care_relation_party ON ${schema}.care_relation (party_key, patient_key);
CREATE INDEX care_relation_patient ON ${schema}.care_relation (patient_key);

CREATE TABLE ${schema}.sharing_grant (
  patient_key text COLLATE "C" NOT NULL,
  -- 'consent' (permits outside the team) or 'objection' (denies, the team included).
  effect text NOT NULL CHECK (effect IN ('consent', 'objection')),
  source text COLLATE "C" NOT NULL,
  recipient_kind text NOT NULL CHECK (recipient_kind IN ('party', 'profession', 'sector')),
  recipient_key text COLLATE "C" NOT NULL,
  -- The party's kind, for a party recipient (to rebuild the Party).
  party_kind text,
  -- NULL: every category (objections only).
  categories text[],
  start_at timestamptz,
  end_at timestamptz
);
CREATE INDEX sharing_grant_source ON ${schema}.sharing_grant (source);
CREATE INDEX sharing_grant_recipient ON ${schema}.sharing_grant (recipient_key, patient_key);
CREATE INDEX sharing_grant_patient ON ${schema}.sharing_grant (patient_key);
`,
    },
    {
      version: 2,
      name: 'patient aliases',
      // Another name of a patient whose facts the decision joins to theirs: the literal reference
      // `Patient/<id>` of the network's record (a Task or a PPCS may name the patient so), keyed
      // to the patient's national identifier (INS, NAM). Stated by shared-info's Patient records.
      sql: `
CREATE TABLE ${schema}.patient_alias (
  alias_key text COLLATE "C" PRIMARY KEY,
  patient_key text COLLATE "C" NOT NULL,
  source text COLLATE "C" NOT NULL
);
CREATE INDEX patient_alias_patient ON ${schema}.patient_alias (patient_key);
CREATE INDEX patient_alias_source ON ${schema}.patient_alias (source);
`,
    },
    {
      version: 3,
      name: 'states of other services streams',
      // The distributed mode: a service keeps the access facts the other services' events state
      // (read from their Kafka topics), folding each stream's events into the owner's state here.
      sql: `
CREATE TABLE ${schema}.remote_stream_state (
  stream_id text COLLATE "C" PRIMARY KEY,
  revision bigint NOT NULL,
  state jsonb NOT NULL
);
`,
    },
  ];
}
