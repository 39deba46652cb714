import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { loadContractRegistry } from '@carenet/contracts';
import type { NewEvent, SqlExecutor } from '@carenet/eventsourcing';
import type { IncomingEvent } from '../../src/index.js';

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
