import type { EventMetadata, JsonObject, RecordedEvent } from '../../events.js';
import { encodeLogPosition } from './log-position.js';

/** The columns every read selects, with bigints and times as text (same on pg and PGlite). */
export const EVENT_COLUMNS = `
  transaction_id::text AS transaction_id, global_position::text AS global_position,
  stream_id, stream_revision::text AS stream_revision, event_id::text AS event_id, event_type,
  data, metadata, to_json(recorded_at) #>> '{}' AS recorded_at`;

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
