import { categoryOf, type NewEvent, type SqlExecutor } from '@carenet/eventsourcing';

/**
 * The append ceiling's table: the columns, defaults, keys and indexes of `eventstore.events`,
 * without the store around it (no streams table, no expected-revision check, no idempotency
 * lookup, no plpgsql).
 */
export const RAW_EVENT_TABLE = /* sql */ `
CREATE TABLE raw_events (
  global_position  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  transaction_id   xid8 NOT NULL DEFAULT pg_current_xact_id(),
  stream_id        text NOT NULL,
  stream_revision  bigint NOT NULL,
  category         text NOT NULL,
  event_id         uuid NOT NULL UNIQUE,
  event_type       text NOT NULL,
  data             jsonb NOT NULL,
  metadata         jsonb NOT NULL,
  recorded_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (stream_id, stream_revision)
);
CREATE INDEX raw_events_log ON raw_events (transaction_id, global_position);
CREATE INDEX raw_events_category_log ON raw_events (category, transaction_id, global_position);
`;

/** One multi-row INSERT (one round trip) of the same rows an append stores. */
export async function rawInsert(
  sql: SqlExecutor,
  streamId: string,
  events: readonly NewEvent[],
  firstRevision: number,
): Promise<void> {
  const category = categoryOf(streamId);
  const params: unknown[] = [];
  const rows = events.map((event, i) => {
    const base = params.length;
    params.push(
      streamId,
      firstRevision + i,
      category,
      event.id,
      event.type,
      JSON.stringify(event.data),
      JSON.stringify(event.metadata ?? {}),
    );
    return `($${base + 1}, $${base + 2}, $${base + 3}, $${base + 4}, $${base + 5}, $${base + 6}::jsonb, $${base + 7}::jsonb)`;
  });
  await sql.query(
    `INSERT INTO raw_events (stream_id, stream_revision, category, event_id, event_type, data, metadata)
     VALUES ${rows.join(', ')}`,
    params,
  );
}
