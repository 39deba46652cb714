// A consumer while its database is away: the message is fine, so it is retried and never
// dead-lettered; past the retries it is left to the source (the store-log subscription retries
// its batch, Kafka redelivers from the uncommitted offset).
import { describe, expect, it } from '@jest/globals';
import {
  DatabaseFullError,
  DatabaseUnavailableError,
  ValidationError,
  type LogPosition,
  type RecordedEvent,
  type SqlDatabase,
} from '@carenet/eventsourcing';
import { messageProcessor, toKafkaMessage, type EventContracts, type RawMessage } from '../src/index.js';
import type { DeadLetter } from '../src/dead-letter-sink.js';

const event: RecordedEvent = {
  id: '6f1b9c1e-5a43-4c55-8d44-6a1a1c3b2f10',
  type: 'TaskAccepted',
  data: { taskId: '42', by: 'urn:oid:1.2.250.1.71.4.2.1|810000000001' },
  metadata: {},
  streamId: 'Task-42',
  revision: 3,
  globalPosition: 1001,
  logPosition: '900:1001' as LogPosition,
  recordedAt: '2026-06-01T10:00:00.000Z',
};

function message(): RawMessage {
  const kafka = toKafkaMessage(event);
  return {
    topic: 'carenet.tasks',
    partition: 0,
    offset: '7',
    key: kafka.key,
    value: kafka.value,
    headers: kafka.headers,
  };
}

const anyContract: EventContracts = { validate: () => ({ ok: true }) };

/** A database whose transactions fail with the given errors in turn, then run the work. */
function failingDatabase(errors: Error[]): SqlDatabase & { attempts: number } {
  const db = {
    attempts: 0,
    transaction: async <T>(work: (tx: SqlDatabase) => Promise<T>): Promise<T> => {
      db.attempts += 1;
      const error = errors.shift();
      if (error !== undefined) throw error;
      return work({ query: () => Promise.resolve([{ fresh: 1 }]) } as unknown as SqlDatabase);
    },
  };
  return db as unknown as SqlDatabase & { attempts: number };
}

function processorOn(db: SqlDatabase, letters: DeadLetter[]) {
  return messageProcessor(
    {
      groupId: 'test-group',
      db,
      contracts: anyContract,
      handler: () => Promise.resolve(),
      retry: { attempts: 3, initialDelayMs: 1, maxDelayMs: 1 },
    },
    {
      put: (letter) => {
        letters.push(letter);
        return Promise.resolve();
      },
    },
  );
}

describe('messageProcessor with the database away', () => {
  it('never dead-letters a message because the database is unavailable or full', async () => {
    const letters: DeadLetter[] = [];
    const unavailable = () => new DatabaseUnavailableError('Connection terminated unexpectedly');
    const db = failingDatabase([unavailable(), new DatabaseFullError('disk full', '53100'), unavailable()]);
    await expect(processorOn(db, letters)(message())).rejects.toBeInstanceOf(DatabaseUnavailableError);
    expect(db.attempts).toBe(3);
    expect(letters).toEqual([]);
  });

  it('applies the message once the database is back within the retries', async () => {
    const letters: DeadLetter[] = [];
    const db = failingDatabase([new DatabaseUnavailableError('read ECONNRESET', 'ECONNRESET')]);
    await processorOn(db, letters)(message());
    expect(db.attempts).toBe(2);
    expect(letters).toEqual([]);
  });

  it('still dead-letters what can never succeed', async () => {
    const letters: DeadLetter[] = [];
    const db = failingDatabase([new ValidationError([{ path: 'Task.status', message: 'unknown' }])]);
    await processorOn(db, letters)(message());
    expect(db.attempts).toBe(1);
    expect(letters.map((l) => l.error.name)).toEqual(['ValidationError']);
  });
});
