import { DEAD_LETTER_HEADERS as D } from '@carenet/contracts';
import type { SqlDatabase } from '@carenet/eventsourcing';
import type { Producer } from 'kafkajs';
import { deadLetterTopicOf } from './contexts.js';
import type { RawMessage } from './incoming-event.js';

export interface DeadLetter {
  readonly message: RawMessage;
  readonly error: Error;
  readonly groupId: string;
  readonly attempts: number;
}

/** Where a consumer puts a message it gives up on. Must not lose it: resolves once stored. */
export interface DeadLetterSink {
  put(letter: DeadLetter): Promise<void>;
}

/** The original headers plus the error headers of contracts/asyncapi.yaml. */
export function deadLetterHeaders(letter: DeadLetter): Record<string, string> {
  return {
    ...letter.message.headers,
    [D.errorType]: letter.error.name,
    [D.errorMessage]: letter.error.message.slice(0, 2000),
    [D.errorGroup]: letter.groupId,
    [D.errorAttempts]: String(letter.attempts),
    [D.originalTopic]: letter.message.topic,
    [D.originalPartition]: String(letter.message.partition),
    [D.originalOffset]: letter.message.offset,
  };
}

/** Kafka: `<group>.dlq`, same key and value, acknowledged by all in-sync replicas. */
export function kafkaDeadLetterSink(producer: Producer): DeadLetterSink {
  return {
    async put(letter) {
      await producer.send({
        topic: deadLetterTopicOf(letter.groupId),
        acks: -1,
        messages: [
          { key: letter.message.key, value: letter.message.value, headers: deadLetterHeaders(letter) },
        ],
      });
    },
  };
}

/** Embedded mode: the `messaging.dead_letters` table. */
export function sqlDeadLetterSink(db: SqlDatabase): DeadLetterSink {
  return {
    async put(letter) {
      await db.query(
        `INSERT INTO messaging.dead_letters (consumer_group, message_key, message_value, headers)
         VALUES ($1, $2, $3, $4::jsonb)`,
        [letter.groupId, letter.message.key, letter.message.value, JSON.stringify(deadLetterHeaders(letter))],
      );
    },
  };
}
