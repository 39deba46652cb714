import {
  heldBackMonitor,
  idlePoll,
  loadCheckpointSql,
  logBacklogSql,
  readAllSql,
  silentLogger,
  START,
  storeCheckpointSql,
  type LogPosition,
  type Logger,
  type PostgresEventStore,
  type RecordedEvent,
  type SqlExecutor,
} from '@carenet/eventsourcing';
import type { Kafka, Message, Producer, TopicMessages } from 'kafkajs';
import type { Registry } from 'prom-client';
import type { ComponentHealth } from './component-health.js';
import { topicOf as defaultTopicOf } from './contexts.js';
import type { EventContracts } from './event-contracts.js';
import { toKafkaMessage } from './kafka-envelope.js';
import { publishedValue, type TopicProtection } from './topic-protection.js';
import { messagingMetrics } from './messaging-metrics.js';
import { relayMetrics } from './relay-metrics.js';

export interface RelayOptions {
  /** The store whose global log is published (PostgreSQL or PGlite). */
  readonly store: PostgresEventStore;
  readonly kafka: Kafka;
  /** Names the checkpoint and the lock: relays with the same id share the work (one active). */
  readonly relayId?: string;
  /** Stream categories to publish (default: all). */
  readonly categories?: readonly string[];
  /** Category → context map (default: CATEGORY_CONTEXTS). */
  readonly contexts?: Readonly<Record<string, string>>;
  /** Topic of a context (default `carenet.<context>`). */
  readonly topicOf?: (context: string) => string;
  /**
   * When given, an event that violates its contract stops the relay (logged) instead of being
   * published, and the values its schema marks `"x-personal-data": "sealed"` do not go out in clear:
   * sealed into the `protected` member with `protection`, left out without it.
   */
  readonly contracts?: EventContracts;
  /** The topic key (`CARENET_TOPIC_PROTECTION_KEY`): consumers holding it get the sealed values back. */
  readonly protection?: TopicProtection;
  readonly batchSize?: number;
  /**
   * First pause when the relay has published everything (default 50 ms); while reads find
   * nothing it doubles up to `maxIdleMs`. An append wakes it at once (through any store on the
   * same database object in this process, or from another process through PostgreSQL's
   * LISTEN/NOTIFY).
   */
  readonly pollIntervalMs?: number;
  /** Longest pause when idle (default 1 s): how late a missed wake-up is made up for. */
  readonly maxIdleMs?: number;
  /** How often a standby instance tries to take over (default 1 s). */
  readonly standbyRetryMs?: number;
  /**
   * How long the relay may go without progress (a batch acknowledged, the end of the log reached,
   * or, on standby, the lock tried) before `health()` says not ready and the log says stalled
   * (default 30 s).
   */
  readonly stallAfterMs?: number;
  /** Longest pause between two attempts after failures (default 2 s; the first is 100 ms). */
  readonly maxBackoffMs?: number;
  readonly logger?: Logger;
  readonly metrics?: Registry;
}

export interface RunningRelay {
  /** True while this instance holds the lock and publishes. */
  isActive(): boolean;
  /** Not ready when the relay has made no progress for longer than `stallAfterMs`. */
  health(): ComponentHealth;
  stop(): Promise<void>;
}

export class ContractViolationError extends Error {
  constructor(
    readonly event: RecordedEvent,
    cause: Error,
  ) {
    super(`event ${event.id} (${event.type} in ${event.streamId}) violates its contract: ${cause.message}`, {
      cause,
    });
    this.name = 'ContractViolationError';
  }
}

/** The name of an error for logs and metrics (kafkajs error classes, pg errors…): low cardinality. */
function errorName(error: unknown): string {
  if (error instanceof Error) {
    const type = (error as { type?: unknown }).type;
    return typeof type === 'string' && /^[A-Z_]+$/.test(type) ? type : error.name;
  }
  return 'UnknownError';
}

