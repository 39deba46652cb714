import { LITERAL_REFERENCE_SYSTEM } from '@carenet/access';
import { preparedSql, type SqlDatabase } from '@carenet/eventsourcing';
import {
  checkCursorValue,
  decodeCursor,
  encodeCursor,
  resourceTextColumns,
  resourceTextOf,
  visibleCondition,
  type ResourceTextRow,
  type SearchRequest,
  type SearchResult,
} from '@carenet/fhir';

/** A professional's work queue: the owner, the statuses, and whether it sorts by period too. */
export interface WorkQueueQuery {
  readonly ownerSystem: string;
  readonly ownerValue: string;
  readonly statuses: readonly string[];
  /** `_sort=-priority,period` (true) or `_sort=-priority` (false). */
  readonly byPeriod: boolean;
}

const SORTS: Readonly<Record<string, boolean>> = { '-priority,period': true, '-priority': false };

/**
 * Whether a search is the work-queue query, which the Tasks read model answers from one index:
 * exactly `owner:identifier=<system>|<value>` and `status=<code>[,<code>…]`, sorted by
 * `-priority[,period]`, without includes, totals or summaries. Anything else goes to the search
 * store. The answer is the same either way (a test compares them page by page); cursors are the
 * search store's, so paging can go from one to the other.
 */
export function workQueueQuery(request: SearchRequest): WorkQueueQuery | undefined {
  const sort = request.sort.map((r) => `${r.descending ? '-' : ''}${r.parameter.code}`).join(',');
  const byPeriod = SORTS[sort];
  if (byPeriod === undefined || request.clauses.length !== 2) return undefined;
  if (request.include.length + request.revinclude.length > 0) return undefined;
  if (
    (request.total ?? 'none') !== 'none' ||
    (request.summary !== undefined && request.summary !== 'false')
  ) {
    return undefined;
  }
  const owner = request.clauses.find((c) => c.parameter.code === 'owner');
  const status = request.clauses.find((c) => c.parameter.code === 'status');
  if (owner?.criterion.kind !== 'reference-identifier' || status?.criterion.kind !== 'token')
    return undefined;
  const [match, ...others] = owner.criterion.values;
  if (match?.kind !== 'system-and-code' || others.length > 0) return undefined;
  // An owner named by literal reference only is found by `owner=<reference>`: its Reference has
  // no identifier, so the search store finds nothing by `owner:identifier`, and neither may this.
  if (match.system === LITERAL_REFERENCE_SYSTEM) return undefined;
  if (status.criterion.not) return undefined;
  const statuses: string[] = [];
  for (const value of status.criterion.values) {
    if (value.kind !== 'code') return undefined;
    statuses.push(value.code);
  }
  return { ownerSystem: match.system, ownerValue: match.code, statuses, byPeriod };
}

interface QueueRow extends ResourceTextRow {
  readonly task_id: string;
  readonly k0: string | null;
  readonly k1: string | null;
}

/**
 * One page of a work queue from `tasks.task_state` (index `task_state_work_queue`), in the search
 * store's order: priority rank descending, then the earliest `executionPeriod` start, Tasks
 * without one last, then id; the resources as the search store keeps them. Only forward paging:
 * the caller hands a `previous` cursor to the search store. The Tasks come as the stored JSON
 * text (ResourceText), put into the Bundle without being parsed: a page is some 35 kB.
 */
