import type { Resource } from 'fhir/r4.js';
import {
  migrate,
  preparedSql,
  type ProjectionTable,
  type SqlDatabase,
  type SqlExecutor,
} from '@carenet/eventsourcing';
import type { IncludeRule, ResourceIndexValues, SearchRequest } from '../search/index.js';
import { clauseIdsSql, clauseSql, isDrivingClause } from './criterion-sql.js';
import { FHIR_STORAGE_MIGRATIONS, FHIR_STORAGE_SCHEMA, FHIR_TABLES } from './fhir-storage-migrations.js';
import { indexColumns } from './index-rows.js';
import {
  decodeCursor,
  decodeHistoryCursor,
  encodeCursor,
  encodeHistoryCursor,
  type SearchCursor,
} from './search-cursor.js';
import { SearchStoreError } from './search-store-error.js';
import { cursorSql, orderBySql, sortKeySql } from './sort-sql.js';
import { SqlParams } from './sql-params.js';
import { visibleCondition, type PatientKeyOf, type PatientVisibility } from './patient-visibility.js';

/** How `put` writes (see there). */
export interface PutOptions {
  readonly serialised?: boolean;
  /** A constant statement of the caller (parameters `$1`…), run in the same statement. */
  readonly together?: { readonly sql: string; readonly params: readonly unknown[] };
}

/** The version a resource is stored at. */
/** The `request.method` a history entry shows for a stored version (deletions aside). */
export type HistoryMethod = 'POST' | 'PUT' | 'PATCH';

export interface StoredVersion {
  readonly versionId: number;
  /** An instant: ISO string or Date. */
  readonly lastUpdated: string | Date;
  /** The method of the write, as sent (the history's `request.method`); none: inferred. */
  readonly method?: HistoryMethod;
}

export interface StoreSearchResult {
  /** The matches of this page, in order. */
  readonly resources: Resource[];
  /** `_include` / `_revinclude` resources of this page (not matches themselves, each once). */
  readonly included: Resource[];
  /** Present when there is a next page: pass it back as the request's `cursor`. */
  readonly nextCursor?: string;
  /** Present when there is a previous page (the page started at a cursor). */
  readonly previousCursor?: string;
  /** With `_total=accurate` or `_summary=count`: the number of matches across all pages. */
  readonly total?: number;
}

/** One version in a type's history; without `resource` it is a deletion. */
export interface StoredHistoryVersion {
  readonly id: string;
  readonly versionId: number;
  readonly lastUpdated: string;
  readonly resource?: Resource;
  /** The method recorded with the version (versions stored before it was: none). */
  readonly method?: HistoryMethod;
}

interface HistoryRow {
  readonly id: string;
  readonly version_id: number;
  readonly last_updated: string;
  readonly content: Resource | null;
  readonly method: string | null;
}

const HISTORY_METHODS: ReadonlySet<string> = new Set<HistoryMethod>(['POST', 'PUT', 'PATCH']);

/**
 * `resourceType`, `id` and `meta` first, as FHIR JSON is written, the rest as given: the order
 * the content is stored in, and given out in (versions stored as jsonb, before migration 4, have
 * jsonb's order: shortest keys first).
 */
function inFhirOrder(resource: Resource): Resource {
  const { resourceType, id, meta, ...rest } = resource;
  return {
    resourceType,
    ...(id !== undefined && { id }),
    ...(meta !== undefined && { meta }),
    ...rest,
  };
}

const instantOf = (value: string | Date): string => (typeof value === 'string' ? value : value.toISOString());

interface PageRow {
  readonly id: string;
  readonly content: Resource;
  readonly [key: `k${number}`]: string | null;
}

const TYPE = '$1';

/** The row of a version (type, id, version, instant, content, method, patient key). */
function versionRowOf(resource: Resource, version: StoredVersion, patientKeyOf: PatientKeyOf): unknown[] {
  const id = resource.id;
  if (id === undefined || id.length === 0) {
    throw new SearchStoreError('missing-id', `cannot store a ${resource.resourceType} without id`);
  }
  const lastUpdated = instantOf(version.lastUpdated);
  const content = inFhirOrder({
    ...resource,
    meta: { ...resource.meta, versionId: String(version.versionId), lastUpdated },
  });
  return [
    resource.resourceType,
    id,
    version.versionId,
    lastUpdated,
    JSON.stringify(content),
    version.method ?? null,
    patientKeyOf(resource),
  ];
}

/**
 * The parameters of a put: the version's row (type, id, version, instant, content, method, patient
 * key) and index arrays.
 */
