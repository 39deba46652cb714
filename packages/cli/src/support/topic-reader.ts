import { randomUUID } from 'node:crypto';
import type { Admin, Kafka } from 'kafkajs';
import { CliUsageError } from '../cli-io.js';
import { headersToStrings } from '@carenet/messaging';

/** A record of a topic, as read by the CLI. */
export interface TopicRecord {
  readonly partition: number;
  readonly offset: number;
  readonly timestamp: string;
  readonly key: string | null;
  readonly value: Buffer | null;
  readonly headers: Record<string, string>;
}

/**
 * Every record of `topic` from the start of each partition up to its end when called (the high
 * watermarks then), in partition then offset order. Reads with a throwaway consumer group that
 * commits nothing and is deleted afterwards.
 */
export async function readTopicToEnd(
  kafka: Kafka,
  admin: Admin,
  topic: string,
  timeoutMs = 120_000,
): Promise<TopicRecord[]> {
  if (!(await admin.listTopics()).includes(topic))
    throw new CliUsageError(`no topic "${topic}" on the cluster`);
  const ends = new Map<number, number>();
  for (const { partition, high, low } of await admin.fetchTopicOffsets(topic)) {
    if (Number(high) > Number(low)) ends.set(partition, Number(high));
  }
  const records: TopicRecord[] = [];
  if (ends.size === 0) return records;
  const groupId = `carenet-cli.reader.${randomUUID()}`;
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 200 });
  const pending = new Set(ends.keys());
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`reading ${topic} took longer than ${timeoutMs / 1000} s`));
      }, timeoutMs);
      consumer
        .run({
          autoCommit: false,
          eachMessage: ({ partition, message }) => {
            const end = ends.get(partition);
            const offset = Number(message.offset);
            if (end !== undefined && offset < end) {
              records.push({
                partition,
                offset,
                timestamp: new Date(Number(message.timestamp)).toISOString(),
                key: message.key?.toString('utf8') ?? null,
                value: message.value,
                headers: headersToStrings(message.headers),
              });
              if (offset >= end - 1) pending.delete(partition);
            }
            if (pending.size === 0) {
              clearTimeout(timer);
              resolve();
            }
            return Promise.resolve();
          },
        })
        .catch((error: unknown) => {
          clearTimeout(timer);
          reject(error instanceof Error ? error : new Error(String(error)));
        });
    });
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await admin.deleteGroups([groupId]).catch(() => undefined);
  }
  return records.sort((a, b) => a.partition - b.partition || a.offset - b.offset);
}
