import type { ExpectedRevision } from '../../event-store.js';
import type { NewEvent } from '../../events.js';
import type { SqlExecutor } from '../sql-database.js';

interface AppendRow {
  revision: string;
  last_global_position: string;
  duplicate: boolean;
}

/** One round trip: the append function checks, locks and inserts (migration 0001). */
export async function appendEventsSql(
  sql: SqlExecutor,
  streamId: string,
  category: string,
  events: readonly NewEvent[],
  expected: ExpectedRevision,
): Promise<AppendRow> {
  const payload = events.map((e) => ({ id: e.id, type: e.type, data: e.data, metadata: e.metadata ?? {} }));
  const rows = await sql.query<AppendRow>(
    `SELECT revision::text AS revision, last_global_position::text AS last_global_position, duplicate
       FROM eventstore.append_events($1, $2, $3, $4::jsonb)`,
    [streamId, category, String(expected), JSON.stringify(payload)],
  );
  const row = rows[0];
  if (!row) throw new Error('append_events returned no row');
  return row;
}
