export { assertNever, fold, type Decider } from './decider.js';
export {
  BusinessRuleError,
  ConcurrencyError,
  DatabaseFullError,
  DatabaseUnavailableError,
  DomainError,
  DuplicateEventIdError,
  ForbiddenError,
  GoneError,
  isDatabaseFailure,
  NotFoundError,
  PreconditionFailedError,
  ValidationError,
  type DomainErrorKind,
  type ValidationIssue,
} from './errors.js';
export { ValidationIssues } from './validation-issues.js';
export {
  categoryOf,
  endsWrite,
  START,
  streamIdOf,
  type DomainEvent,
  type EventMetadata,
  type Json,
  type JsonObject,
  type LogPosition,
  type NewEvent,
  type RecordedEvent,
  type WritePlace,
} from './events.js';
export type {
  AppendResult,
  EventStore,
  ExpectedRevision,
  ReadAllBatch,
  ReadAllOptions,
  ReadStreamOptions,
  StallDiagnosis,
  StallDiagnosisOptions,
} from './event-store.js';
export { CARENET_NAMESPACE, deterministicId } from './deterministic-id.js';
export { jsonEqual, type Plain } from './json-values.js';
export { handleCommand, handleCommands, type CommandResult, type HandleOptions } from './command-handler.js';
export {
  startDueCommandClock,
  type DueCommandClock,
  type DueCommandClockOptions,
} from './due-command-clock.js';
export { StreamStateCache, type KnownState } from './stream-state-cache.js';
export {
  startSubscription,
  type RunningSubscription,
  type SubscriptionOptions,
} from './catch-up-subscription.js';
export { silentLogger, type Logger } from './logger.js';
export {
  contextOfTraceparent,
  extractTraceContext,
  formatTraceparent,
  parseTraceparent,
  registerW3CPropagatorUnlessSet,
  startTraceScope,
  TRACER_NAME,
  type TraceScope,
} from './trace-context.js';
export { subscriptionMetrics } from './subscription-metrics.js';
export { PostgresEventStore, type PostgresEventStoreOptions } from './postgres/postgres-event-store.js';
export { migrate, EVENT_STORE_MIGRATIONS, type Migration } from './postgres/migrate.js';
export { preparedSql } from './postgres/prepared-sql.js';
export {
  APPENDED_GUARD,
  type BulkRebuild,
  type InlineProjection,
  type ProjectionTable,
  type PendingEvent,
  type ProjectionStatement,
} from './postgres/inline-projection.js';
export { classifyDatabaseError } from './postgres/database-errors.js';
export {
  rebuildOnline,
  rebuildStatusSql,
  RebuildBusyError,
  type OnlineRebuildOptions,
  type OnlineRebuildReport,
  type RebuildPhase,
  type RebuildStatus,
} from './postgres/online-rebuild.js';
export {
  pgliteDatabase,
  pingDatabase,
  postgresDatabase,
  type PostgresDatabaseOptions,
  transactionScope,
  type NotificationHandlers,
  type SqlDatabase,
  type SqlExecutor,
} from './postgres/sql-database.js';
export { EventStoreDbEventStore } from './eventstoredb/eventstoredb-event-store.js';
// Low-level SQL of the PostgreSQL adapter, for components that must run it on their own session
// (the Kafka relay reads and checkpoints on the connection that holds its advisory lock).
export { readAllSql, readAllStatement, type ReadAllStatement } from './postgres/sql/read-all.js';
export { readStreamSql } from './postgres/sql/read-stream.js';
export { loadCheckpointSql, storeCheckpointSql } from './postgres/sql/checkpoints.js';
export { logBacklogSql, type LogBacklog } from './postgres/sql/log-backlog.js';
export {
  heldBackMonitor,
  type HeldBackCheckOptions,
  type HeldBackMonitor,
  type HeldBackMonitorOptions,
} from './held-back-monitor.js';
export {
  DEFAULT_MAX_IDLE_MS,
  DEFAULT_POLL_INTERVAL_MS,
  idlePoll,
  type IdlePoll,
  type IdlePollOptions,
} from './idle-poll.js';
export { APPENDS_CHANNEL, appendSignals, type AppendSignals } from './postgres/append-signals.js';
// Read-only questions of the operator's command (`carenet streams|log|events|republish`).
export {
  countEventsSql,
  countStreamsSql,
  listCheckpointsSql,
  listStreamsSql,
  logHeadSql,
  logPositionAtTimeSql,
  logPositionBefore,
  logPositionBeforeLastSql,
  logPositionJustBefore,
  logPositionsOfEventsSql,
  type ListStreamsOptions,
  type StreamSummary,
} from './postgres/sql/inspect-store.js';
export { decodeLogPosition, encodeLogPosition } from './postgres/sql/log-position.js';
