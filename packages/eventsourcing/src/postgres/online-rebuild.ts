import type { LogPosition, RecordedEvent } from '../events.js';
import type { InlineProjection, ProjectionTable } from './inline-projection.js';
import { EVENT_COLUMNS, toRecordedEvent, type EventRow } from './sql/event-row.js';
import { logPositionBefore } from './sql/inspect-store.js';
import { decodeLogPosition, encodeLogPosition } from './sql/log-position.js';
import { readAllSql } from './sql/read-all.js';
import { sqlErrorCode, type SqlDatabase, type SqlExecutor } from './sql-database.js';

/**
 * Where an online rebuild stands: `bulk` (streams folded whole into the shadow tables, up to a
 * fixed log position), `indexes` (the shadows' indexes built after their load), `catch-up` (the
 * events after that position applied to the shadows by the projection's own `apply`), then the
 * switch (one short transaction).
 */
export type RebuildPhase = 'bulk' | 'indexes' | 'catch-up';

/** How a shadow table takes the live one's place. */
type Swap =
  /** The whole table is the projection's: the old one dropped, the shadow renamed. */
  | 'rename'
  /** A partition of a LIST-partitioned table holding exactly its rows: detached, the shadow attached. */
  | 'partition'
  /** Its rows of a shared table: deleted and copied from the shadow (a pause that grows with them). */
  | 'copy';

interface IndexSpec {
  /** The live index's name (without schema), given to the shadow's at the switch. */
  readonly live: string;
  readonly shadow: string;
  readonly sql: string;
}

interface ShadowTable {
  /** The table as the projection's SQL names it (`fhir.resources`). */
  readonly live: string;
  /** `schema.name` of the shadow. */
  readonly shadow: string;
  readonly swap: Swap;
  /** partition: the live partition (`schema.name`) and its bound (`FOR VALUES IN ('Task')`). */
  readonly partition?: string;
  readonly bound?: string;
  /** partition: the CHECK that spares the attach its scan (dropped after it), on this column. */
  readonly check?: string;
  readonly column?: string;
  /** copy: the condition of the projection's rows. */
  readonly where?: string;
  readonly indexes: readonly IndexSpec[];
}

interface RebuildRow {
  readonly phase: RebuildPhase;
  readonly target: LogPosition;
  readonly after_stream: string | null;
  readonly position: LogPosition;
  readonly tables: readonly ShadowTable[];
  readonly events: string;
}

/** A rebuild under way, as `projections status` shows it. */
export interface RebuildStatus {
  readonly projection: string;
  readonly phase: RebuildPhase;
  /** The position the bulk phase reads up to. */
  readonly target: LogPosition;
  /** The position applied up to (the catch-up's; the bulk phase's target before it). */
  readonly position: LogPosition;
  readonly events: number;
  readonly startedAt: string;
  readonly updatedAt: string;
}

export interface OnlineRebuildOptions {
  /** Forget a rebuild left half-way (drop its shadow tables) and start over. */
  readonly restart?: boolean;
  /** Events read per query (default 5,000). */
  readonly readBatch?: number;
  /** Rows the bulk phase holds before it writes them, with its progress (default 60,000). */
  readonly bulkRows?: number;
  /** The lock wait of the switch before it gives up and retries (default 400 ms, below deadlock_timeout). */
  readonly lockTimeoutMs?: number;
  /** Attempts of the switch (default 50). */
  readonly switchAttempts?: number;
  /** Called when the switch gave up waiting for its locks, before it tries again. */
  readonly onSwitchRetry?: (attempt: number) => void;
  /** Called after each batch written: the phase and the events handled so far. */
  readonly onProgress?: (phase: RebuildPhase | 'switch', events: number) => void;
  /**
   * Test hook: called before each batch is written; throwing interrupts the rebuild there (as a
   * kill would), leaving what was committed before.
   */
  readonly beforeBatch?: (phase: RebuildPhase, events: number) => void;
}