function putParams(
  resource: Resource,
  version: StoredVersion,
  values: ResourceIndexValues,
  patientKeyOf: PatientKeyOf,
): { row: unknown[]; indexArrays: unknown[] } {
  const id = resource.id;
  if (id === undefined || id.length === 0) {
    throw new SearchStoreError('missing-id', `cannot store a ${resource.resourceType} without id`);
  }
  if (values.resourceType !== resource.resourceType || (values.id !== undefined && values.id !== id)) {
    throw new SearchStoreError(
      'missing-id',
      `index values of ${values.resourceType}/${values.id ?? '?'} given for ${resource.resourceType}/${id}`,
    );
  }
  const lastUpdated = instantOf(version.lastUpdated);
  // Stored as text (json): resourceType, id and meta first, as it is given out.
  const content = inFhirOrder({
    ...resource,
    meta: { ...resource.meta, versionId: String(version.versionId), lastUpdated },
  });
  const c = indexColumns(values);
  return {
    row: [
      resource.resourceType,
      id,
      version.versionId,
      lastUpdated,
      JSON.stringify(content),
      version.method ?? null,
      patientKeyOf(resource),
    ],
    indexArrays: [...c.token, ...c.reference, ...c.date, ...c.string, ...c.number, ...c.quantity, ...c.uri],
  };
}

/**
 * The searchable read model of FHIR resources in PostgreSQL (PGlite too): the current version of
 * each resource, and its index values in one table per parameter type. Written by the caller's
 * transaction (an inline projection), searched with the SQL meaning of `searchMatches`.
 */
export class PostgresSearchStore {
  private constructor(
    private readonly db: SqlDatabase,
    private readonly patientKeyOf: PatientKeyOf,
  ) {}

  /**
   * Opens the store on a database, bringing the `fhir` schema up to date. `patientKeyOf` gives the
   * patient each stored resource is about (what a search's `visibility` filters on); without it,
   * none is (every resource visible to every search).
   */
  static async open(
    db: SqlDatabase,
    options: { readonly patientKeyOf?: PatientKeyOf } = {},
  ): Promise<PostgresSearchStore> {
    await migrate(db, FHIR_STORAGE_MIGRATIONS, FHIR_STORAGE_SCHEMA);
    return new PostgresSearchStore(db, options.patientKeyOf ?? (() => null));
  }

  /**
   * The same store inside a caller's transaction (`transactionScope(tx, dialect)`): its searches
   * and reads see what the transaction wrote, and never wait for another session (PGlite has one).
   */
  within(scope: SqlDatabase): PostgresSearchStore {
    return new PostgresSearchStore(scope, this.patientKeyOf);
  }

  /**
   * Stores a resource version (its `meta.versionId` and `meta.lastUpdated` set from `version`) and
   * replaces its index rows (two statements, whatever the number of values), on the caller's
   * transaction. `serialised`: the caller's transaction already holds a lock, taken before this
   * call, that every writer of this resource takes first (an inline projection: the event
   * stream's lock of the append); then one statement does it all, and `together` (the caller's
   * own write of the same version, a data-modifying statement numbered from `$1`) joins it as one
   * more CTE: one round trip for the whole projection.
   */
  async put(
    tx: SqlExecutor,
    resource: Resource,
    version: StoredVersion,
    values: ResourceIndexValues,
    options: PutOptions = {},
  ): Promise<void> {
    const { row, indexArrays } = putParams(resource, version, values, this.patientKeyOf);
    if (options.together !== undefined && options.serialised !== true) {
      throw new RangeError('put: `together` needs a serialised put');
    }
    if (options.serialised === true) {
      const { together } = options;
      await (together === undefined
        ? tx.query(PUT_SERIALISED_SQL, [...row, ...indexArrays])
        : tx.query(putTogetherSql(together.sql), [...row, ...indexArrays, ...together.params]));
      return;
    }
    // The upsert first: it locks the row, so that the index rows replaced by the next statement
    // (which takes its snapshot after the lock) are those of the last committed writer.
    await tx.query(UPSERT_SQL, row);
    await tx.query(REPLACE_INDEX_SQL, [...row.slice(0, 2), ...indexArrays]);
  }

  /**
   * The writes of `put` as CTEs to join another statement (an inline projection in its event
   * append: see `ProjectionStatement` of @carenet/eventsourcing), each guarded by `guard`, which
   * must make them wait for a lock every writer of the resource takes first; `together` (the
   * caller's own CTE, numbered from `$1`, guarded by the caller) joins them. Parameters from `$1`.
   */
  putStatement(
    resource: Resource,
    version: StoredVersion,
    values: ResourceIndexValues,
    options: { readonly guard: string; readonly together?: PutOptions['together'] },
  ): { readonly sql: string; readonly params: readonly unknown[] } {
    const { row, indexArrays } = putParams(resource, version, values, this.patientKeyOf);
    let ctes = guardedCtes.get(options.guard);
    if (ctes === undefined) {
      ctes = guardedPutCtes(options.guard);
      guardedCtes.set(options.guard, ctes);
    }
    const { together } = options;
    if (together === undefined) return { sql: ctes, params: [...row, ...indexArrays] };
    // The same text each time for the same statements (a prepared statement, a cheap map key):
    // keyed by the guard, then by the caller's constant text.
    let byTogether = guardedTogether.get(options.guard);
    if (byTogether === undefined) {
      byTogether = new Map();
      guardedTogether.set(options.guard, byTogether);
    }
    let sql = byTogether.get(together.sql);
    if (sql === undefined) {
      const shifted = shiftedAfterPut(together.sql);
      sql = `${ctes},\ntogether AS (\n${shifted}\n)`;
      byTogether.set(together.sql, sql);
    }
    return { sql, params: [...row, ...indexArrays, ...together.params] };
  }