/**
 * Publishes the store's global log to Kafka. It follows the log from its checkpoint, sends each
 * batch with an idempotent producer (key = stream id; the store gives each stream in revision
 * order, so per-stream order holds), and moves the checkpoint after each batch the broker
 * acknowledged: delivery is at-least-once, a restart re-sends at most the batch in flight, and
 * consumers dedupe.
 *
 * It heals itself: after any failure (broker death or restart, a fatal sequence error of the
 * idempotent producer, a leader change the client could not ride out, a lost connection to the
 * store) it drops its producer, waits (100 ms doubling up to `maxBackoffMs`) and resumes from
 * its checkpoint with a new producer. An idempotent producer is never reused after a failure:
 * kafkajs keeps its sequence numbers, and one the broker refuses (OUT_OF_ORDER_SEQUENCE_NUMBER)
 * would be refused again for ever.
 *
 * Several instances may run for one store: a session-level advisory lock lets one publish; the
 * others wait on standby and take over when its session ends (process death, broken
 * connection). The active one reads and writes its checkpoint on the session that holds the
 * lock, so it stops at once when that session is lost.
 */
export function startRelay(options: RelayOptions): RunningRelay {
  const relayId = options.relayId ?? 'relay';
  const logger = options.logger ?? silentLogger;
  const metrics = messagingMetrics(options.metrics);
  const relay = relayMetrics(options.metrics);
  const label = { relay: relayId };
  const topicOf = options.topicOf ?? defaultTopicOf;
  const batchSize = options.batchSize ?? 500;
  const poll = idlePoll({
    ...(options.pollIntervalMs !== undefined && { pollIntervalMs: options.pollIntervalMs }),
    ...(options.maxIdleMs !== undefined && { maxIdleMs: options.maxIdleMs }),
  });
  const stallAfterMs = options.stallAfterMs ?? 30_000;
  const maxBackoffMs = options.maxBackoffMs ?? 2_000;
  const checkpointId = `relay.${relayId}`;
  const lockKey = `carenet.relay.${relayId}`;
  const heldBack = heldBackMonitor(options.store, checkpointId, {
    ...(options.logger && { logger: options.logger }),
    ...(options.metrics && { metrics: options.metrics }),
  });
  const state = {
    running: true,
    active: false,
    /** Where the active instance is (what the broker acknowledged). */
    position: undefined as LogPosition | undefined,
    lastProgressAt: Date.now(),
    lastError: undefined as string | undefined,
    stalled: false,
  };
  const isRunning = () => state.running;
  const unwatch = options.store.watchAppends(options.categories, () => {
    poll.wake();
  });
  const unwatchLag = relay.watch(relayId, {
    async backlog() {
      const from = state.position ?? (await loadCheckpointSql(options.store.db, checkpointId)) ?? START;
      const backlog = await logBacklogSql(options.store.db, from, options.categories);
      const oldest = backlog.oldestRecordedAt === null ? 0 : Date.parse(backlog.oldestRecordedAt);
      return {
        events: backlog.events,
        oldestSeconds: oldest === 0 ? 0 : Math.max(0, (Date.now() - oldest) / 1000),
      };
    },
  });

  function progressed(): void {
    state.lastProgressAt = Date.now();
    if (state.stalled) {
      state.stalled = false;
      logger.info(label, 'relay recovered: publishing again');
    }
    state.lastError = undefined;
  }

  /**
   * How long the relay has gone without progress. An active relay in its idle pause has published
   * everything it could read: that is progress, however long the pause.
   */
  function quietMs(): number {
    return state.active && poll.isIdle() ? 0 : Date.now() - state.lastProgressAt;
  }

  /** Says once, when it starts, that the relay is stalled; health() says it as long as it lasts. */
  function noteStall(): void {
    const quiet = quietMs();
    if (!state.stalled && quiet >= stallAfterMs) {
      state.stalled = true;
      logger.error(
        { ...label, quietSeconds: Math.round(quiet / 1000), lastError: state.lastError },
        'relay stalled: no event published for longer than allowed; it keeps retrying',
      );
    }
  }
  const stallWatch = setInterval(noteStall, Math.min(1_000, stallAfterMs)).unref();
  if (options.contracts?.splitSealed && options.protection === undefined) {
    logger.warn(
      label,
      'no topic key (CARENET_TOPIC_PROTECTION_KEY): the values the contracts seal are left out of the messages',
    );
  }

  function toMessages(events: readonly RecordedEvent[]): TopicMessages[] {
    const byTopic = new Map<string, Message[]>();
    for (const event of events) {
      const message = toKafkaMessage(event, options.contexts);
      let value = message.value;
      if (options.contracts) {
        const ceType = message.headers.ce_type ?? '';
        const verdict = options.contracts.validate(ceType, event.data);
        if (!verdict.ok) throw new ContractViolationError(event, verdict.error);
        value = publishedValue(event, ceType, options.contracts, options.protection);
      }
      const topic = topicOf(message.context);
      const list = byTopic.get(topic) ?? [];
      list.push({ key: message.key, value, headers: message.headers });
      byTopic.set(topic, list);
    }
    return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
  }

  /**
   * A producer that fails fast: kafkajs's own retries are short, so that a failure reaches the
   * loop, which drops the producer and backs off (the broker may be gone for minutes).
   */
  function newProducer(): Producer {
    return options.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 1_000 },
    });
  }

  async function publishWhileLeader(
    session: SqlExecutor,
    connected: () => Promise<Producer>,
  ): Promise<boolean> {
    const [row] = await session.query<{ locked: boolean }>(
      'SELECT pg_try_advisory_lock(hashtext($1)) AS locked',
      [lockKey],
    );
    if (!row?.locked) return false;
    state.active = true;
    metrics.relayActive.set(label, 1);
    logger.info(label, 'relay active: publishing the global log');
    try {
      let position = (await loadCheckpointSql(session, checkpointId)) ?? START;
      state.position = position;
      const producer = await connected();
      while (isRunning()) {
        poll.reading();
        const events = await readAllSql(session, position, options.categories, batchSize);
        if (events.length > 0) {
          await producer.sendBatch({ acks: -1, topicMessages: toMessages(events) });
          position = events.at(-1)?.logPosition ?? position;
          await storeCheckpointSql(session, checkpointId, position);
          state.position = position;
          metrics.published.inc(label, events.length);
          poll.found();
        }
        progressed();
        if (events.length < batchSize) {
          // Committed events waiting behind a transaction: look again soon, not after a long pause.
          if (events.length === 0 && (await heldBack.check(position))) poll.found();
          if (isRunning()) await poll.idle();
          progressed();
        }
      }
      return true;
    } finally {
      state.active = false;
      state.position = undefined;
      metrics.relayActive.set(label, 0);
      await session.query('SELECT pg_advisory_unlock(hashtext($1))', [lockKey]).catch(() => undefined);
    }
  }

  async function loop(): Promise<void> {
    let producer: Producer | undefined;
    let connectedProducer: Producer | undefined;
    /** The producer, connected (a new one after a failure; none on standby). */
    const connected = async (): Promise<Producer> => {
      if (connectedProducer !== undefined) return connectedProducer;
      producer ??= newProducer();
      await producer.connect();
      connectedProducer = producer;
      return producer;
    };
    let failures = 0;
    while (isRunning()) {
      try {
        const led = await options.store.db.session((session) => publishWhileLeader(session, connected));
        failures = 0;
        if (!led && isRunning()) {
          progressed();
          await poll.pause(options.standbyRetryMs ?? 1_000);
        }
      } catch (error) {
        failures += 1;
        const name = errorName(error);
        state.lastError = `${name}: ${(error as Error).message}`;
        relay.errors.inc({ ...label, error: name });
        const delay = Math.min(maxBackoffMs, 100 * 2 ** Math.min(failures - 1, 10));
        if (producer !== undefined) {
          const failed = producer;
          producer = undefined;
          connectedProducer = undefined;
          relay.producerRestarts.inc(label);
          await failed.disconnect().catch(() => undefined);
        }
        logger.error(
          { ...label, err: error, error: name, failures, retryInMs: delay },
          'relay failed; a new producer resumes from the checkpoint',
        );
        if (isRunning()) await poll.pause(delay);
      }
    }
    await producer?.disconnect().catch(() => undefined);
  }

  const done = loop();
  return {
    isActive: () => state.active,
    health() {
      const quiet = quietMs();
      const name = `relay ${relayId}`;
      if (quiet < stallAfterMs) return { name, ready: true };
      return {
        name,
        ready: false,
        reason: `no progress for ${Math.round(quiet / 1000)} s${state.lastError ? ` (last error: ${state.lastError})` : ''}`,
      };
    },
    async stop() {
      state.running = false;
      clearInterval(stallWatch);
      poll.stop();
      unwatch();
      unwatchLag();
      await done;
    },
  };
}