export interface OnlineRebuildReport {
  /** Events folded or applied by this run (a resumed run counts only its own). */
  readonly events: number;
  /** Whether it resumed a rebuild left half-way. */
  readonly resumed: boolean;
  /** The longest the switch held the log (writers waited): milliseconds. */
  readonly switchMs: number;
  /** Attempts the switch needed. */
  readonly switchAttempts: number;
  /** Seconds of each phase run by this call. */
  readonly seconds: Readonly<Record<RebuildPhase | 'switch', number>>;
}

/** Another rebuild of the projection holds its lock. */
export class RebuildBusyError extends Error {
  override readonly name = 'RebuildBusyError';
  constructor(readonly projection: string) {
    super(`a rebuild of ${projection} is already running on this database`);
  }
}

/** The projection cannot be rebuilt online (it names no tables). */
export class RebuildUnsupportedError extends Error {
  override readonly name = 'RebuildUnsupportedError';
}

const START = '0:0' as LogPosition;
const MAX_REVISION = '9223372036854775807';
const LOCK_NOT_AVAILABLE = '55P03';

/** Rows of the bulk phase held before a write (bigger: fewer, larger statements). */
const FLUSH_ROWS = 60_000;
/** Events applied per transaction in the catch-up. */
const CATCH_UP_BATCH = 1_000;
/** The catch-up stops and tries the switch once a pass finds fewer events than this… */
const SWITCH_TAIL = 500;
/** …or after this many passes (the switch applies the rest, the log held). */
const CATCH_UP_PASSES = 5;

const quoteLiteral = (value: string): string => `'${value.replaceAll("'", "''")}'`;
const quoteIdent = (name: string): string =>
  /^[a-z_][a-z0-9_]*$/.test(name) ? name : `"${name.replaceAll('"', '""')}"`;

function splitName(qualified: string): { schema: string; name: string } {
  const dot = qualified.indexOf('.');
  if (dot < 0) throw new RangeError(`not a schema-qualified table: ${qualified}`);
  return { schema: qualified.slice(0, dot), name: qualified.slice(dot + 1) };
}

/** A short stable tag of a projection's name (FNV-1a), for shadow table names. */
function tagOf(projection: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < projection.length; i++) {
    hash ^= projection.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(36);
}

/**
 * Rebuilds an inline projection from the log without stopping its service: the new read model is
 * built in shadow tables beside the live ones (which keep serving, and keep being written by the
 * appends), in bulk up to a fixed position, then caught up with the projection's own `apply`,
 * then switched in one short transaction that holds the log in share mode (appends wait for it)
 * while it applies the last events and swaps the tables. Every batch commits with the rebuild's
 * progress (`eventstore.projection_rebuilds`): run again after an interruption, it resumes. Two
 * rebuilds of one projection at once: the second throws `RebuildBusyError`.
 */
export async function rebuildOnline(
  db: SqlDatabase,
  projection: InlineProjection,
  options: OnlineRebuildOptions = {},
): Promise<OnlineRebuildReport> {
  if (projection.tables === undefined || projection.tables.length === 0) {
    throw new RebuildUnsupportedError(`${projection.name} names no tables: it cannot be rebuilt online`);
  }
  const lockKey = `carenet.rebuild.${projection.name}`;
  return db.session(async (session) => {
    const [row] = await session.query<{ locked: boolean }>(
      'SELECT pg_try_advisory_lock(hashtext($1)) AS locked',
      [lockKey],
    );
    if (!row?.locked) throw new RebuildBusyError(projection.name);
    try {
      return await new OnlineRebuild(db, projection, options).run();
    } finally {
      await session.query('SELECT pg_advisory_unlock(hashtext($1))', [lockKey]);
    }
  });
}