  /**
   * Removes a resource and its index rows (a deletion), in the caller's transaction; with the
   * deletion's version, the history records it.
   */
  async remove(tx: SqlExecutor, resourceType: string, id: string, deletion?: StoredVersion): Promise<void> {
    await tx.query(REMOVE_SQL, [resourceType, id]);
    if (deletion !== undefined) {
      await tx.query(
        // A deletion is about the patient its versions were about (hidden from the same callers).
        `INSERT INTO fhir.resource_history (resource_type, id, version_id, last_updated, content, patient_key)
         VALUES ($1, $2, $3, $4::timestamptz, NULL,
           (SELECT p.patient_key FROM fhir.resource_history p WHERE p.resource_type = $1 AND p.id = $2
            ORDER BY p.version_id DESC LIMIT 1))
         ON CONFLICT (resource_type, id, version_id) DO UPDATE SET last_updated = EXCLUDED.last_updated, content = NULL`,
        [resourceType, id, deletion.versionId, instantOf(deletion.lastUpdated)],
      );
    }
  }

  /**
   * Versions of every resource of a type (type-level `_history`), newest first: at or after
   * `since`, strictly before the `before` cursor of a previous page, at most `count`.
   */
  async history(
    resourceType: string,
    options: {
      readonly since?: string;
      readonly count: number;
      readonly cursor?: string;
      /** The patients the caller may see: other patients' versions are left out. */
      readonly visibility?: PatientVisibility;
    },
  ): Promise<{ readonly versions: StoredHistoryVersion[]; readonly nextCursor?: string }> {
    const p = new SqlParams();
    const conditions = [`h.resource_type = ${p.bind(resourceType)}`];
    if (options.visibility !== undefined)
      conditions.push(visibleCondition(options.visibility, 'h.patient_key', p));
    if (options.since !== undefined)
      conditions.push(`h.last_updated >= ${p.bind(options.since, 'timestamptz')}`);
    if (options.cursor !== undefined) {
      const at = decodeHistoryCursor(options.cursor);
      conditions.push(
        `(h.last_updated, h.id, h.version_id) < (${p.bind(at.lastUpdated, 'timestamptz')}, ` +
          `${p.bind(at.id, 'text COLLATE "C"')}, ${p.bind(at.versionId, 'int')})`,
      );
    }
    const rows = await this.db.query<HistoryRow>(
      `SELECT h.id, h.version_id, to_json(h.last_updated) #>> '{}' AS last_updated, h.content, h.method
       FROM fhir.resource_history h WHERE ${conditions.join(' AND ')}
       ORDER BY h.last_updated DESC, h.id DESC, h.version_id DESC
       LIMIT ${p.bind(options.count + 1, 'int')}`,
      p.values,
    );
    const page = rows.slice(0, options.count);
    const last = page.at(-1);
    const versions = page.map((row): StoredHistoryVersion => ({
      id: row.id,
      versionId: row.version_id,
      lastUpdated: new Date(row.last_updated).toISOString(),
      ...(row.content !== null && { resource: inFhirOrder(row.content) }),
      ...(row.method !== null && HISTORY_METHODS.has(row.method) && { method: row.method as HistoryMethod }),
    }));
    return {
      versions,
      ...(rows.length > options.count &&
        last !== undefined && {
          nextCursor: encodeHistoryCursor({
            lastUpdated: last.last_updated,
            id: last.id,
            versionId: last.version_id,
          }),
        }),
    };
  }

  /** The stored version of a resource, or `undefined`. */
  async read(resourceType: string, id: string): Promise<Resource | undefined> {
    const rows = await this.db.query<{ content: Resource }>(
      preparedSql('SELECT content FROM fhir.resources WHERE resource_type = $1 AND id = $2'),
      [resourceType, id],
    );
    const content = rows[0]?.content;
    return content === undefined ? undefined : inFhirOrder(content);
  }

  /**
   * The tables of the read model and the rows of these types in each: what an inline projection
   * writing them declares for an online rebuild (each table is partitioned by type: a type's
   * partition is swapped whole).
   */
  tablesOf(resourceTypes: readonly string[]): ProjectionTable[] {
    return FHIR_TABLES.map((table) => ({
      name: `fhir.${table}`,
      rows: { column: 'resource_type', values: resourceTypes },
    }));
  }

  /** Rows of versions gathered in memory and written in a few statements (a bulk rebuild). */
  bulkWriter(): SearchBulkWriter {
    return new SearchBulkWriter(this.patientKeyOf);
  }

