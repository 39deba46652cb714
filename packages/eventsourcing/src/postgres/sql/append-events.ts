import type { ExpectedRevision } from '../../event-store.js';
import type { EventMetadata, JsonObject, NewEvent, RecordedEvent } from '../../events.js';
import type { PendingEvent, ProjectionStatement } from '../inline-projection.js';
import { preparedSql } from '../prepared-sql.js';
import type { SqlExecutor } from '../sql-database.js';
import { encodeLogPosition } from './log-position.js';

const APPEND_COLUMNS = `revision::text AS revision, last_global_position::text AS last_global_position, duplicate,
          xact_id, positions::text[] AS positions, recorded`;
const APPEND_CALL = 'eventstore.append_events($1, $2, $3, $4::jsonb)';
const APPEND_SQL = preparedSql(`SELECT ${APPEND_COLUMNS} FROM ${APPEND_CALL}`);
/** Parameters of the append call, before those of projection statements. */
const APPEND_PARAMS = 4;

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

/** Events about to be appended, as JSON (the parameter) and as the store will hold them. */
export interface AppendPayload {
  readonly json: string;
  readonly pending: readonly PendingEvent[];
}

/**
 * The payload of an append and its events at the revisions they get if the expected revision
 * holds (`-1`: a new stream). The events carry the JSON as stored (the payload parsed back), so
 * that a projection sees what a later read of the stream would.
 */
export function appendPayload(
  streamId: string,
  events: readonly NewEvent[],
  firstRevision: number,
): AppendPayload {
  const json = JSON.stringify(
    events.map((e) => ({ id: e.id, type: e.type, data: e.data, metadata: e.metadata ?? {} })),
  );
  const parsed = JSON.parse(json) as Payload[];
  return {
    json,
    pending: parsed.map((event, index) => ({
      // As a read prints the uuid column.
      id: event.id.toLowerCase(),
      type: event.type,
      data: event.data,
      metadata: event.metadata,
      streamId,
      revision: firstRevision + index,
    })),
  };
}

/** Statements composed with the append, by the projections' texts: each prepared once. */
const composed = new Map<string, string>();

/**
 * The append and the projections' statements as one statement: `appended` first, every
 * projection CTE after it (they reference it: see `APPENDED_GUARD`), their parameters shifted
 * after the append's.
 */
function composedSql(statements: readonly ProjectionStatement[]): string {
  // One statement (the usual case): its own text is the key, its hash computed once.
  const key =
    statements.length === 1 ? (statements[0]?.sql ?? '') : statements.map((s) => s.sql).join('\u0000');
  let text = composed.get(key);
  if (text === undefined) {
    let offset = APPEND_PARAMS;
    const ctes = statements.map((statement) => {
      const shift = offset;
      offset += statement.params.length;
      return statement.sql.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + shift}`);
    });
    text = preparedSql(`WITH appended AS (SELECT * FROM ${APPEND_CALL}),
${ctes.join(',\n')}
SELECT ${APPEND_COLUMNS} FROM appended`);
    composed.set(key, text);
  }
  return text;
}

/**
 * One round trip: the append function checks, locks, inserts, and returns what it recorded
 * (migrations 0001 and 0002); with `statements`, the projections' writes run in the same
 * statement (atomic with it, no transaction of their own).
 */
export async function appendEventsSql(
  sql: SqlExecutor,
  streamId: string,
  category: string,
  events: readonly NewEvent[],
  expected: ExpectedRevision,
  payload: AppendPayload = appendPayload(streamId, events, 0),
  statements: readonly ProjectionStatement[] = [],
): Promise<AppendedEvents> {
  const params = [streamId, category, String(expected), payload.json];
  const rows =
    statements.length === 0
      ? await sql.query<AppendRow>(APPEND_SQL, params)
      : await sql.query<AppendRow>(composedSql(statements), [
          ...params,
          ...statements.flatMap((s) => s.params),
        ]);
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
  return {
    ...appended,
    recorded: payload.pending.map((event, index) => {
      const position = positions[index] ?? '0';
      return {
        ...event,
        revision: first + index,
        globalPosition: Number(position),
        logPosition: encodeLogPosition(transactionId, position),
        recordedAt,
      };
    }),
  };
}
