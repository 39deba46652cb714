import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { loadContractRegistry } from '@carenet/contracts';
import type { LogPosition, NewEvent, SqlExecutor } from '@carenet/eventsourcing';
import { toKafkaMessage, type IncomingEvent } from '../../src/index.js';

/** The test context: stream category `Load` is published by context `messaging-test`. */
export const TEST_CONTEXTS = { Load: 'messaging-test' } as const;

export const testContracts = loadContractRegistry(
  fileURLToPath(new URL('../fixtures/events', import.meta.url)),
);

export function loadEvent(seq: number): NewEvent {
  return { id: randomUUID(), type: 'LoadRecorded', data: { seq } };
}

export const APPLIED_TABLE = `CREATE TABLE IF NOT EXISTS applied (
  event_id text PRIMARY KEY, stream_id text NOT NULL, seq int NOT NULL, applied_order bigserial)`;

/** The test handler: records the event in `applied`; refuses a negative seq (always). */
export async function recordApplied(event: IncomingEvent, tx: SqlExecutor): Promise<void> {
  const seq = event.data.seq;
  if (typeof seq !== 'number' || seq < 0) throw new Error(`handler refuses seq ${JSON.stringify(seq)}`);
  await tx.query('INSERT INTO applied (event_id, stream_id, seq) VALUES ($1, $2, $3)', [
    event.id,
    event.subject,
    seq,
  ]);
}

/** Per-stream order as applied: every stream's seqs must come out 0, 1, 2… */
export async function appliedInOrder(
  db: SqlExecutor,
): Promise<{ total: number; streamsOutOfOrder: string[] }> {
  const rows = await db.query<{ stream_id: string; seqs: number[] }>(
    'SELECT stream_id, array_agg(seq ORDER BY applied_order) AS seqs FROM applied GROUP BY stream_id',
  );
  const streamsOutOfOrder = rows.filter((r) => r.seqs.some((seq, i) => seq !== i)).map((r) => r.stream_id);
  const total = rows.reduce((sum, r) => sum + r.seqs.length, 0);
  return { total, streamsOutOfOrder };
}

/** A LoadRecorded message as the relay would publish it, straight to a topic. */
export function loadMessage(stream: string, seq: number, id: string = randomUUID()) {
  return toKafkaMessage(
    {
      id,
      type: 'LoadRecorded',
      data: { seq },
      metadata: {},
      streamId: stream,
      revision: seq,
      globalPosition: 0,
      logPosition: '0:0' as LogPosition,
      recordedAt: '2026-06-01T10:00:00.000Z',
    },
    TEST_CONTEXTS,
  );
}

/** Polls `condition` until it holds; throws after the timeout. */
export async function until(condition: () => Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
