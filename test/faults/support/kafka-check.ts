// What reached Kafka: a fresh consumer (a group of its own) reads the topics from the beginning,
// and the analysis compares it with the events stored in the scenario's database.
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import type { SqlExecutor } from '@carenet/eventsourcing';
import { say } from './platform.js';

export interface ObservedMessage {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | undefined;
  readonly ceId: string | undefined;
  /** The `ce_sequence` header (the event's stream revision), when the message carries it. */
  readonly ceSequence: number | undefined;
}

export interface StoredEvent {
  readonly id: string;
  readonly streamId: string;
  readonly revision: number;
  readonly category: string;
  readonly type: string;
}

export interface KafkaCollector {
  readonly messages: ObservedMessage[];
  readonly seen: Set<string>;
  stop(): Promise<void>;
}

/** Reads `topics` from the beginning, in a consumer group of its own, until stopped. */
export async function startKafkaCollector(
  brokers: string,
  topics: readonly string[],
): Promise<KafkaCollector> {
  const kafka = new Kafka({
    clientId: 'carenet-faults-check',
    brokers: [brokers],
    logLevel: logLevel.NOTHING,
  });
  const messages: ObservedMessage[] = [];
  const seen = new Set<string>();
  const consumer: Consumer = kafka.consumer({
    groupId: `carenet-faults-check-${randomBytes(6).toString('hex')}`,
    maxWaitTimeInMs: 100,
  });
  consumer.on(consumer.events.CRASH, (event) => {
    say(`check consumer crashed: ${String(event.payload.error)} (restart: ${event.payload.restart})`);
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [...topics], fromBeginning: true });
  await consumer.run({
    eachMessage: ({ topic, partition, message }) => {
      const header = (name: string) => message.headers?.[name]?.toString();
      const ceId = header('ce_id');
      const sequence = header('ce_sequence');
      messages.push({
        topic,
        partition,
        offset: message.offset,
        key: message.key?.toString(),
        ceId,
        ceSequence: sequence === undefined || sequence === '' ? undefined : Number(sequence),
      });
      if (ceId !== undefined) seen.add(ceId);
      return Promise.resolve();
    },
  });
  return {
    messages,
    seen,
    async stop() {
      await consumer.disconnect().catch(() => undefined);
    },
  };
}

/** The events of the relayed categories stored in the scenario's database (optionally older than 1 s). */
export async function storedEvents(
  db: SqlExecutor,
  categories: readonly string[],
  olderThanOneSecond = false,
): Promise<StoredEvent[]> {
  const rows = await db.query<{
    event_id: string;
    stream_id: string;
    stream_revision: string;
    category: string;
    event_type: string;
  }>(
    `SELECT event_id::text, stream_id, stream_revision::text, category, event_type
       FROM eventstore.events
      WHERE category = ANY($1::text[])
        ${olderThanOneSecond ? "AND recorded_at < now() - interval '1 second'" : ''}
      ORDER BY global_position`,
    [categories],
  );
  return rows.map((r) => ({
    id: r.event_id,
    streamId: r.stream_id,
    revision: Number(r.stream_revision),
    category: r.category,
    type: r.event_type,
  }));
}

export interface KafkaAnalysis {
  /** Stored events seen on Kafka at least once. */
  readonly delivered: number;
  readonly missing: readonly string[];
  /** Messages of the run beyond the first of their ce_id. */
  readonly duplicates: number;
  /** Messages carrying `ce_sequence` / not carrying it. */
  readonly withSequence: number;
  readonly withoutSequence: number;
  /** Broken promises of per-key order and of the envelope, one line each (first 10 kept). */
  readonly violations: readonly string[];
}

/**
 * Per key (stream id), in the order the partition gives them: the first message of each ce_id has
 * a revision (`ce_sequence`, else the stored revision of that ce_id) above every earlier one of the
 * key; a later message with an already-seen ce_id is a duplicate, allowed only as an exact repeat
 * (same key, same sequence). `ce_sequence`, when present, must be the stored revision.
 */
export function analyseDelivery(
  stored: readonly StoredEvent[],
  messages: readonly ObservedMessage[],
): KafkaAnalysis {
  const byId = new Map(stored.map((e) => [e.id, e]));
  const violations: string[] = [];
  const violation = (line: string) => {
    if (violations.length < 10) violations.push(line);
  };
  let duplicates = 0;
  let withSequence = 0;
  let withoutSequence = 0;
  const firstSequence = new Map<string, number | undefined>();
  const lastRevision = new Map<string, number>();
  for (const message of messages) {
    const event = message.ceId === undefined ? undefined : byId.get(message.ceId);
    if (event === undefined) continue; // another scenario's event
    if (message.ceSequence === undefined) withoutSequence += 1;
    else withSequence += 1;
    if (message.key !== event.streamId)
      violation(`${event.id}: key ${message.key} is not its stream ${event.streamId}`);
    if (message.ceSequence !== undefined && message.ceSequence !== event.revision)
      violation(
        `${event.id}: ce_sequence ${message.ceSequence} is not its stream revision ${event.revision}`,
      );
    if (firstSequence.has(event.id)) {
      duplicates += 1;
      if (firstSequence.get(event.id) !== message.ceSequence)
        violation(`${event.id}: a duplicate with another ce_sequence (${message.ceSequence})`);
      continue;
    }
    firstSequence.set(event.id, message.ceSequence);
    const revision = message.ceSequence ?? event.revision;
    const last = lastRevision.get(event.streamId);
    if (last !== undefined && revision <= last)
      violation(
        `${event.streamId}: revision ${revision} (${event.id}) after ${last} ` +
          `(${message.topic}/${message.partition}@${message.offset})`,
      );
    lastRevision.set(event.streamId, Math.max(revision, last ?? -1));
  }
  const missing = stored.filter((e) => !firstSequence.has(e.id)).map((e) => e.id);
  return {
    delivered: firstSequence.size,
    missing,
    duplicates,
    withSequence,
    withoutSequence,
    violations,
  };
}