/** The rebuilds under way on this database. */
export async function rebuildStatusSql(sql: SqlExecutor): Promise<RebuildStatus[]> {
  const rows = await sql.query<{
    projection: string;
    phase: RebuildPhase;
    target: LogPosition;
    position: LogPosition;
    events: string;
    started_at: string;
    updated_at: string;
  }>(
    `SELECT projection, phase, target, position, events::text AS events,
            to_json(started_at) #>> '{}' AS started_at, to_json(updated_at) #>> '{}' AS updated_at
       FROM eventstore.projection_rebuilds ORDER BY projection`,
  );
  return rows.map((r) => ({
    projection: r.projection,
    phase: r.phase,
    target: r.target,
    position: r.phase === 'catch-up' ? r.position : r.target,
    events: Number(r.events),
    startedAt: r.started_at,
    updatedAt: r.updated_at,
  }));
}

class OnlineRebuild {
  private events = 0;
  private readonly seconds = { bulk: 0, indexes: 0, 'catch-up': 0, switch: 0 };

  constructor(
    private readonly db: SqlDatabase,
    private readonly projection: InlineProjection,
    private readonly options: OnlineRebuildOptions,
  ) {}

  async run(): Promise<OnlineRebuildReport> {
    if (this.options.restart) await this.forget();
    let state = await this.load();
    const resumed = state !== undefined;
    state ??= await this.begin();
    if (state.phase === 'bulk') {
      const started = performance.now();
      await this.bulk(state);
      this.seconds.bulk += (performance.now() - started) / 1000;
      state = await this.mustLoad();
    }
    if (state.phase === 'indexes') {
      const started = performance.now();
      await this.buildIndexes(state);
      this.seconds.indexes += (performance.now() - started) / 1000;
      state = await this.mustLoad();
    }
    const started = performance.now();
    await this.catchUp(state.tables);
    this.seconds['catch-up'] += (performance.now() - started) / 1000;
    const switched = performance.now();
    const { attempts, heldMs } = await this.switchOver(state.tables);
    this.seconds.switch += (performance.now() - switched) / 1000;
    return {
      events: this.events,
      resumed,
      switchMs: heldMs,
      switchAttempts: attempts,
      seconds: this.seconds,
    };
  }

  private async load(): Promise<RebuildRow | undefined> {
    const [row] = await this.db.query<RebuildRow>(
      `SELECT phase, target, after_stream, position, tables, events::text AS events
         FROM eventstore.projection_rebuilds WHERE projection = $1`,
      [this.projection.name],
    );
    return row;
  }

  private async mustLoad(): Promise<RebuildRow> {
    const row = await this.load();
    if (row === undefined) throw new Error(`the rebuild of ${this.projection.name} vanished`);
    return row;
  }

  /** Drops the shadows of a rebuild left half-way, and its record. */
  private async forget(): Promise<void> {
    const row = await this.load();
    await this.db.transaction(async (tx) => {
      for (const table of row?.tables ?? []) await tx.query(`DROP TABLE IF EXISTS ${table.shadow}`);
      await tx.query('DELETE FROM eventstore.projection_rebuilds WHERE projection = $1', [
        this.projection.name,
      ]);
    });
  }

  /** Creates the shadow tables (no index yet) and records the rebuild, up to the committed head. */
  private async begin(): Promise<RebuildRow> {
    return this.db.transaction(async (tx) => {
      const tables: ShadowTable[] = [];
      for (const table of this.projection.tables ?? []) tables.push(await this.shadowOf(tx, table));
      for (const table of tables) {
        const source = table.partition ?? table.live;
        await tx.query(`DROP TABLE IF EXISTS ${table.shadow}`);
        await tx.query(`CREATE TABLE ${table.shadow} (LIKE ${source} INCLUDING ALL EXCLUDING INDEXES)`);
      }
      const target = (await committedHead(tx, this.projection.categories)) ?? START;
      const phase: RebuildPhase = this.projection.bulk === undefined ? 'indexes' : 'bulk';
      // Without a bulk builder, the catch-up replays the whole log.
      const position = phase === 'bulk' ? target : START;
      await tx.query(
        `INSERT INTO eventstore.projection_rebuilds (projection, phase, target, position, tables)
         VALUES ($1, $2, $3, $4, $5::jsonb)`,
        [this.projection.name, phase, target, position, JSON.stringify(tables)],
      );
      return { phase, target, after_stream: null, position, tables, events: '0' };
    });
  }

