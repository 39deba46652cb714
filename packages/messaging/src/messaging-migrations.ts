import type { Migration } from '@carenet/eventsourcing';

/** Inbox (dedupe by ce_id per consumer group) and the embedded dead-letter table. */
export const MESSAGING_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'inbox-and-dead-letters',
    sql: /* sql */ `
CREATE TABLE messaging.inbox (
  consumer_group  text NOT NULL,
  message_id      text NOT NULL,
  received_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer_group, message_id)
);

-- Dead letters of consumers fed by the store log (embedded mode, no Kafka).
CREATE TABLE messaging.dead_letters (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  consumer_group  text NOT NULL,
  message_key     text,
  message_value   bytea,
  headers         jsonb NOT NULL,
  recorded_at     timestamptz NOT NULL DEFAULT now()
);
`,
  },
];
