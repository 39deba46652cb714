import type { LogPosition, RecordedEvent } from '../../events.js';
import { preparedSql } from '../prepared-sql.js';
import type { SqlExecutor } from '../sql-database.js';
import { EVENT_COLUMNS, toRecordedEvent, type EventRow } from './event-row.js';
import { decodeLogPosition } from './log-position.js';

const GATE = 'AND e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())';

/** A statement of the global log and its parameters. */
export interface ReadAllStatement {
  readonly text: string;
  readonly params: readonly unknown[];
}

/** A category as an SQL literal (standard_conforming_strings: only quotes need doubling). */
const literal = (category: string) => `'${category.replace(/'/g, "''")}'`;

/** Texts by category set, at most this many prepared (a process's readers use a few). */
const PREPARED_CATEGORY_SETS = 64;
const categoryTexts = new Map<string, string>();

function categoriesText(categories: readonly string[], gate: string): string {
  const key = `${gate === '' ? '-' : '+'}${categories.join('\u0000')}`;
  let text = categoryTexts.get(key);
  if (text === undefined) {
    const branch = (category: string) => `(SELECT * FROM eventstore.events e
         WHERE e.category = ${literal(category)}
           AND (e.transaction_id, e.global_position) > ($1::text::xid8, $2::bigint)
           ${gate}
         ORDER BY e.transaction_id, e.global_position
         LIMIT $3)`;
    text = `SELECT ${EVENT_COLUMNS}
      FROM (${categories.map(branch).join('\n       UNION ALL ')}) e
      ORDER BY e.transaction_id, e.global_position
      LIMIT $3`;
    if (categoryTexts.size < PREPARED_CATEGORY_SETS) {
      categoryTexts.set(key, text);
      preparedSql(text);
    }
  }
  return text;
}

/**
 * The read of the global log after `from` (see `readAllSql`). Without categories it walks
 * `events_log` from the position. With categories, one branch per category reads the log of that
 * category from the position (`events_category_log`: category, transaction id, position), at most
 * `limit` rows each, and a merge of the branches gives the first `limit`: its cost is that of the
 * rows it returns, however far the reader's position is behind the head of the log (a reader of a
 * rare category stays far behind it).
 *
 * The categories are literals of the text, not parameters: a reader follows a fixed set, so the
 * text is prepared once per set, and the planner, knowing each category, uses its statistics in
 * generic plans too. With the categories as a parameter (`category = ANY($4)`, or a lateral join
 * over them) it estimated every category as common (one in n distinct) and chose to walk
 * `events_log` from the position, filtering out every event of the other categories after it: a
 * reader of a category that was rare paid for the whole tail of the log at every poll.
 */
export function readAllStatement(
  from: LogPosition,
  categories: readonly string[] | undefined,
  limit: number,
  visibilityGate = true,
): ReadAllStatement {
  const { transactionId, globalPosition } = decodeLogPosition(from);
  const gate = visibilityGate ? GATE : '';
  const params = [transactionId, globalPosition, limit];
  if (categories === undefined) {
    return {
      // Two shapes (gate or not): prepared.
      text: preparedSql(`SELECT ${EVENT_COLUMNS} FROM eventstore.events e
      WHERE (e.transaction_id, e.global_position) > ($1::text::xid8, $2::bigint)
        ${gate}
      ORDER BY e.transaction_id, e.global_position
      LIMIT $3`),
      params,
    };
  }
  // Each category once (a repeated one would give its events twice), in one order.
  const distinct = [...new Set(categories)].sort();
  // No category: nothing to read (a statement that finds nothing, as `category = ANY('{}')` did).
  if (distinct.length === 0) {
    return { text: preparedSql(`SELECT ${EVENT_COLUMNS} FROM eventstore.events e WHERE false`), params: [] };
  }
  return { text: categoriesText(distinct, gate), params };
}

/**
 * The global log after `from`, ordered by (transaction id, position), showing only events of
 * transactions older than the oldest one still running. Without that visibility gate, an event
 * committed late by a transaction that took its position early would land behind a reader's
 * checkpoint and be skipped forever (test/global-log-ordering.int.test.ts shows it).
 * `visibilityGate: false` is only for readers that hold a lock excluding writers (rebuilds).
 */
export async function readAllSql(
  sql: SqlExecutor,
  from: LogPosition,
  categories: readonly string[] | undefined,
  limit: number,
  visibilityGate = true,
): Promise<RecordedEvent[]> {
  const statement = readAllStatement(from, categories, limit, visibilityGate);
  const rows = await sql.query<EventRow>(statement.text, statement.params);
  return rows.map(toRecordedEvent);
}
