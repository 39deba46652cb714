// A consumer given the topic key (contracts/README.md, "Personal data on the topics"): it opens
// a message's `protected` member and its handler gets the event as stored; a member sealed with
// another key is a dead letter (ProtectedDataError); without a key the handler gets the clear part.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { loadContractRegistry } from '@carenet/contracts';
import type { LogPosition, RecordedEvent, SqlDatabase } from '@carenet/eventsourcing';
import {
  messageProcessor,
  publishedValue,
  toKafkaMessage,
  topicProtection,
  type IncomingEvent,
  type RawMessage,
  type TopicProtection,
} from '../src/index.js';
import type { DeadLetter } from '../src/dead-letter-sink.js';

const contracts = loadContractRegistry();
const event: RecordedEvent = {
  id: '6f1b9c1e-5a43-4c55-8d44-6a1a1c3b2f10',
  type: 'TaskRejected',
  data: {
    taskId: '42',
    by: {
      kind: 'professional',
      identifier: { system: 'urn:oid:1.2.250.1.71.4.2.1', value: '810000000001' },
      name: 'Dr Anne Martin',
    },
    at: '2026-06-01T10:00:00.000Z',
    reason: { text: 'Patient HIV+, refuses the visit' },
  },
  metadata: {},
  streamId: 'Task-42',
  revision: 3,
  globalPosition: 1001,
  logPosition: '900:1001' as LogPosition,
  recordedAt: '2026-06-01T10:00:00.000Z',
};
const key = () => topicProtection(randomBytes(32).toString('base64url'));

function published(protection: TopicProtection | undefined): RawMessage {
  const kafka = toKafkaMessage(event);
  return {
    topic: 'carenet.tasks',
    partition: 0,
    offset: '7',
    key: kafka.key,
    value: publishedValue(event, kafka.headers.ce_type ?? '', contracts, protection),
    headers: kafka.headers,
  };
}

const db = {
  transaction: <T>(work: (tx: SqlDatabase) => Promise<T>): Promise<T> =>
    work({ query: () => Promise.resolve([{ fresh: 1 }]) } as unknown as SqlDatabase),
} as unknown as SqlDatabase;

async function consume(message: RawMessage, protection: TopicProtection | undefined) {
  const handled: IncomingEvent[] = [];
  const letters: DeadLetter[] = [];
  const process = messageProcessor(
    {
      groupId: 'test-group',
      db,
      contracts,
      ...(protection !== undefined && { protection }),
      handler: (incoming) => {
        handled.push(incoming);
        return Promise.resolve();
      },
    },
    {
      put: (letter) => {
        letters.push(letter);
        return Promise.resolve();
      },
    },
  );
  await process(message);
  return { handled, letters };
}

describe('messageProcessor and the protected member', () => {
  const protection = key();

  it('gives the handler the event as stored when it holds the key', async () => {
    const message = published(protection);
    expect(message.value?.toString('utf8')).not.toMatch(/HIV|Martin/);
    const { handled, letters } = await consume(message, protection);
    expect(letters).toEqual([]);
    expect(handled.map((incoming) => incoming.data)).toEqual([event.data]);
  });

  it('gives the clear part without the key', async () => {
    const { handled } = await consume(published(protection), undefined);
    expect(handled).toHaveLength(1);
    const data = handled[0]?.data ?? {};
    expect(data.reason).toEqual({});
    expect(data.by).toEqual({
      kind: 'professional',
      identifier: { system: 'urn:oid:1.2.250.1.71.4.2.1', value: '810000000001' },
    });
    expect(typeof data.protected).toBe('string');
  });

  it('dead-letters a message sealed with another key', async () => {
    const { handled, letters } = await consume(published(key()), protection);
    expect(handled).toEqual([]);
    expect(letters.map((letter) => letter.error.name)).toEqual(['ProtectedDataError']);
  });
});