  /**
   * Empties the read model (before a rebuild from the log), in the caller's transaction: of the
   * given resource types only (a service rebuilding its own types leaves the others' alone), or
   * all of it.
   */
  async reset(tx: SqlExecutor, resourceTypes?: readonly string[]): Promise<void> {
    if (resourceTypes === undefined) {
      await tx.script(
        'TRUNCATE fhir.resources, fhir.resource_history, fhir.token_index, fhir.reference_index, ' +
          'fhir.date_index, fhir.string_index, fhir.number_index, fhir.quantity_index, fhir.uri_index',
      );
      return;
    }
    for (const table of ['resources', 'resource_history', ...TABLES.map((t) => `${t}_index`)]) {
      await tx.query(`DELETE FROM fhir.${table} WHERE resource_type = ANY($1::text[])`, [resourceTypes]);
    }
  }

  /**
   * One page of a search, in `_sort` order then by id, with keyset paging: the page after the
   * request's cursor (or the first), or the page before it (a `previous` link).
   */
  async search(request: SearchRequest): Promise<StoreSearchResult> {
    const p = new SqlParams();
    p.bind(request.resourceType);
    const from = fromSql(request, p);
    const keys = request.sort.map((rule) => sortKeySql(rule, TYPE, p));
    const sortName = request.sort.map((r) => `${r.descending ? '-' : ''}${r.parameter.code}`).join(',');
    const cursor =
      request.cursor === undefined ? undefined : decodeCursor(request.cursor, sortName, keys.length);
    const backwards = cursor?.direction === 'before';
    const limit = p.bind(request.count + 1, 'int');
    // `_summary=count` wants the number of matches only.
    const countOnly = request.summary === 'count';
    const fetched =
      request.count === 0 || countOnly
        ? []
        : await this.db.query<PageRow>(
            // The page is chosen on ids and sort keys only; the (large) content is fetched for
            // the rows of the page alone. Backwards, the rows before the cursor are read in
            // reverse order (the nearest first), then put back in order.
            `SELECT page.id, r.content${keys.map((_, i) => `, page.k${i}::text AS k${i}`).join('')}
             FROM (SELECT s.* FROM (SELECT r.id${keys.map((k, i) => `, ${k.expression} AS k${i}`).join('')}
                                    FROM ${from}) s
                   ${cursor === undefined ? '' : `WHERE ${cursorSql(keys, cursor, p)}`}
                   ORDER BY ${orderBySql(keys, 's', backwards)}
                   LIMIT ${limit}) page
             JOIN fhir.resources r ON r.resource_type = $1 AND r.id = page.id
             ORDER BY ${orderBySql(keys, 'page', backwards)}`,
            p.values,
          );
    const more = fetched.length > request.count;
    const rows = fetched.slice(0, request.count);
    if (backwards) rows.reverse();
    const cursorAt = (row: PageRow | undefined, direction: SearchCursor['direction']) =>
      row === undefined
        ? undefined
        : encodeCursor({
            sort: sortName,
            keys: keys.map((_, i) => row[`k${i}`] ?? null),
            id: row.id,
            direction,
          });
    // Forwards, a next page exists when a row beyond the page was read, and a previous one when
    // the page started at a cursor. Backwards, the other way round.
    const nextCursor = (backwards ? rows.length > 0 : more) ? cursorAt(rows.at(-1), 'after') : undefined;
    const previousCursor = (backwards ? more : cursor !== undefined)
      ? cursorAt(rows[0], 'before')
      : undefined;
    const total = await this.total(request, countOnly);
    const resources = rows.map((r) => inFhirOrder(r.content));
    const included = await this.included(
      request,
      rows.map((r) => r.id),
    );
    return {
      resources,
      included,
      ...(nextCursor !== undefined && { nextCursor }),
      ...(previousCursor !== undefined && { previousCursor }),
      ...(total !== undefined && { total }),
    };
  }

