import type { EventMetadata, JsonObject, RecordedEvent } from '../../events.js';
import { encodeLogPosition } from './log-position.js';

/**
 * The columns every read selects from `eventstore.events e`, with bigints and times as text (the
 * same on pg and PGlite). The aliases shadow column names: ORDER BY and WHERE must use `e.`.
 */
export const EVENT_COLUMNS = `
  e.transaction_id::text AS transaction_id, e.global_position::text AS global_position,
  e.stream_id, e.stream_revision::text AS stream_revision, e.event_id::text AS event_id, e.event_type,
  e.data, e.metadata, to_json(e.recorded_at) #>> '{}' AS recorded_at`;

export interface EventRow {
  transaction_id: string;
  global_position: string;
  stream_id: string;
  stream_revision: string;
  event_id: string;
  event_type: string;
  data: JsonObject;
  metadata: EventMetadata;
  recorded_at: string;
}

export function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    id: row.event_id,
    type: row.event_type,
    data: row.data,
    metadata: row.metadata,
    streamId: row.stream_id,
    revision: Number(row.stream_revision),
    globalPosition: Number(row.global_position),
    logPosition: encodeLogPosition(row.transaction_id, row.global_position),
    recordedAt: row.recorded_at,
  };
}
