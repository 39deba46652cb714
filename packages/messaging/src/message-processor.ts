import { CLOUDEVENTS_HEADERS } from '@carenet/contracts';
import {
  contextOfTraceparent,
  DomainError,
  isDatabaseFailure,
  startTraceScope,
  type SqlDatabase,
  type SqlExecutor,
  type TraceScope,
} from '@carenet/eventsourcing';
import { context, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { silentLogger, type Logger } from '@carenet/eventsourcing';
import type { Registry } from 'prom-client';
import type { DeadLetterSink } from './dead-letter-sink.js';
import { PermanentMessageError } from './errors.js';
import type { EventContracts } from './event-contracts.js';
import type { IncomingEvent, RawMessage } from './incoming-event.js';
import { fromKafkaMessage } from './kafka-envelope.js';
import { unsealedData, type TopicProtection } from './topic-protection.js';
import { messagingMetrics } from './messaging-metrics.js';

/** The trace a handler continues (issue 14). */
export interface MessageTrace {
  /**
   * W3C `traceparent` of the consumer span, in the trace of the message's `traceparent`: stamp
   * it on the events the handler appends (`metadata.traceparent`, next to `causationId`).
   */
  readonly traceparent: string;
}

/**
 * Applies one event. Runs inside the transaction that records the event id in the inbox: write
 * effects through `tx` and they commit together with the dedupe record, exactly once.
 */
export type MessageHandler = (event: IncomingEvent, tx: SqlExecutor, trace: MessageTrace) => Promise<void>;

export interface RetryPolicy {
  /** Attempts before the message goes to the dead-letter queue (default 5). */
  readonly attempts: number;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, initialDelayMs: 100, maxDelayMs: 5_000 };

export interface ConsumerOptions {
  /** Consumer group: inbox namespace, Kafka group id, dead-letter topic `<group>.dlq`. */
  readonly groupId: string;
  /** Database of the consumer's effects and of its inbox. */
  readonly db: SqlDatabase;
  readonly contracts: EventContracts;
  /**
   * The topic key (`CARENET_TOPIC_PROTECTION_KEY`): a message's `protected` member is opened and its
   * values put back before the contract check and the handler. Without it, the handler gets the
   * clear part only (contracts/README.md, "Personal data on the topics").
   */
  readonly protection?: TopicProtection;
  readonly handler: MessageHandler;
  readonly retry?: Partial<RetryPolicy>;
  readonly logger?: Logger;
  readonly metrics?: Registry;
}

/**
 * Deterministic failures: retrying the same message cannot succeed. A database that is away or
 * full is not one: the message is fine.
 */
function isPermanent(error: unknown): boolean {
  if (error instanceof PermanentMessageError) return true;
  return (
    error instanceof DomainError &&
    !isDatabaseFailure(error) &&
    error.kind !== 'concurrency' &&
    error.kind !== 'precondition-failed'
  );
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The pipeline every consumer runs, whatever feeds it (Kafka or the store log): decode, check
 * the contract, then handle and record in the inbox in one transaction (a duplicate is skipped),
 * retrying transient failures with backoff. What cannot be processed goes to the dead-letter
 * sink with the reason, and processing goes on with the next message.
 */
export function messageProcessor(options: ConsumerOptions, deadLetters: DeadLetterSink) {
  const retry = { ...DEFAULT_RETRY, ...options.retry };
  const logger = options.logger ?? silentLogger;
  const metrics = messagingMetrics(options.metrics);
  const group = options.groupId;

  async function deadLetter(
    message: RawMessage,
    error: Error,
    attempts: number,
    trace: TraceScope,
  ): Promise<void> {
    trace.span.recordException(error);
    trace.span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
    trace.span.setAttribute('carenet.dead_lettered', true);
    await deadLetters.put({ message, error, groupId: group, attempts });
    metrics.consumed.inc({ group, outcome: 'dead_lettered' });
    logger.warn(
      {
        group,
        topic: message.topic,
        partition: message.partition,
        offset: message.offset,
        error: error.message,
      },
      `message sent to the dead-letter queue: ${error.name}`,
    );
  }

  /**
   * A consumer span around the whole processing of a message (retries included), continuing the
   * trace of its `traceparent` header (a new root trace when it has none).
   */
  function consumerTrace(message: RawMessage): TraceScope {
    const parent = contextOfTraceparent(message.headers[CLOUDEVENTS_HEADERS.traceparent]);
    return startTraceScope(
      `process ${message.topic}`,
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          'messaging.system': 'kafka',
          'messaging.operation.type': 'process',
          'messaging.destination.name': message.topic,
          'messaging.destination.partition.id': String(message.partition),
          'messaging.kafka.offset': Number(message.offset),
          'messaging.consumer.group.name': group,
          ...(message.headers[CLOUDEVENTS_HEADERS.id] !== undefined && {
            'messaging.message.id': message.headers[CLOUDEVENTS_HEADERS.id],
          }),
          ...(message.key !== null && { 'messaging.kafka.message.key': message.key }),
        },
      },
      parent,
    );
  }

  return async function process(message: RawMessage, heartbeat?: () => Promise<void>): Promise<void> {
    const trace = consumerTrace(message);
    try {
      await context.with(trace.context, () => apply(message, trace, heartbeat));
    } catch (error) {
      trace.span.setStatus({ code: SpanStatusCode.ERROR, message: asError(error).message });
      throw error;
    } finally {
      trace.span.end();
    }
  };

  async function apply(
    message: RawMessage,
    trace: TraceScope,
    heartbeat: (() => Promise<void>) | undefined,
  ): Promise<void> {
    let event: IncomingEvent;
    try {
      const received = fromKafkaMessage(message);
      event = { ...received, data: unsealedData(received.data, received.id, options.protection) };
    } catch (error) {
      await deadLetter(message, asError(error), 1, trace);
      return;
    }
    const validation = options.contracts.validate(event.type, event.data);
    if (!validation.ok) {
      await deadLetter(message, validation.error, 1, trace);
      return;
    }
    const handlerTrace: MessageTrace = { traceparent: trace.traceparent };
    for (let attempt = 1; ; attempt++) {
      try {
        const applied = await options.db.transaction(async (tx) => {
          const fresh = await tx.query(
            `INSERT INTO messaging.inbox (consumer_group, message_id) VALUES ($1, $2)
             ON CONFLICT DO NOTHING RETURNING 1 AS fresh`,
            [group, event.id],
          );
          if (fresh.length === 0) return false;
          await options.handler(event, tx, handlerTrace);
          return true;
        });
        metrics.consumed.inc({ group, outcome: applied ? 'applied' : 'duplicate' });
        return;
      } catch (error) {
        // Still no database after the retries: never a dead letter. The message stays unprocessed
        // and the source delivers it again (the store-log subscription retries its batch with
        // backoff from its checkpoint, Kafka from the uncommitted offset); the inbox dedupes.
        if (isDatabaseFailure(error) && attempt >= retry.attempts) throw error;
        if (isPermanent(error) || attempt >= retry.attempts) {
          await deadLetter(message, asError(error), attempt, trace);
          return;
        }
        trace.span.recordException(asError(error));
        metrics.retries.inc({ group });
        const delay = Math.min(retry.maxDelayMs, retry.initialDelayMs * 2 ** (attempt - 1));
        logger.warn(
          { group, eventId: event.id, attempt, retryInMs: delay, err: error },
          'handler failed; retrying',
        );
        await sleep(delay);
        await heartbeat?.();
      }
    }
  }
}
