import type { ExpectedRevision } from '../../event-store.js';
import type { EventMetadata, JsonObject, NewEvent, RecordedEvent } from '../../events.js';
import { preparedSql } from '../prepared-sql.js';
import type { SqlExecutor } from '../sql-database.js';
import { encodeLogPosition } from './log-position.js';

const APPEND_SQL = preparedSql(
  `SELECT revision::text AS revision, last_global_position::text AS last_global_position, duplicate,
          xact_id, positions::text[] AS positions, recorded
     FROM eventstore.append_events($1, $2, $3, $4::jsonb)`,
);

interface AppendRow {
  revision: string;
  last_global_position: string;
  duplicate: boolean;
  xact_id: string | null;
  positions: string[] | null;
  recorded: string | null;
}

/** What an append stored: the stream's revision and, unless it was a duplicate, the events. */
export interface AppendedEvents {
  readonly revision: number;
  readonly lastGlobalPosition: number;
  readonly duplicate: boolean;
  /** The events as a read returns them (empty on a duplicate). */
  readonly recorded: readonly RecordedEvent[];
}

interface Payload {
  readonly id: string;
  readonly type: string;
  readonly data: JsonObject;
  readonly metadata: EventMetadata;
}

/**
 * One round trip: the append function checks, locks, inserts, and returns what it recorded
 * (migrations 0001 and 0002). The recorded events carry the JSON as stored (the payload parsed
 * back), so that a projection sees what a later read of the stream would.
 */
export async function appendEventsSql(
  sql: SqlExecutor,
  streamId: string,
  category: string,
  events: readonly NewEvent[],
  expected: ExpectedRevision,
): Promise<AppendedEvents> {
  const json = JSON.stringify(
    events.map((e) => ({ id: e.id, type: e.type, data: e.data, metadata: e.metadata ?? {} })),
  );
  const rows = await sql.query<AppendRow>(APPEND_SQL, [streamId, category, String(expected), json]);

  const row = rows[0];
  if (!row) throw new Error('append_events returned no row');
  const revision = Number(row.revision);
  const appended = {
    revision,
    lastGlobalPosition: Number(row.last_global_position),
    duplicate: row.duplicate,
  };
  if (row.duplicate || row.xact_id === null || row.positions === null || row.recorded === null) {
    return { ...appended, recorded: [] };
  }
  const { xact_id: transactionId, positions, recorded: recordedAt } = row;
  const first = revision - events.length + 1;
  const payload = JSON.parse(json) as Payload[];
  return {
    ...appended,
    recorded: payload.map((event, index) => {
      const position = positions[index] ?? '0';
      return {
        // As a read prints the uuid column.
        id: event.id.toLowerCase(),
        type: event.type,
        data: event.data,
        metadata: event.metadata,
        streamId,
        revision: first + index,
        globalPosition: Number(position),
        logPosition: encodeLogPosition(transactionId, position),
        recordedAt,
      };
    }),
  };
}
