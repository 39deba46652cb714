import type { Migration } from '../migrate.js';

/**
 * The online rebuilds of inline projections under way (`rebuildOnline`): the shadow tables being
 * built, the phase and how far it got, committed with each batch written, so that an interrupted
 * rebuild resumes where it stopped. The row goes when the rebuild switches (or is restarted).
 */
export const projectionRebuildsMigration: Migration = {
  version: 4,
  name: 'projection rebuilds',
  sql: /* sql */ `
CREATE TABLE eventstore.projection_rebuilds (
  projection   text PRIMARY KEY,
  -- bulk (streams folded whole, up to target), indexes (built on the shadows), catch-up (apply
  -- from position), then the switch.
  phase        text NOT NULL,
  -- The log position the bulk phase reads up to (included).
  target       text NOT NULL,
  -- The last stream whose rows are written (bulk phase).
  after_stream text,
  -- The log position applied up to (catch-up phase).
  position     text NOT NULL,
  -- Each table: live name, shadow name, how it switches, the indexes to build.
  tables       jsonb NOT NULL,
  events       bigint NOT NULL DEFAULT 0,
  started_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now()
);
`,
};
