import type { Migration } from '../migrate.js';

/**
 * Per-stream order in the global log, whatever the order of the transactions' ids.
 *
 * Readers order the log by (transaction_id, global_position). A transaction gets its id at its
 * first write, which may come long before it takes a stream's lock (a consumer writes its inbox
 * row first, then appends): such a transaction could append revision 6 of a stream with a
 * smaller id than the transaction that appended revision 5 before it, and the log would give 6
 * before 5.
 *
 * So an append records, as its events' `transaction_id`, the greater of its own id and the one
 * recorded for the stream's previous events (`streams.last_transaction_id`, read under the
 * stream's lock, so that writer has committed). Each stream's events then sort in revision order.
 * The visibility gate stays sound: the recorded id is never below the writer's own, so its events
 * stay hidden while it runs; and once every transaction up to the recorded id has ended, the
 * writer has too (its own id is not greater).
 */
export const streamOrderedLogMigration: Migration = {
  version: 3,
  name: 'stream-ordered-log',
  sql: /* sql */ `
ALTER TABLE eventstore.streams ADD COLUMN last_transaction_id xid8;
UPDATE eventstore.streams s SET last_transaction_id = (
  SELECT e.transaction_id FROM eventstore.events e
   WHERE e.stream_id = s.stream_id ORDER BY e.transaction_id DESC LIMIT 1);

DROP FUNCTION eventstore.append_events(text, text, text, jsonb);

-- Appends p_events (a JSON array of {id, type, data, metadata}) to a stream, atomically.
-- p_expected: 'any' | 'no-stream' | 'stream-exists' | a revision number (as text).
-- Raises CN409 (concurrency; DETAIL = actual revision) or CN400 (event id reused).
-- Returns the stream's revision and last position; unless duplicate, also the log transaction id
-- the events were recorded with, their positions in order and the recording instant (to_json).
CREATE FUNCTION eventstore.append_events(p_stream_id text, p_category text, p_expected text, p_events jsonb)
RETURNS TABLE (revision bigint, last_global_position bigint, duplicate boolean,
               xact_id text, positions bigint[], recorded text)
LANGUAGE plpgsql AS $$
DECLARE
  v_count      int := jsonb_array_length(p_events);
  v_current    bigint;
  v_last_xid   xid8;
  v_xid        xid8;
  v_found      int;
  v_max_rev    bigint;
  v_max_pos    bigint;
  v_positions  bigint[];
BEGIN
  -- Lock the stream row (created at -1 the first time), so appends to one stream serialise.
  SELECT s.revision, s.last_transaction_id INTO v_current, v_last_xid
    FROM eventstore.streams s WHERE s.stream_id = p_stream_id FOR UPDATE;
  IF NOT FOUND THEN
    INSERT INTO eventstore.streams (stream_id, category, revision)
      VALUES (p_stream_id, p_category, -1)
      ON CONFLICT (stream_id) DO NOTHING;
    SELECT s.revision, s.last_transaction_id INTO v_current, v_last_xid
      FROM eventstore.streams s WHERE s.stream_id = p_stream_id FOR UPDATE;
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

  -- Never below the stream's previous events: the log gives a stream in revision order.
  v_xid := pg_current_xact_id();
  IF v_last_xid IS NOT NULL AND v_last_xid > v_xid THEN
    v_xid := v_last_xid;
  END IF;
  UPDATE eventstore.streams SET revision = v_current + v_count, last_transaction_id = v_xid, updated_at = now()
    WHERE stream_id = p_stream_id;
  WITH inserted AS (
    INSERT INTO eventstore.events (transaction_id, stream_id, stream_revision, category, event_id, event_type,
                                   data, metadata)
      SELECT v_xid, p_stream_id, v_current + x.n, p_category, (x.e ->> 'id')::uuid, x.e ->> 'type',
             x.e -> 'data', coalesce(x.e -> 'metadata', '{}'::jsonb)
      FROM jsonb_array_elements(p_events) WITH ORDINALITY AS x(e, n)
      ORDER BY x.n
      RETURNING global_position, stream_revision
  )
  SELECT array_agg(i.global_position ORDER BY i.stream_revision) INTO v_positions FROM inserted i;
  RETURN QUERY SELECT v_current + v_count, v_positions[v_count], false,
    v_xid::text, v_positions, to_json(now()) #>> '{}';
END;
$$;
`,
};
