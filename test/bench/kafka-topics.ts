import type { Kafka } from 'kafkajs';

/** Partitions of every benchmark topic (the broker's default, what carenet topics get). */
export const PARTITIONS = 3;

/** Creates the topics and waits for their leaders. */
export async function createTopics(kafka: Kafka, topics: readonly string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({
      topics: topics.map((topic) => ({ topic, numPartitions: PARTITIONS })),
      waitForLeaders: true,
    });
  } finally {
    await admin.disconnect();
  }
}

/** Deletes the topics (best effort: the broker may be shared, when given by KAFKA_BROKERS). */
export async function deleteTopics(kafka: Kafka, topics: readonly string[]): Promise<void> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.deleteTopics({ topics: [...topics] });
  } catch {
    // Leftover topics of a benchmark harm nothing.
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** Messages in the topics: the sum of the partitions' high watermarks. */
export async function messagesIn(kafka: Kafka, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
  } finally {
    await admin.disconnect();
  }
}
