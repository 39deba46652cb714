import { silentLogger, type Logger } from '@carenet/eventsourcing';
import type { Kafka } from 'kafkajs';

export interface TopicLayout {
  /** Partitions of a topic this creates (default 6: the unit of consumer parallelism). */
  readonly partitions?: number;
  /** Replicas of each partition (default 1: fits one broker; 3 on a production cluster). */
  readonly replicationFactor?: number;
}

export interface ProvisionedTopics {
  readonly created: readonly string[];
  readonly existing: readonly string[];
}

/** A topic the cluster cannot be brought to (refused creation, unreachable cluster…). */
export class TopicProvisioningError extends Error {
  constructor(message: string, options?: { cause: unknown }) {
    super(message, options);
    this.name = 'TopicProvisioningError';
  }
}

/** Attempts while topics are being created and their leaders elected (about 10 s in all). */
const ATTEMPTS = 40;

/** Kafka says retry (a topic another process just created has no leader yet). */
const isRetriable = (error: unknown) =>
  typeof error === 'object' && error !== null && (error as { retriable?: unknown }).retriable === true;

/**
 * `step` again while Kafka answers with a retriable error: services starting together create the
 * shared topics (`carenet.audit`) at once, and a topic another process created a moment ago is
 * not served ("This server does not host this topic-partition") until its leader is elected.
 */
async function retrying<T>(step: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (error) {
      if (!isRetriable(error) || attempt >= ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

/**
 * Makes sure `topics` exist, idempotently (several processes may start at once): creates the
 * missing ones with the layout and waits for their leaders. An existing topic is left as it is,
 * with a warning when it has fewer partitions than configured: adding partitions to a live topic
 * would move keys to other partitions and break per-stream order, so that stays an operator's
 * decision.
 */
export async function provisionTopics(
  kafka: Kafka,
  topics: readonly string[],
  layout: TopicLayout = {},
  logger: Logger = silentLogger,
): Promise<ProvisionedTopics> {
  const partitions = layout.partitions ?? 6;
  const replicationFactor = layout.replicationFactor ?? 1;
  const wanted = [...new Set(topics)];
  const admin = kafka.admin();
  try {
    await admin.connect();
    const known = new Set(await admin.listTopics());
    const missing = wanted.filter((topic) => !known.has(topic));
    if (missing.length > 0) {
      // false when another process created them meanwhile: fine.
      await retrying(() =>
        admin.createTopics({
          waitForLeaders: true,
          topics: missing.map((topic) => ({ topic, numPartitions: partitions, replicationFactor })),
        }),
      );
      logger.info({ topics: missing, partitions, replicationFactor }, 'Kafka topics created');
    }
    const { topics: described } = await retrying(() => admin.fetchTopicMetadata({ topics: wanted }));
    for (const topic of described) {
      if (topic.partitions.length < partitions && !missing.includes(topic.name)) {
        logger.warn(
          { topic: topic.name, partitions: topic.partitions.length, configured: partitions },
          'Kafka topic has fewer partitions than configured; left as it is (adding partitions moves keys)',
        );
      }
    }
    return { created: missing, existing: wanted.filter((topic) => known.has(topic)) };
  } catch (error) {
    throw new TopicProvisioningError(
      `could not make sure the Kafka topics exist (${wanted.join(', ')}): ${(error as Error).message}`,
      { cause: error },
    );
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
