import type { Registry } from 'prom-client';
import type {
  AppendResult,
  EventStore,
  ExpectedRevision,
  ReadAllBatch,
  ReadAllOptions,
  ReadStreamOptions,
  StallDiagnosisOptions,
} from '../event-store.js';
import { ConcurrencyError, DuplicateEventIdError } from '../errors.js';
import { categoryOf, type LogPosition, type NewEvent, type RecordedEvent } from '../events.js';
import { eventStoreMetrics, type EventStoreMetrics } from '../event-store-metrics.js';
import { AppendSignals, appendSignals } from './append-signals.js';
import type { InlineProjection } from './inline-projection.js';
import { migrate } from './migrate.js';
import { appendEventsSql, appendPayload, type AppendedEvents } from './sql/append-events.js';
import { loadCheckpointSql, storeCheckpointSql } from './sql/checkpoints.js';
import { diagnoseStallSql } from './sql/diagnose-stall.js';
import { readAllSql } from './sql/read-all.js';
import { readStreamSql, streamRevisionSql } from './sql/read-stream.js';
import {
  SQLSTATE,
  sqlErrorCode,
  sqlErrorDetail,
  transactionScope,
  type SqlDatabase,
  type SqlExecutor,
} from './sql-database.js';

export interface PostgresEventStoreOptions {
  /** Read models updated in the append transaction. */
  readonly projections?: readonly InlineProjection[];
  /** Apply pending migrations on open (default true). */
  readonly migrate?: boolean;
  /** Where `carenet_eventstore_append_seconds` is registered (default: prom-client's registry). */
  readonly metrics?: Registry;
}

const DEFAULT_BATCH = 500;

/**
 * The event store on PostgreSQL (`pg`) or PGlite: same schema, same SQL. An append is a single
 * statement (one round trip) unless an inline projection follows the stream's category; then the
 * append and the projections share one transaction, and the projections get the recorded events
 * from the append itself (no read back).
 */
export class PostgresEventStore implements EventStore {
  private readonly listeners = new Set<() => void>();

  private constructor(
    readonly db: SqlDatabase,
    private readonly projections: readonly InlineProjection[],
    /** Inside a caller's transaction: every append in a savepoint, so a refused one spoils nothing. */
    private readonly scoped = false,
    private readonly metrics: EventStoreMetrics = eventStoreMetrics(),
    /** The appends of the database (the store's, outside a transaction), made known to its readers. */
    private readonly signals: AppendSignals = appendSignals(db),
  ) {}

  /**
   * The same store (same projections) inside a caller's transaction: appends and reads join it.
   * A consumer appends this way, so that its events commit with its inbox record. Readers of the
   * log are woken when that transaction commits.
   */
  within(tx: SqlExecutor): PostgresEventStore {
    return new PostgresEventStore(
      transactionScope(tx, this.db.dialect),
      this.projections,
      true,
      this.metrics,
      this.signals,
    );
  }

  static async open(db: SqlDatabase, options: PostgresEventStoreOptions = {}): Promise<PostgresEventStore> {
    if (options.migrate ?? true) await migrate(db);
    return new PostgresEventStore(db, options.projections ?? [], false, eventStoreMetrics(options.metrics));
  }

  async append(
    streamId: string,
    events: readonly NewEvent[],
    expected: ExpectedRevision,
  ): Promise<AppendResult> {
    if (events.length === 0) throw new RangeError('append needs at least one event');
    const category = categoryOf(streamId);
    const projections = this.projections.filter((p) => p.categories.includes(category));
    const started = performance.now();
    const observe = (outcome: 'appended' | 'duplicate' | 'conflict' | 'error') => {
      this.metrics.appendSeconds.observe({ category, outcome }, (performance.now() - started) / 1000);
    };
    try {
      const result =
        projections.length === 0 && !this.scoped
          ? toResult(await appendEventsSql(this.db, streamId, category, events, expected))
          : await this.appendWithProjections(streamId, category, events, expected, projections);
      observe(result.duplicate ? 'duplicate' : 'appended');
      if (!result.duplicate) await this.signalAppended(category);
      for (const listener of this.listeners) listener();
      return result;
    } catch (error) {
      const translated = translate(error, streamId, events, expected);
      observe(translated instanceof ConcurrencyError ? 'conflict' : 'error');
      throw translated;
    }
  }