  /** Where a table's new rows are built, how they switch, and the indexes they need. */
  private async shadowOf(tx: SqlExecutor, table: ProjectionTable): Promise<ShadowTable> {
    const { schema, name } = splitName(table.name);
    const shadowName = `${name.slice(0, 40)}_rb${tagOf(this.projection.name)}`;
    const shadow = `${schema}.${shadowName}`;
    const rows = table.rows;
    let swap: Swap = rows === undefined ? 'rename' : 'copy';
    let partition: string | undefined;
    let bound: string | undefined;
    let check: string | undefined;
    let column: string | undefined;
    let where: string | undefined;
    if (rows !== undefined && 'column' in rows) {
      const values = rows.values.map(quoteLiteral).join(', ');
      where = `${quoteIdent(rows.column)} IN (${values})`;
      const partitions = await tx.query<{ name: string; bound: string; column: string }>(
        `SELECT n.nspname || '.' || c.relname AS name, pg_get_expr(c.relpartbound, c.oid) AS bound,
                a.attname AS column
           FROM pg_partitioned_table pt
           JOIN pg_attribute a ON a.attrelid = pt.partrelid AND a.attnum = pt.partattrs[0]
           JOIN pg_inherits i ON i.inhparent = pt.partrelid
           JOIN pg_class c ON c.oid = i.inhrelid
           JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE pt.partrelid = $1::regclass AND pt.partstrat = 'l'`,
        [table.name],
      );
      const own = partitions.find((p) => p.column === rows.column && p.bound === `FOR VALUES IN (${values})`);
      if (own !== undefined) {
        swap = 'partition';
        partition = own.name;
        bound = own.bound;
        check = `${shadowName}_bound`;
        column = rows.column;
        where = undefined;
      }
    } else if (rows !== undefined) {
      where = rows.where;
    }
    const indexes = await indexesOf(tx, partition ?? table.name, shadow, shadowName);
    return {
      live: table.name,
      shadow,
      swap,
      ...(partition !== undefined &&
        bound !== undefined &&
        check !== undefined &&
        column !== undefined && { partition, bound, check, column }),
      ...(where !== undefined && { where }),
      indexes,
    };
  }

  /**
   * The bulk phase: the projection's streams read whole, in stream order, up to the target; their
   * rows written in large statements with the stream reached, so that a rerun resumes after it.
   */
  private async bulk(state: RebuildRow): Promise<void> {
    const builder = this.projection.bulk?.();
    if (builder === undefined) throw new Error(`${this.projection.name} has no bulk builder`);
    const target = decodeLogPosition(state.target);
    const tableOf = this.tableOf(state.tables);
    const limit = this.options.readBatch ?? 5_000;
    const read = (afterStream: string, afterRevision: string) =>
      this.db.query<EventRow>(
        `SELECT ${EVENT_COLUMNS} FROM eventstore.events e
          WHERE (e.stream_id, e.stream_revision) > ($1::text, $2::bigint)
            AND e.category = ANY($3::text[])
            AND (e.transaction_id, e.global_position) <= ($4::text::xid8, $5::bigint)
          ORDER BY e.stream_id, e.stream_revision
          LIMIT $6`,
        [
          afterStream,
          afterRevision,
          this.projection.categories,
          target.transactionId,
          target.globalPosition,
          limit,
        ],
      );
    let held: RecordedEvent[] = [];
    let written = state.after_stream;
    let folded = 0;
    let next = read(written ?? '', written === null ? '-1' : MAX_REVISION);
    // One write in flight while the next streams are folded (PostgreSQL and Node at work at once).
    let writing: Promise<void> = Promise.resolve();
    const flush = async () => {
      if (builder.pending === 0 && folded === 0) return;
      this.options.beforeBatch?.('bulk', this.events);
      const write = builder.take();
      const [afterStream, count] = [written, folded];
      folded = 0;
      await writing;
      writing = this.db
        .transaction(async (tx) => {
          await write(tx, tableOf);
          await tx.query(
            `UPDATE eventstore.projection_rebuilds SET after_stream = $2, events = events + $3, updated_at = now()
              WHERE projection = $1`,
            [this.projection.name, afterStream, count],
          );
        })
        .then(() => {
          this.events += count;
          this.options.onProgress?.('bulk', this.events);
        });
      // Awaited at the next flush or at the end; not an unhandled rejection meanwhile.
      writing.catch(() => undefined);
    };
    for (;;) {
      const rows = await next;
      const last = rows.at(-1);
      const done = rows.length < limit || last === undefined;
      if (!done) next = read(last.stream_id, last.stream_revision);
      for (const row of rows) {
        const event = toRecordedEvent(row);
        if (held.length > 0 && held[0]?.streamId !== event.streamId) {
          builder.add(held);
          folded += held.length;
          written = held[0]?.streamId ?? written;
          held = [];
          if (builder.pending >= (this.options.bulkRows ?? FLUSH_ROWS)) await flush();
        }
        held.push(event);
      }
      if (done) break;
    }
    if (held.length > 0) {
      builder.add(held);
      folded += held.length;
      written = held[0]?.streamId ?? written;
    }
    await flush();
    await writing;
    await this.db.query(
      `UPDATE eventstore.projection_rebuilds SET phase = 'indexes', updated_at = now() WHERE projection = $1`,
      [this.projection.name],
    );
  }

