// Per-stream order in the global log, whatever the order of the transactions' ids (issue 14).
//
// Transaction A takes its id early (as a consumer does with its inbox row) and then waits for a
// stream's lock, which B holds while it appends revision 5. A then appends revision 6 with the
// smaller id. Ordered by bare transaction ids, the log would give revision 6 before revision 5.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '@carenet/testing';
import { PostgresEventStore, postgresDatabase, START } from '../src/index.js';

const append = (client: pg.Client, stream: string, expected: string, type: string) =>
  client.query(`SELECT * FROM eventstore.append_events($1, 'Order', $2, $3::jsonb)`, [
    stream,
    expected,
    JSON.stringify([{ id: randomUUID(), type, data: {}, metadata: {} }]),
  ]);

/** Waits until `pid` waits on a lock (so its append is queued behind the stream lock). */
async function waitingOnLock(observer: pg.Client, pid: number): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const { rows } = await observer.query<{ waiting: boolean }>(
      `SELECT wait_event_type = 'Lock' AS waiting FROM pg_stat_activity WHERE pid = $1`,
      [pid],
    );
    if (rows[0]?.waiting) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`backend ${pid} never waited on the stream lock`);
}

describe('per-stream order of the global log', () => {
  let database: TestDatabase;
  let store: PostgresEventStore;
  let a: pg.Client;
  let b: pg.Client;
  let observer: pg.Client;

  beforeAll(async () => {
    database = await createTestDatabase('es-stream-order');
    store = await PostgresEventStore.open(postgresDatabase({ connectionString: database.url }));
    [a, b, observer] = [0, 1, 2].map(() => new pg.Client({ connectionString: database.url })) as [
      pg.Client,
      pg.Client,
      pg.Client,
    ];
    await Promise.all([a.connect(), b.connect(), observer.connect()]);
  });
  afterAll(async () => {
    await Promise.all([a.end(), b.end(), observer.end()]);
    await store.close();
    await database.drop();
  });

  it('a transaction with the smaller id appending the later revision does not jump ahead', async () => {
    const stream = `Order-${randomUUID()}`;
    for (let revision = 0; revision <= 4; revision++)
      await store.append(stream, [{ id: randomUUID(), type: `R${revision}`, data: {} }], revision - 1);

    // A gets its transaction id first.
    await a.query('BEGIN');
    const { rows: aRows } = await a.query<{ xid: string; pid: number }>(
      'SELECT pg_current_xact_id()::text AS xid, pg_backend_pid() AS pid',
    );
    // B appends revision 5 with a greater id and holds the stream's lock.
    await b.query('BEGIN');
    await append(b, stream, '4', 'R5');
    const { rows: bRows } = await b.query<{ xid: string }>('SELECT pg_current_xact_id()::text AS xid');
    expect(BigInt(aRows[0]!.xid)).toBeLessThan(BigInt(bRows[0]!.xid));
    // A appends revision 6: it waits for B's lock, then goes on once B committed.
    const aAppend = append(a, stream, '5', 'R6');
    await waitingOnLock(observer, aRows[0]!.pid);
    await b.query('COMMIT');
    await aAppend;
    await a.query('COMMIT');

    const { events } = await store.readAll(START, { categories: ['Order'], limit: 1000 });
    const ofStream = events.filter((e) => e.streamId === stream);
    expect(ofStream.map((e) => e.type)).toEqual(['R0', 'R1', 'R2', 'R3', 'R4', 'R5', 'R6']);
    expect(ofStream.map((e) => e.revision)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    // Read in small steps from each checkpoint, the log gives the same order and skips nothing.
    const stepped: string[] = [];
    let position = START;
    for (;;) {
      const batch = await store.readAll(position, { categories: ['Order'], limit: 1 });
      if (batch.events.length === 0) break;
      stepped.push(...batch.events.filter((e) => e.streamId === stream).map((e) => e.type));
      position = batch.next;
    }
    expect(stepped).toEqual(['R0', 'R1', 'R2', 'R3', 'R4', 'R5', 'R6']);
  });

  it('keeps the later revision hidden while its (early) writer is still running', async () => {
    const stream = `Order-${randomUUID()}`;
    await store.append(stream, [{ id: randomUUID(), type: 'S0', data: {} }], -1);
    const { next: start } = await store.readAll(START, { categories: ['Order'], limit: 10_000 });

    await a.query('BEGIN');
    const { rows } = await a.query<{ pid: number }>(
      'SELECT pg_current_xact_id()::text AS xid, pg_backend_pid() AS pid',
    );
    await b.query('BEGIN');
    await append(b, stream, '0', 'S1');
    const aAppend = append(a, stream, '1', 'S2');
    await waitingOnLock(observer, rows[0]!.pid);
    await b.query('COMMIT');
    await aAppend;

    // S1 is committed, but a reader that passed it now could never get S2 behind it unless S2
    // sorts after S1: both wait until A is done.
    const whileOpen = await store.readAll(start, { categories: ['Order'] });
    expect(whileOpen.events.filter((e) => e.streamId === stream)).toEqual([]);
    await a.query('COMMIT');
    const after = await store.readAll(start, { categories: ['Order'] });
    expect(after.events.filter((e) => e.streamId === stream).map((e) => e.type)).toEqual(['S1', 'S2']);
  });
});