  /**
   * Wakes the readers of the log once the append is committed: now outside a transaction; at the
   * commit of the caller's transaction inside one (a NOTIFY in that transaction when its executor
   * cannot tell when it commits).
   */
  private async signalAppended(category: string): Promise<void> {
    if (!this.scoped) {
      this.signals.appended(category);
    } else if (this.db.afterCommit) {
      this.db.afterCommit(() => {
        this.signals.appended(category);
      });
    } else if (this.db.dialect === 'postgres') {
      await AppendSignals.notifyInTransaction(this.db, category);
    }
  }

  private async appendWithProjections(
    streamId: string,
    category: string,
    events: readonly NewEvent[],
    expected: ExpectedRevision,
    projections: readonly InlineProjection[],
  ): Promise<AppendResult> {
    // An exact expectation outside a caller's transaction: the projections may join the append's
    // own statement (one round trip, no transaction), when each of them can.
    const exact = typeof expected === 'number' ? expected : expected === 'no-stream' ? -1 : undefined;
    const payload = appendPayload(streamId, events, (exact ?? -1) + 1);
    if (exact !== undefined && !this.scoped) {
      const statements = projections.map((p) => p.statementFor?.(payload.pending));
      if (statements.every((s) => s !== undefined)) {
        return toResult(
          await appendEventsSql(this.db, streamId, category, events, expected, payload, statements),
        );
      }
    }
    return this.db.transaction(async (tx) => {
      const appended = await appendEventsSql(tx, streamId, category, events, expected, payload);
      if (!appended.duplicate) {
        for (const projection of projections) await projection.apply(tx, appended.recorded);
      }
      return toResult(appended);
    });
  }

  /** The read models kept in the append's transaction, in the order they run. */
  get inlineProjections(): readonly InlineProjection[] {
    return this.projections;
  }

  onAppended(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  watchAppends(categories: readonly string[] | undefined, listener: () => void): () => void {
    return this.signals.watch(categories, listener);
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    return readStreamSql(this.db, streamId, options.fromRevision ?? 0, options.toRevision ?? null);
  }

  streamRevision(streamId: string): Promise<number | null> {
    return streamRevisionSql(this.db, streamId);
  }

  async readAll(from: LogPosition, options: ReadAllOptions = {}): Promise<ReadAllBatch> {
    const events = await readAllSql(this.db, from, options.categories, options.limit ?? DEFAULT_BATCH);
    return { events, next: events.at(-1)?.logPosition ?? from };
  }

  loadCheckpoint(subscriptionId: string): Promise<LogPosition | null> {
    return loadCheckpointSql(this.db, subscriptionId);
  }

  storeCheckpoint(subscriptionId: string, position: LogPosition): Promise<void> {
    return storeCheckpointSql(this.db, subscriptionId, position);
  }

  diagnoseStall(from: LogPosition, options?: StallDiagnosisOptions) {
    return diagnoseStallSql(this.db, from, options);
  }

  /** Empties a projection and replays its categories from the start of the log. */
  async rebuildProjection(name: string, onProgress?: (eventsApplied: number) => void): Promise<number> {
    const projection = this.projections.find((p) => p.name === name);
    if (!projection) throw new RangeError(`no inline projection named "${name}"`);
    return this.db.transaction(async (tx: SqlExecutor) => {
      // Writers wait while the read model is rebuilt, so the replay sees a log that cannot
      // change under it (and the gate, which would hide everything newer than us, is not needed).
      await tx.query('LOCK TABLE eventstore.events IN SHARE MODE');
      await projection.reset(tx);
      let position = '0:0' as LogPosition;
      let applied = 0;
      for (;;) {
        const events = await readAllSql(tx, position, projection.categories, 1000, false);
        if (events.length === 0) return applied;
        await projection.apply(tx, events);
        applied += events.length;
        onProgress?.(applied);
        position = events.at(-1)?.logPosition ?? position;
      }
    });
  }

  close(): Promise<void> {
    return this.db.close();
  }
}

function toResult({ revision, lastGlobalPosition, duplicate }: AppendedEvents): AppendResult {
  return { revision, lastGlobalPosition, duplicate };
}

function translate(
  error: unknown,
  streamId: string,
  events: readonly NewEvent[],
  expected: ExpectedRevision,
): unknown {
  switch (sqlErrorCode(error)) {
    case SQLSTATE.concurrency:
      return new ConcurrencyError(streamId, String(expected), Number(sqlErrorDetail(error) ?? -1));
    case SQLSTATE.duplicateEventId:
      return new DuplicateEventIdError(
        streamId,
        events.map((e) => e.id),
      );
    default:
      return error;
  }
}