  /** The shadows' indexes and constraints, built after their load; then their statistics. */
  private async buildIndexes(state: RebuildRow): Promise<void> {
    await this.db.session(async (session) => {
      await session.query("SET maintenance_work_mem = '256MB'");
      for (const table of state.tables) {
        const present = new Set(
          (
            await session.query<{ name: string }>(
              `SELECT c.relname AS name FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
                WHERE i.indrelid = $1::regclass`,
              [table.shadow],
            )
          ).map((r) => r.name),
        );
        // One by one, each committed: a resumed run builds only those missing.
        for (const index of table.indexes) {
          if (!present.has(index.shadow)) await session.query(index.sql);
        }
        if (table.check !== undefined && table.bound !== undefined && table.column !== undefined) {
          const [constraint] = await session.query(
            'SELECT 1 FROM pg_constraint WHERE conrelid = $1::regclass AND conname = $2',
            [table.shadow, table.check],
          );
          if (constraint === undefined) {
            const values = table.bound.replace(/^FOR VALUES IN /, '');
            const column = quoteIdent(table.column);
            await session.query(
              `ALTER TABLE ${table.shadow} ADD CONSTRAINT ${table.check}
                 CHECK (${column} IS NOT NULL AND ${column} IN ${values})`,
            );
          }
        }
        await session.query(`ANALYZE ${table.shadow}`);
      }
    });
    await this.db.query(
      `UPDATE eventstore.projection_rebuilds SET phase = 'catch-up', updated_at = now() WHERE projection = $1`,
      [this.projection.name],
    );
  }

  /**
   * Applies the committed events after the rebuild's position to the shadows, batch by batch, in
   * passes: each up to the head of the log when it starts, so that writers faster than the catch-up
   * cannot keep it from ending. Done once a pass found few events (or after a few passes): what
   * came since is applied by the switch, the log held.
   */
  private async catchUp(tables: readonly ShadowTable[]): Promise<void> {
    for (let pass = 1; ; pass++) {
      const head = await committedHead(this.db, this.projection.categories);
      let applied = 0;
      for (;;) {
        const state = await this.mustLoad();
        if (head === null || !logPositionBefore(state.position, head)) break;
        const events = (
          await readAllSql(this.db, state.position, this.projection.categories, CATCH_UP_BATCH)
        ).filter((event) => !logPositionBefore(head, event.logPosition));
        if (events.length === 0) break;
        this.options.beforeBatch?.('catch-up', this.events);
        await this.db.transaction(async (tx) => {
          await this.projection.apply(retargeted(tx, tables), events);
          await tx.query(
            `UPDATE eventstore.projection_rebuilds SET position = $2, events = events + $3, updated_at = now()
              WHERE projection = $1`,
            [this.projection.name, events.at(-1)?.logPosition, events.length],
          );
        });
        applied += events.length;
        this.events += events.length;
        this.options.onProgress?.('catch-up', this.events);
      }
      if (applied < SWITCH_TAIL || pass >= CATCH_UP_PASSES) return;
    }
  }

