import { preparedSql } from '../prepared-sql.js';
import type { SqlExecutor } from '../sql-database.js';
import { EVENT_COLUMNS, toRecordedEvent, type EventRow } from './event-row.js';
import type { RecordedEvent } from '../../events.js';

const READ_STREAM_SQL = preparedSql(
  `SELECT ${EVENT_COLUMNS} FROM eventstore.events e
    WHERE e.stream_id = $1 AND e.stream_revision >= $2 AND ($3::bigint IS NULL OR e.stream_revision <= $3::bigint)
    ORDER BY e.stream_revision`,
);

export async function readStreamSql(
  sql: SqlExecutor,
  streamId: string,
  fromRevision: number,
  toRevision: number | null,
): Promise<RecordedEvent[]> {
  const rows = await sql.query<EventRow>(READ_STREAM_SQL, [streamId, fromRevision, toRevision]);
  return rows.map(toRecordedEvent);
}

export async function streamRevisionSql(sql: SqlExecutor, streamId: string): Promise<number | null> {
  const rows = await sql.query<{ revision: string }>(
    preparedSql(
      'SELECT revision::text AS revision FROM eventstore.streams WHERE stream_id = $1 AND revision >= 0',
    ),
    [streamId],
  );
  return rows[0] ? Number(rows[0].revision) : null;
}
