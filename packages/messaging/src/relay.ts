import {
  heldBackMonitor,
  loadCheckpointSql,
  readAllSql,
  silentLogger,
  START,
  storeCheckpointSql,
  type Logger,
  type PostgresEventStore,
  type RecordedEvent,
  type SqlExecutor,
} from '@carenet/eventsourcing';
import type { Kafka, Message, Producer, TopicMessages } from 'kafkajs';
import type { Registry } from 'prom-client';
import { topicOf as defaultTopicOf } from './contexts.js';
import type { EventContracts } from './event-contracts.js';
import { toKafkaMessage } from './kafka-envelope.js';
import { messagingMetrics } from './messaging-metrics.js';

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
  /** When given, an event that violates its contract stops the relay (logged) instead of being published. */
  readonly contracts?: EventContracts;
  readonly batchSize?: number;
  readonly pollIntervalMs?: number;
  /** How often a standby instance tries to take over (default 1 s). */
  readonly standbyRetryMs?: number;
  readonly logger?: Logger;
  readonly metrics?: Registry;
}

export interface RunningRelay {
  /** True while this instance holds the lock and publishes. */
  isActive(): boolean;
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

/**
 * Publishes the store's global log to Kafka. It follows the log from its checkpoint, sends each
 * batch with an idempotent producer (key = stream id, so per-stream order holds), and moves the
 * checkpoint only after the broker acknowledged: delivery is at-least-once, consumers dedupe.
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
  const label = { relay: relayId };
  const topicOf = options.topicOf ?? defaultTopicOf;
  const batchSize = options.batchSize ?? 500;
  const pollMs = options.pollIntervalMs ?? 50;
  const checkpointId = `relay.${relayId}`;
  const lockKey = `carenet.relay.${relayId}`;
  const heldBack = heldBackMonitor(options.store, checkpointId, {
    ...(options.logger && { logger: options.logger }),
    ...(options.metrics && { metrics: options.metrics }),
  });
  const state = { running: true, active: false };
  const isRunning = () => state.running;
  let wake: (() => void) | undefined;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  const unwatch = options.store.onAppended(() => wake?.());

  function toMessages(events: readonly RecordedEvent[]): TopicMessages[] {
    const byTopic = new Map<string, Message[]>();
    for (const event of events) {
      const message = toKafkaMessage(event, options.contexts);
      if (options.contracts) {
        const verdict = options.contracts.validate(message.headers.ce_type ?? '', event.data);
        if (!verdict.ok) throw new ContractViolationError(event, verdict.error);
      }
      const topic = topicOf(message.context);
      const list = byTopic.get(topic) ?? [];
      list.push({ key: message.key, value: message.value, headers: message.headers });
      byTopic.set(topic, list);
    }
    return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
  }

  async function publishWhileLeader(session: SqlExecutor, producer: Producer): Promise<boolean> {
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
      while (isRunning()) {
        const events = await readAllSql(session, position, options.categories, batchSize);
        if (events.length > 0) {
          await producer.sendBatch({ acks: -1, topicMessages: toMessages(events) });
          position = events.at(-1)?.logPosition ?? position;
          await storeCheckpointSql(session, checkpointId, position);
          metrics.published.inc(label, events.length);
        }
        if (events.length < batchSize) {
          if (events.length === 0) await heldBack.check(position);
          if (isRunning()) await sleep(pollMs);
        }
      }
      return true;
    } finally {
      state.active = false;
      metrics.relayActive.set(label, 0);
      await session.query('SELECT pg_advisory_unlock(hashtext($1))', [lockKey]).catch(() => undefined);
    }
  }

  async function loop(): Promise<void> {
    const producer = options.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    let failures = 0;
    while (isRunning()) {
      try {
        await producer.connect();
        const led = await options.store.db.session((session) => publishWhileLeader(session, producer));
        failures = 0;
        if (!led && isRunning()) await sleep(options.standbyRetryMs ?? 1_000);
      } catch (error) {
        failures += 1;
        const delay = Math.min(5_000, 100 * 2 ** Math.min(failures, 6));
        logger.error(
          { ...label, err: error, retryInMs: delay },
          'relay failed; resuming from its checkpoint',
        );
        if (isRunning()) await sleep(delay);
      }
    }
    await producer.disconnect().catch(() => undefined);
  }

  const done = loop();
  return {
    isActive: () => state.active,
    async stop() {
      state.running = false;
      wake?.();
      unwatch();
      await done;
    },
  };
}