  /**
   * The switch, in one transaction: the log held in share mode (appends wait), the live tables
   * locked, the last events applied to the shadows, the shadows swapped in. A lock not granted
   * within the timeout (a long reader, a deadlock in the making) rolls it back: caught up again,
   * it tries anew.
   */
  private async switchOver(tables: readonly ShadowTable[]): Promise<{ attempts: number; heldMs: number }> {
    const attempts = this.options.switchAttempts ?? 50;
    const timeout = this.options.lockTimeoutMs ?? 400;
    for (let attempt = 1; ; attempt++) {
      try {
        const heldMs = await this.db.transaction(async (tx) => {
          await tx.query(`SET LOCAL lock_timeout = '${timeout}ms'`);
          await tx.query('LOCK TABLE eventstore.events IN SHARE MODE');
          const held = performance.now();
          // The tables swapped (a partition's parent), in one statement; rows copied need no lock.
          const locked = tables.filter((t) => t.swap !== 'copy').map((t) => t.live);
          if (locked.length > 0) await tx.query(`LOCK TABLE ${locked.join(', ')} IN ACCESS EXCLUSIVE MODE`);
          const [state] = await tx.query<{ position: LogPosition }>(
            'SELECT position FROM eventstore.projection_rebuilds WHERE projection = $1 FOR UPDATE',
            [this.projection.name],
          );
          let position = state?.position ?? START;
          const target = retargeted(tx, tables);
          for (;;) {
            // The log is held: no transaction can commit an event of ours behind the position.
            const events = await readAllSql(tx, position, this.projection.categories, CATCH_UP_BATCH, false);
            if (events.length === 0) break;
            await this.projection.apply(target, events);
            this.events += events.length;
            position = events.at(-1)?.logPosition ?? position;
          }
          await tx.script(
            [
              ...tables.flatMap(swapStatements),
              `DELETE FROM eventstore.projection_rebuilds WHERE projection = ${quoteLiteral(this.projection.name)}`,
            ].join(';\n'),
          );
          return performance.now() - held;
        });
        this.options.onProgress?.('switch', this.events);
        return { attempts: attempt, heldMs };
      } catch (error) {
        if (sqlErrorCode(error) !== LOCK_NOT_AVAILABLE || attempt >= attempts) throw error;
        this.options.onSwitchRetry?.(attempt);
        await new Promise((resolve) => setTimeout(resolve, Math.min(50 * attempt, 1_000)));
        await this.catchUp(tables);
      }
    }
  }

  private tableOf(tables: readonly ShadowTable[]): (live: string) => string {
    const map = new Map(tables.map((t) => [t.live, t.shadow]));
    return (live) => {
      const shadow = map.get(live);
      if (shadow === undefined) throw new RangeError(`${live} is not a table of ${this.projection.name}`);
      return shadow;
    };
  }
}

/** The position of the last event of these categories that no running transaction can precede. */
async function committedHead(sql: SqlExecutor, categories: readonly string[]): Promise<LogPosition | null> {
  let head: LogPosition | null = null;
  for (const category of categories) {
    const [row] = await sql.query<{ transaction_id: string; global_position: string }>(
      `SELECT e.transaction_id::text AS transaction_id, e.global_position::text AS global_position
         FROM eventstore.events e
        WHERE e.category = $1 AND e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
        ORDER BY e.transaction_id DESC, e.global_position DESC
        LIMIT 1`,
      [category],
    );
    if (row === undefined) continue;
    const position = encodeLogPosition(row.transaction_id, row.global_position);
    if (head === null || logPositionBefore(head, position)) head = position;
  }
  return head;
}