export async function searchWorkQueue(
  db: SqlDatabase,
  request: SearchRequest,
  query: WorkQueueQuery,
): Promise<SearchResult | undefined> {
  const sortName = query.byPeriod ? '-priority,period' : '-priority';
  const keyCount = query.byPeriod ? 2 : 1;
  const cursor = request.cursor === undefined ? undefined : decodeCursor(request.cursor, sortName, keyCount);
  if (cursor?.direction === 'before') return undefined;
  const params: unknown[] = [query.ownerValue, query.ownerSystem, [...query.statuses], request.count + 1];
  const bind = (value: unknown, cast: string) => {
    params.push(value);
    return `$${params.length}::${cast}`;
  };
  let after = '';
  if (cursor !== undefined) {
    // Rows strictly after the cursor in (rank DESC NULLS LAST, start ASC NULLS LAST, id ASC).
    // A forged cursor is a 400 (invalid-cursor), not a value PostgreSQL refuses.
    const [rank = null, start = null] = cursor.keys.map((key, i) =>
      key === null ? null : checkCursorValue(key, i === 0 ? 'int' : 'timestamptz'),
    );
    const id = bind(cursor.id, 'text COLLATE "C"');
    const rankAfter =
      rank === null ? 'false' : `(t.priority_rank IS NULL OR t.priority_rank < ${bind(rank, 'int')})`;
    const rankEqual = rank === null ? 't.priority_rank IS NULL' : `t.priority_rank = ${bind(rank, 'int')}`;
    if (!query.byPeriod) {
      after = `AND (${rankAfter} OR (${rankEqual} AND t.task_id > ${id}))`;
    } else {
      const startAfter =
        start === null
          ? 'false'
          : `(t.period_start IS NULL OR t.period_start > ${bind(start, 'timestamptz')})`;
      const startEqual =
        start === null ? 't.period_start IS NULL' : `t.period_start = ${bind(start, 'timestamptz')}`;
      after = `AND (${rankAfter} OR (${rankEqual} AND (${startAfter} OR (${startEqual} AND t.task_id > ${id}))))`;
    }
  }
  // The access decision's filter: only the Tasks of patients the caller may see (issue 18).
  const visible =
    request.visibility === undefined
      ? ''
      : // A scalar subquery per queued Task (an index probe by id; the visible set hashed once),
        // not an EXISTS, which the planner turns into a semi-join over every Task.
        `AND (SELECT ${visibleCondition(request.visibility, 'v.patient_key', {
          bind: (value) => {
            params.push(value);
            return `$${params.length}`;
          },
        })}
           FROM fhir.resources v WHERE v.resource_type = 'Task' AND v.id = t.task_id)`;
  // A handful of shapes (period sort, cursor kinds, with or without the access filter): prepared.
  const rows = await db.query<QueueRow>(
    preparedSql(`SELECT t.task_id, t.priority_rank::text AS k0, t.period_start::text AS k1, ${resourceTextColumns('r')}
     FROM (SELECT task_id, priority_rank, period_start FROM tasks.task_state t
           WHERE t.owner_value = $1 AND t.owner_system = $2 AND t.status = ANY($3::text[]) ${after} ${visible}
           ORDER BY t.priority_rank DESC NULLS LAST${query.byPeriod ? ', t.period_start ASC NULLS LAST' : ''}, t.task_id ASC
           LIMIT $4) t
     JOIN fhir.resources r ON r.resource_type = 'Task' AND r.id = t.task_id
     ORDER BY t.priority_rank DESC NULLS LAST${query.byPeriod ? ', t.period_start ASC NULLS LAST' : ''}, t.task_id ASC`),
    params,
  );
  const page = rows.slice(0, request.count);
  const last = page.at(-1);
  const keysOf = (row: QueueRow) => (query.byPeriod ? [row.k0, row.k1] : [row.k0]);
  const nextCursor =
    rows.length > request.count && last !== undefined
      ? encodeCursor({ sort: sortName, keys: keysOf(last), id: last.task_id, direction: 'after' })
      : undefined;
  const first = page[0];
  const previousCursor =
    cursor !== undefined && first !== undefined
      ? encodeCursor({ sort: sortName, keys: keysOf(first), id: first.task_id, direction: 'before' })
      : undefined;
  return {
    resources: page.map((row) => resourceTextOf('Task', row.task_id, row)),
    included: [],
    ...(nextCursor !== undefined && { nextCursor }),
    ...(previousCursor !== undefined && { previousCursor }),
  };
}
