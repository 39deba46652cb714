import type { LogPosition, NewEvent, RecordedEvent } from './events.js';

/**
 * What the writer expects of the stream: any state, that it does not exist yet, that it
 * exists, or that it is exactly at this revision (0-based: a stream with one event is at 0).
 */
export type ExpectedRevision = 'any' | 'no-stream' | 'stream-exists' | number;

export interface AppendResult {
  /** The stream's revision after the append (the revision of its last event). */
  readonly revision: number;
  /** Global position of the last event appended (of the stored one on a duplicate). */
  readonly lastGlobalPosition: number;
  /** True when these event ids were already stored by an identical earlier append. */
  readonly duplicate: boolean;
}

export interface ReadStreamOptions {
  /** First revision to return (default 0). */
  readonly fromRevision?: number;
  /** Last revision to return, inclusive (default: the end). */
  readonly toRevision?: number;
}

export interface ReadAllOptions {
  /** Only events of these stream categories (`Task`, `CarePlan`…). */
  readonly categories?: readonly string[];
  /** Batch size (default 500). */
  readonly limit?: number;
}

export interface ReadAllBatch {
  readonly events: readonly RecordedEvent[];
  /** Where the next read starts: after the last event returned, or `from` if none. */
  readonly next: LogPosition;
}

/**
 * The event store port. Every adapter (PostgreSQL, PGlite, EventStoreDB) passes the same
 * contract test suite (packages/eventsourcing/test/event-store-contract.ts).
 */
export interface EventStore {
  /**
   * Appends atomically: all events or none. Throws ConcurrencyError when `expected` does not
   * hold. Idempotent by event id: the same events appended again return `duplicate: true`.
   */
  append(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult>;
  /** The stream's events in order; empty when the stream does not exist. */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /** Current revision of the stream, or null when it does not exist. */
  streamRevision(streamId: string): Promise<number | null>;
  /**
   * The global log after `from`, in an order that never changes and never skips a committed
   * event: an event appears only once every event that could precede it is visible.
   */
  readAll(from: LogPosition, options?: ReadAllOptions): Promise<ReadAllBatch>;
  /** Durable subscription checkpoints (subscription id → position). */
  loadCheckpoint(subscriptionId: string): Promise<LogPosition | null>;
  storeCheckpoint(subscriptionId: string, position: LogPosition): Promise<void>;
  /**
   * Why readAll may be holding events back (PostgreSQL: a long transaction keeps the
   * visibility horizon behind). Returns null when nothing is held back after `from`.
   */
  diagnoseStall?(from: LogPosition, options?: StallDiagnosisOptions): Promise<StallDiagnosis | null>;
  /** Calls `listener` after each append made through this instance; returns an unsubscribe. */
  onAppended?(listener: () => void): () => void;
  /**
   * Calls `listener` whenever events of these categories (all when undefined) may have been
   * appended, through any store on the same database, in this process or (PostgreSQL: LISTEN/NOTIFY)
   * another; returns an unsubscribe. Readers of the log sleep until it calls, with a longer pause
   * as a fallback.
   */
  watchAppends?(categories: readonly string[] | undefined, listener: () => void): () => void;
  close(): Promise<void>;
}

export interface StallDiagnosisOptions {
  /** Name the session that holds the horizon (default true): a query of its own. */
  readonly identifyBlocker?: boolean;
  /**
   * An answer this old (ms) given to another reader of the same database may serve (default 0:
   * ask now). Readers that poll ask with about a second, so that their number does not multiply
   * the queries.
   */
  readonly maxAgeMs?: number;
}

export interface StallDiagnosis {
  /** Oldest transaction still running, that the log cannot pass. */
  readonly blockingTransaction: string;
  /** Details of the session that holds it, when the adapter can tell. */
  readonly blocker?: {
    readonly pid: number;
    readonly state: string;
    readonly since: string;
    readonly query: string;
  };
}