/** The indexes (and unique or primary-key constraints) of `source`, as statements on the shadow. */
async function indexesOf(
  tx: SqlExecutor,
  source: string,
  shadow: string,
  shadowName: string,
): Promise<IndexSpec[]> {
  const rows = await tx.query<{
    name: string;
    unique: boolean;
    def: string;
    condef: string | null;
  }>(
    `SELECT c.relname AS name, i.indisunique AS unique, pg_get_indexdef(i.indexrelid) AS def,
            pg_get_constraintdef(con.oid) AS condef
       FROM pg_index i
       JOIN pg_class c ON c.oid = i.indexrelid
       LEFT JOIN pg_constraint con ON con.conindid = i.indexrelid AND con.conrelid = i.indrelid
         AND con.contype IN ('p', 'u')
      WHERE i.indrelid = $1::regclass
      ORDER BY c.relname`,
    [source],
  );
  return rows.map((row, n) => {
    const name = `${shadowName}_i${n}`;
    const using = row.def.slice(row.def.indexOf(' USING '));
    return {
      live: row.name,
      shadow: name,
      sql:
        row.condef === null
          ? `CREATE ${row.unique ? 'UNIQUE ' : ''}INDEX ${name} ON ${shadow}${using}`
          : `ALTER TABLE ${shadow} ADD CONSTRAINT ${name} ${row.condef}`,
    };
  });
}

/**
 * The statements that put the shadow in the live table's place (run by the switch's transaction,
 * the locks held, as one script: one round trip for all the tables).
 */
function swapStatements(table: ShadowTable): string[] {
  const { schema } = splitName(table.shadow);
  const renameIndexes = table.indexes.map(
    (index) => `ALTER INDEX ${schema}.${index.shadow} RENAME TO ${quoteIdent(index.live)}`,
  );
  switch (table.swap) {
    case 'rename':
      return [
        `DROP TABLE ${table.live}`,
        `ALTER TABLE ${table.shadow} RENAME TO ${quoteIdent(splitName(table.live).name)}`,
        ...renameIndexes,
      ];
    case 'partition': {
      const partition = table.partition ?? '';
      return [
        `ALTER TABLE ${table.live} DETACH PARTITION ${partition}`,
        `DROP TABLE ${partition}`,
        `ALTER TABLE ${table.shadow} RENAME TO ${quoteIdent(splitName(partition).name)}`,
        ...renameIndexes,
        `ALTER TABLE ${table.live} ATTACH PARTITION ${partition} ${table.bound ?? ''}`,
        ...(table.check === undefined ? [] : [`ALTER TABLE ${partition} DROP CONSTRAINT ${table.check}`]),
      ];
    }
    case 'copy':
      return [
        `DELETE FROM ${table.live} WHERE ${table.where ?? 'true'}`,
        `INSERT INTO ${table.live} SELECT * FROM ${table.shadow}`,
        `DROP TABLE ${table.shadow}`,
      ];
  }
}

/** The projection's SQL on the shadows: each live table's name replaced by its shadow's. */
function retargeted(tx: SqlExecutor, tables: readonly ShadowTable[]): SqlExecutor {
  const names = new Map(tables.map((t) => [t.live, t.shadow]));
  const alternatives = [...names.keys()]
    .sort((a, b) => b.length - a.length)
    .map((name) => name.replaceAll('.', '\\.'))
    .join('|');
  const pattern = new RegExp(`(?<![A-Za-z0-9_."])(${alternatives})(?![A-Za-z0-9_])`, 'g');
  const rewrite = (text: string) => text.replace(pattern, (name) => names.get(name) ?? name);
  return {
    query: (text, params) => tx.query(rewrite(text), params),
    script: (sql) => tx.script(rewrite(sql)),
  };
}
