import type { Migration } from '../migrate.js';

/**
 * `append_events` also returns what it recorded: the transaction id, the global position of each
 * event (in stream order) and the recording instant (as every read formats it). An inline
 * projection gets its recorded events from the append itself, without reading them back.
 */
export const appendReturnsRecordedMigration: Migration = {
  version: 2,
  name: 'append-returns-recorded',
  sql: /* sql */ `
DROP FUNCTION eventstore.append_events(text, text, text, jsonb);

-- Appends p_events (a JSON array of {id, type, data, metadata}) to a stream, atomically.
-- p_expected: 'any' | 'no-stream' | 'stream-exists' | a revision number (as text).
-- Raises CN409 (concurrency; DETAIL = actual revision) or CN400 (event id reused).
-- Returns the stream's revision and last position; unless duplicate, also the transaction id,
-- the positions of the events in order and the recording instant (to_json format).
CREATE FUNCTION eventstore.append_events(p_stream_id text, p_category text, p_expected text, p_events jsonb)
RETURNS TABLE (revision bigint, last_global_position bigint, duplicate boolean,
               xact_id text, positions bigint[], recorded text)
LANGUAGE plpgsql AS $$
DECLARE
  v_count      int := jsonb_array_length(p_events);
  v_current    bigint;
  v_found      int;
  v_max_rev    bigint;
  v_max_pos    bigint;
  v_positions  bigint[];
BEGIN
  -- Lock the stream row (created at -1 the first time), so appends to one stream serialise.
  SELECT s.revision INTO v_current FROM eventstore.streams s WHERE s.stream_id = p_stream_id FOR UPDATE;
  IF NOT FOUND THEN
    INSERT INTO eventstore.streams (stream_id, category, revision)
      VALUES (p_stream_id, p_category, -1)
      ON CONFLICT (stream_id) DO NOTHING;
    SELECT s.revision INTO v_current FROM eventstore.streams s WHERE s.stream_id = p_stream_id FOR UPDATE;
  END IF;

  -- Idempotency: the same event ids appended again are a no-op.
  IF EXISTS (SELECT 1 FROM eventstore.events e WHERE e.event_id = (p_events -> 0 ->> 'id')::uuid) THEN
    SELECT count(*), max(e.stream_revision), max(e.global_position) INTO v_found, v_max_rev, v_max_pos
      FROM eventstore.events e
      WHERE e.stream_id = p_stream_id
        AND e.event_id IN (SELECT (x ->> 'id')::uuid FROM jsonb_array_elements(p_events) x);
    IF v_found = v_count THEN
      RETURN QUERY SELECT v_max_rev, v_max_pos, true, NULL::text, NULL::bigint[], NULL::text;
      RETURN;
    END IF;
    RAISE EXCEPTION 'event ids already stored elsewhere' USING ERRCODE = 'CN400';
  END IF;

  IF (p_expected = 'no-stream' AND v_current <> -1)
     OR (p_expected = 'stream-exists' AND v_current = -1)
     OR (p_expected NOT IN ('any', 'no-stream', 'stream-exists') AND v_current <> p_expected::bigint) THEN
    RAISE EXCEPTION 'wrong expected revision' USING ERRCODE = 'CN409', DETAIL = v_current::text;
  END IF;

  UPDATE eventstore.streams SET revision = v_current + v_count, updated_at = now()
    WHERE stream_id = p_stream_id;
  WITH inserted AS (
    INSERT INTO eventstore.events (stream_id, stream_revision, category, event_id, event_type, data, metadata)
      SELECT p_stream_id, v_current + x.n, p_category, (x.e ->> 'id')::uuid, x.e ->> 'type',
             x.e -> 'data', coalesce(x.e -> 'metadata', '{}'::jsonb)
      FROM jsonb_array_elements(p_events) WITH ORDINALITY AS x(e, n)
      ORDER BY x.n
      RETURNING global_position, stream_revision
  )
  SELECT array_agg(i.global_position ORDER BY i.stream_revision) INTO v_positions FROM inserted i;
  RETURN QUERY SELECT v_current + v_count, v_positions[v_count], false,
    pg_current_xact_id()::text, v_positions, to_json(now()) #>> '{}';
END;
$$;
`,
};
