// Topic provisioning on the real broker (issue 14): missing topics created with the layout,
// idempotently (also by processes starting at once), existing ones never changed.
import { describe, expect, it } from '@jest/globals';
import { Kafka, logLevel } from 'kafkajs';
import { testKafkaBrokers, uniqueName } from '@carenet/testing';
import { provisionTopics, TopicProvisioningError } from '../src/index.js';

describe('provisionTopics', () => {
  const kafka = new Kafka({
    clientId: 'provisioning-test',
    brokers: testKafkaBrokers(),
    logLevel: logLevel.NOTHING,
  });

  async function partitionsOf(topic: string): Promise<number> {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
      return topics[0]?.partitions.length ?? 0;
    } finally {
      await admin.disconnect();
    }
  }

  it('creates the missing topics with the configured partitions, once, even from processes starting at once', async () => {
    const topics = [uniqueName('provision-a'), uniqueName('provision-b')];
    const results = await Promise.all([
      provisionTopics(kafka, topics, { partitions: 4, replicationFactor: 1 }),
      provisionTopics(kafka, topics, { partitions: 4, replicationFactor: 1 }),
    ]);
    expect(results.flatMap((r) => r.created).length).toBeGreaterThanOrEqual(2);
    expect(await partitionsOf(topics[0]!)).toBe(4);
    expect(await partitionsOf(topics[1]!)).toBe(4);
    expect(await provisionTopics(kafka, topics, { partitions: 4 })).toEqual({
      created: [],
      existing: topics,
    });
  });

  it('leaves an existing topic as it is and warns when it has fewer partitions than configured', async () => {
    const topic = uniqueName('provision-existing');
    await provisionTopics(kafka, [topic], { partitions: 2 });
    const warnings: unknown[] = [];
    const logger = {
      info: () => undefined,
      error: () => undefined,
      warn: (details: object) => warnings.push(details),
    };
    const result = await provisionTopics(kafka, [topic], { partitions: 6 }, logger);
    expect(result).toEqual({ created: [], existing: [topic] });
    expect(await partitionsOf(topic)).toBe(2);
    expect(warnings).toEqual([{ topic, partitions: 2, configured: 6 }]);
  });

  it('says which topics it could not provision when the cluster is unreachable', async () => {
    const unreachable = new Kafka({
      clientId: 'provisioning-unreachable',
      brokers: ['127.0.0.1:1'],
      logLevel: logLevel.NOTHING,
      connectionTimeout: 200,
      retry: { retries: 0 },
    });
    await expect(provisionTopics(unreachable, ['carenet.tasks'])).rejects.toThrow(TopicProvisioningError);
    await expect(provisionTopics(unreachable, ['carenet.tasks'])).rejects.toThrow(
      /could not make sure the Kafka topics exist \(carenet\.tasks\)/,
    );
  });
});