  /**
   * `_total`: `accurate` (and `_summary=count`) counts every match. `estimate` counts exactly up
   * to ESTIMATE_EXACT_UP_TO matches (cheap for the small sets a client pages through), and above
   * that answers the planner's row estimate, never less than what was counted.
   */
  private async total(request: SearchRequest, countOnly: boolean): Promise<number | undefined> {
    const mode = countOnly ? 'accurate' : request.total;
    if (mode !== 'accurate' && mode !== 'estimate') return undefined;
    const p = new SqlParams();
    p.bind(request.resourceType);
    const matches = `SELECT 1 FROM fhir.resources r WHERE ${whereSql(request, p)}`;
    if (mode === 'accurate') {
      const rows = await this.db.query<{ total: number }>(
        `SELECT count(*)::int AS total FROM (${matches}) m`,
        p.values,
      );
      return rows[0]?.total ?? 0;
    }
    const rows = await this.db.query<{ total: number }>(
      `SELECT count(*)::int AS total FROM (${matches} LIMIT ${ESTIMATE_EXACT_UP_TO + 1}) m`,
      p.values,
    );
    const counted = rows[0]?.total ?? 0;
    if (counted <= ESTIMATE_EXACT_UP_TO) return counted;
    const plan = await this.db.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (FORMAT JSON) ${matches}`, p.values);
    return Math.max(counted, plannedRows(plan[0]?.['QUERY PLAN']));
  }

  /**
   * `_include` and `_revinclude` of a page: the rules apply to the matches, then the `:iterate`
   * ones again to what the previous round added, until nothing new comes (at most
   * MAX_INCLUDE_ROUNDS rounds and MAX_INCLUDED resources). Each resource appears once, and never
   * when it is a match.
   */
  private async included(request: SearchRequest, ids: readonly string[]): Promise<Resource[]> {
    if (ids.length === 0 || request.include.length + request.revinclude.length === 0) return [];
    const matches = new Set(ids.map((id) => `${request.resourceType}/${id}`));
    const found = new Map<string, Resource>();
    let frontier = new Map<string, string[]>([[request.resourceType, [...ids]]]);
    for (let round = 0; round < MAX_INCLUDE_ROUNDS && frontier.size > 0; round++) {
      const next = new Map<string, string[]>();
      const add = (rows: readonly IncludedRow[]): void => {
        for (const row of rows) {
          const key = `${row.resource_type}/${row.id}`;
          if (matches.has(key) || found.has(key) || found.size >= MAX_INCLUDED) continue;
          found.set(key, inFhirOrder(row.content));
          next.set(row.resource_type, [...(next.get(row.resource_type) ?? []), row.id]);
        }
      };
      for (const rule of request.include) {
        const sources = frontier.get(rule.sourceType);
        if ((round > 0 && !rule.iterate) || sources === undefined) continue;
        add(await this.db.query<IncludedRow>(...includeSql(rule, sources, request.visibility)));
      }
      for (const rule of request.revinclude) {
        if (round > 0 && !rule.iterate) continue;
        for (const [type, targets] of frontier) {
          if (rule.targetType !== undefined && rule.targetType !== type) continue;
          if (rule.parameter.targets.length > 0 && !rule.parameter.targets.includes(type)) continue;
          add(await this.db.query<IncludedRow>(...revincludeSql(rule, type, targets, request.visibility)));
        }
      }
      frontier = next;
    }
    return [...found.values()];
  }
}

interface IncludedRow {
  readonly resource_type: string;
  readonly id: string;
  readonly content: Resource;
}

/** `_total=estimate` counts exactly up to this many matches. */
const ESTIMATE_EXACT_UP_TO = 1000;
/** `_include:iterate` stops after this many rounds, and at this many included resources. */
const MAX_INCLUDE_ROUNDS = 4;
const MAX_INCLUDED = 1000;

/** The top node's row estimate of an `EXPLAIN (FORMAT JSON)`. */
function plannedRows(plan: unknown): number {
  const top = Array.isArray(plan) ? (plan[0] as { Plan?: { 'Plan Rows'?: unknown } } | undefined) : undefined;
  const rows = top?.Plan?.['Plan Rows'];
  return typeof rows === 'number' ? Math.round(rows) : 0;
}

/** Resources the `sourceIds` (of the rule's source type) point to with the rule's parameter. */
function includeSql(
  rule: IncludeRule,
  sourceIds: readonly string[],
  visibility: PatientVisibility | undefined,
): [string, unknown[]] {
  const p = new SqlParams();
  const target = rule.targetType === undefined ? '' : ` AND x.target_type = ${p.bind(rule.targetType)}`;
  return [
    `SELECT DISTINCT ON (t.resource_type, t.id) t.resource_type, t.id, t.content FROM fhir.reference_index x
     JOIN fhir.resources t ON t.resource_type = x.target_type AND t.id = x.target_id
     WHERE x.resource_type = ${p.bind(rule.sourceType)} AND x.param = ${p.bind(rule.parameter.code)}
       AND x.id = ANY(${p.bind(sourceIds, 'text[]')})${target}${visibleAnd(visibility, 't', p)}`,
    p.values,
  ];
}

/** Resources of the rule's source type that point to the `targetIds` (of `targetType`). */
function revincludeSql(
  rule: IncludeRule,
  targetType: string,
  targetIds: readonly string[],
  visibility: PatientVisibility | undefined,
): [string, unknown[]] {
  const p = new SqlParams();
  return [
    `SELECT DISTINCT ON (t.resource_type, t.id) t.resource_type, t.id, t.content FROM fhir.reference_index x
     JOIN fhir.resources t ON t.resource_type = x.resource_type AND t.id = x.id
     WHERE x.resource_type = ${p.bind(rule.sourceType)} AND x.param = ${p.bind(rule.parameter.code)}
       AND x.target_type = ${p.bind(targetType)} AND x.target_id = ANY(${p.bind(targetIds, 'text[]')})${visibleAnd(visibility, 't', p)}`,
    p.values,
  ];
}

/**
 * The candidate rows `r` of a page and their filter. With a reference clause (an owner, a
 * patient) the candidates are that clause's ids, straight from its index table, and the resource
 * rows are not read at all until the page is chosen; otherwise every resource of the type. (Sort
 * keys that read the resource row itself, `_lastUpdated`, need the resource table.)
 */
function fromSql(request: SearchRequest, p: SqlParams): string {
  const driver = request.sort.some((rule) => rule.parameter.code === '_lastUpdated')
    ? undefined
    : request.clauses.find(isDrivingClause);
  if (driver === undefined) return `fhir.resources r WHERE ${whereSql(request, p)}`;
  const others = [
    ...request.clauses.filter((c) => c !== driver).map((c) => clauseSql(c, TYPE, p)),
    // The candidates are ids from an index table: the patient is on the resource's row.
    ...(request.visibility === undefined
      ? []
      : [
          // A scalar subquery per candidate (an index probe by id, the visible set hashed once),
          // not an EXISTS, which the planner turns into a semi-join over every resource.
          `(SELECT ${visibleCondition(request.visibility, 'v.patient_key', p)} FROM fhir.resources v WHERE v.resource_type = ${TYPE} AND v.id = r.id)`,
        ]),
  ];
  return `(${clauseIdsSql(driver, TYPE, p)}) r${others.length === 0 ? '' : ` WHERE ${others.join('\n AND ')}`}`;
}

function whereSql(request: SearchRequest, p: SqlParams): string {
  return [
    `r.resource_type = ${TYPE}`,
    ...request.clauses.map((c) => clauseSql(c, TYPE, p)),
    ...(request.visibility === undefined ? [] : [visibleCondition(request.visibility, 'r.patient_key', p)]),
  ].join('\n AND ');
}

/** ` AND <the row alias's patient is visible>`, or nothing without a visibility. */
function visibleAnd(visibility: PatientVisibility | undefined, alias: string, p: SqlParams): string {
  return visibility === undefined ? '' : ` AND ${visibleCondition(visibility, `${alias}.patient_key`, p)}`;
}

const TABLES = ['token', 'reference', 'date', 'string', 'number', 'quantity', 'uri'];

const deletes = TABLES.map(
  (t) => `d_${t} AS (DELETE FROM fhir.${t}_index WHERE resource_type = $1 AND id = $2)`,
).join(',\n');

// The version goes to the history too (a rebuild writes it again: the same row).
const UPSERT_SQL = preparedSql(`
WITH h AS (
  INSERT INTO fhir.resource_history (resource_type, id, version_id, last_updated, content, method, patient_key)
  VALUES ($1, $2, $3, $4::timestamptz, $5::json, $6::text, $7::text)
  ON CONFLICT (resource_type, id, version_id) DO UPDATE
    SET last_updated = EXCLUDED.last_updated, content = EXCLUDED.content, method = EXCLUDED.method,
      patient_key = EXCLUDED.patient_key
)
INSERT INTO fhir.resources (resource_type, id, version_id, last_updated, content, patient_key)
VALUES ($1, $2, $3, $4::timestamptz, $5::json, $7::text)
ON CONFLICT (resource_type, id) DO UPDATE
  SET version_id = EXCLUDED.version_id, last_updated = EXCLUDED.last_updated, content = EXCLUDED.content,
    patient_key = EXCLUDED.patient_key`);

/**
 * The columns of each index table after `resource_type` and `id`, in the order of the arrays of
 * `indexColumns`, with their SQL types. Numbers compare as text: 1.0 and 1.00 are one value to
 * `=`, not to a search, which reads the precision from the stored value.
 */
const INDEX_COLUMNS: readonly (readonly [table: string, columns: readonly (readonly [string, string])[]])[] =
  [
    [
      'token',
      [
        ['param', 'text'],
        ['system', 'text'],
        ['code', 'text'],
        ['text_normalized', 'text'],
      ],
    ],
    [
      'reference',
      [
        ['param', 'text'],
        ['reference', 'text'],
        ['target_type', 'text'],
        ['target_id', 'text'],
        ['version', 'text'],
        ['identifier_system', 'text'],
        ['identifier_value', 'text'],
      ],
    ],
    [
      'date',
      [
        ['param', 'text'],
        ['start_at', 'timestamptz'],
        ['end_at', 'timestamptz'],
      ],
    ],
    [
      'string',
      [
        ['param', 'text'],
        ['value', 'text'],
        ['normalized', 'text'],
      ],
    ],
    [
      'number',
      [
        ['param', 'text'],
        ['value', 'numeric'],
      ],
    ],
    [
      'quantity',
      [
        ['param', 'text'],
        ['value', 'numeric'],
        ['system', 'text'],
        ['code', 'text'],
        ['unit', 'text'],
      ],
    ],
    [
      'uri',
      [
        ['param', 'text'],
        ['value', 'text'],
      ],
    ],
  ];

/**
 * The index rows of a resource brought to the new values, as data-modifying CTEs of one
 * statement: the old rows no new value matches are deleted, the new values no old row matches
 * are inserted, and the rows that stay the same are not touched (a status change rewrites its
 * status row, not the ten others: fewer dead tuples, index entries and WAL). The old rows are read
 * once (`o_<table>`, by the `(resource_type, id, param)` index, the only one that fits), so that
 * no comparison can send the planner to another index; all the CTEs see the snapshot before the
 * statement. Each table's new rows come from column arrays (`unnest`), numbered from `$first`
 * (`$1` and `$2` are the resource type and id).
 */
function replaceIndexCtes(first: number, guard?: string): string {
  let n = first;
  const andGuard = guard === undefined ? '' : ` AND ${guard}`;
  return INDEX_COLUMNS.map(([table, columns]) => {
    const names = columns.map(([name]) => name);
    const arrays = columns.map(([, type]) => `$${n++}::${type}[]`);
    const same = columns
      .map(([name, type]) =>
        type === 'numeric'
          ? `o.${name}::text IS NOT DISTINCT FROM u.${name}::text`
          : `o.${name} IS NOT DISTINCT FROM u.${name}`,
      )
      .join(' AND ');
    return `o_${table} AS (
  SELECT x.ctid AS row_id, ${names.map((c) => `x.${c}`).join(', ')}
  FROM fhir.${table}_index x WHERE x.resource_type = $1 AND x.id = $2
),
n_${table} AS (SELECT * FROM unnest(${arrays.join(', ')}) AS u(${names.join(', ')})),
d_${table} AS (
  DELETE FROM fhir.${table}_index x USING o_${table} o
  WHERE x.resource_type = $1 AND x.ctid = o.row_id AND NOT EXISTS (SELECT 1 FROM n_${table} u WHERE ${same})${andGuard}
),
i_${table} AS (
  INSERT INTO fhir.${table}_index (resource_type, id, ${names.join(', ')})
  SELECT $1, $2, ${names.map((c) => `u.${c}`).join(', ')} FROM n_${table} u
  WHERE NOT EXISTS (SELECT 1 FROM o_${table} o WHERE ${same})${andGuard}
)`;
  }).join(',\n');
}

const REPLACE_INDEX_SQL = preparedSql(`WITH ${replaceIndexCtes(3)}
SELECT 1`);

/**
 * The version, its history row and the index rows in one statement: only for a caller whose
 * transaction already excludes every other writer of the resource (see `put`), since the deletes
 * see the index rows committed before the statement, not those of a writer it waited for.
 */
const PUT_SERIALISED_SQL = preparedSql(`
WITH h AS (
  INSERT INTO fhir.resource_history (resource_type, id, version_id, last_updated, content, method, patient_key)
  VALUES ($1, $2, $3, $4::timestamptz, $5::json, $6::text, $7::text)
  ON CONFLICT (resource_type, id, version_id) DO UPDATE
    SET last_updated = EXCLUDED.last_updated, content = EXCLUDED.content, method = EXCLUDED.method,
      patient_key = EXCLUDED.patient_key
),
r AS (
  INSERT INTO fhir.resources (resource_type, id, version_id, last_updated, content, patient_key)
  VALUES ($1, $2, $3, $4::timestamptz, $5::json, $7::text)
  ON CONFLICT (resource_type, id) DO UPDATE
    SET version_id = EXCLUDED.version_id, last_updated = EXCLUDED.last_updated, content = EXCLUDED.content,
      patient_key = EXCLUDED.patient_key
),
${replaceIndexCtes(8)}
SELECT 1`);

/**
 * The CTEs of a put that joins another statement (an event append): each runs only when `guard`
 * holds, which also makes it wait for what the guard reads (the append and its stream lock).
 */
function guardedPutCtes(guard: string): string {
  return `h AS (
  INSERT INTO fhir.resource_history (resource_type, id, version_id, last_updated, content, method, patient_key)
  SELECT $1::text, $2::text, $3::int, $4::timestamptz, $5::json, $6::text, $7::text WHERE ${guard}
  ON CONFLICT (resource_type, id, version_id) DO UPDATE
    SET last_updated = EXCLUDED.last_updated, content = EXCLUDED.content, method = EXCLUDED.method,
      patient_key = EXCLUDED.patient_key
),
r AS (
  INSERT INTO fhir.resources (resource_type, id, version_id, last_updated, content, patient_key)
  SELECT $1::text, $2::text, $3::int, $4::timestamptz, $5::json, $7::text WHERE ${guard}
  ON CONFLICT (resource_type, id) DO UPDATE
    SET version_id = EXCLUDED.version_id, last_updated = EXCLUDED.last_updated, content = EXCLUDED.content,
      patient_key = EXCLUDED.patient_key
),
${replaceIndexCtes(8, guard)}`;
}
const guardedCtes = new Map<string, string>();
const guardedTogether = new Map<string, Map<string, string>>();

/** Parameters of PUT_SERIALISED_SQL: the row (7) and the index arrays (26). */
const PUT_SERIALISED_PARAMS = 33;
const putTogether = new Map<string, string>();

/** A caller's statement (`together`) with its parameters numbered after those of a put. */
const shiftedAfterPut = (sql: string): string =>
  sql.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + PUT_SERIALISED_PARAMS}`);

/** PUT_SERIALISED_SQL with the caller's statement as one more CTE, its parameters shifted after ours. */
function putTogetherSql(sql: string): string {
  let text = putTogether.get(sql);
  if (text === undefined) {
    const shifted = shiftedAfterPut(sql);
    text = preparedSql(
      PUT_SERIALISED_SQL.replace(/\nSELECT 1$/, `,\ntogether AS (\n${shifted}\n)\nSELECT 1`),
    );
    putTogether.set(sql, text);
  }
  return text;
}

const REMOVE_SQL = preparedSql(`
WITH d_resource AS (DELETE FROM fhir.resources WHERE resource_type = $1 AND id = $2),
${deletes}
SELECT 1`);

/** The column arrays of `INSERT … SELECT FROM unnest(…)` into one table, with their SQL types. */
class RowBatch {
  rows: unknown[][] = [];

  constructor(
    readonly table: string,
    readonly names: readonly string[],
    readonly types: readonly string[],
  ) {}

  /**
   * The rows held, handed over as one JSON text (`JSON.stringify`, native: far cheaper than the
   * driver's quoting of array elements), unpacked by PostgreSQL (`jsonb_array_elements`: parsed once).
   */
  take(): (tx: SqlExecutor, tableOf: (live: string) => string) => Promise<void> {
    if (this.rows.length === 0) return () => Promise.resolve();
    const text = JSON.stringify(this.rows);
    this.rows = [];
    return async (tx, tableOf) => {
      await tx.query(
        `INSERT INTO ${tableOf(this.table)} (${this.names.join(', ')})
         SELECT ${this.types.map((type, n) => `(r ->> ${n})::${type}`).join(', ')} FROM jsonb_array_elements($1::jsonb) r`,
        [text],
      );
    };
  }
}

/**
 * The read model's rows of many versions, gathered in memory and written by one multi-row insert
 * per table (`flush`): what a bulk rebuild writes into fresh tables (no upsert, no index row
 * compared). Each version goes to the history; the current one of a resource also to
 * `fhir.resources` with its index rows. The rows are those `put` writes.
 */
export class SearchBulkWriter {
  private readonly history = new RowBatch(
    'fhir.resource_history',
    ['resource_type', 'id', 'version_id', 'last_updated', 'content', 'method', 'patient_key'],
    ['text', 'text', 'int', 'timestamptz', 'json', 'text', 'text'],
  );
  private readonly resources = new RowBatch(
    'fhir.resources',
    ['resource_type', 'id', 'version_id', 'last_updated', 'content', 'patient_key'],
    ['text', 'text', 'int', 'timestamptz', 'json', 'text'],
  );
  private readonly indexes = INDEX_COLUMNS.map(
    ([table, columns]) =>
      new RowBatch(
        `fhir.${table}_index`,
        ['resource_type', 'id', ...columns.map(([name]) => name)],
        ['text', 'text', ...columns.map(([, type]) => type)],
      ),
  );
  private rows = 0;

  constructor(private readonly patientKeyOf: PatientKeyOf) {}

  /** Rows held. */
  get pending(): number {
    return this.rows;
  }

  /** A version of a resource: to the history; with index values (its current one) to the rest too. */
  add(resource: Resource, version: StoredVersion, values?: ResourceIndexValues): void {
    if (values === undefined) {
      pushRow(this.history, versionRowOf(resource, version, this.patientKeyOf));
      this.rows++;
      return;
    }
    const { row } = putParams(resource, version, values, this.patientKeyOf);
    pushRow(this.history, row);
    pushRow(this.resources, [row[0], row[1], row[2], row[3], row[4], row[6]]);
    this.rows += 2;
    const columns = indexColumns(values);
    const byTable = [
      columns.token,
      columns.reference,
      columns.date,
      columns.string,
      columns.number,
      columns.quantity,
      columns.uri,
    ] as readonly (readonly unknown[][])[];
    byTable.forEach((arrays, n) => {
      const batch = this.indexes[n];
      const count = arrays[0]?.length ?? 0;
      if (batch === undefined || count === 0) return;
      for (let i = 0; i < count; i++) batch.rows.push([row[0], row[1], ...arrays.map((column) => column[i])]);
      this.rows += count;
    });
  }

  /** The rows held, handed over (`take` of BulkRebuild): the function writes them. */
  take(): (tx: SqlExecutor, tableOf: (live: string) => string) => Promise<void> {
    const writes = [this.history, this.resources, ...this.indexes].map((batch) => batch.take());
    this.rows = 0;
    return async (tx, tableOf) => {
      for (const write of writes) await write(tx, tableOf);
    };
  }
}

function pushRow(batch: RowBatch, row: readonly unknown[]): void {
  batch.rows.push([...row]);
}
