// A store inside a caller's transaction (what consumers do): its appends commit or roll back with
// the caller's work, a refused append spoils nothing else, and on PGlite (one connection) nothing
// waits on itself.
import { randomUUID } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  ConcurrencyError,
  handleCommand,
  PostgresEventStore,
  pgliteDatabase,
  type SqlDatabase,
} from '../src/index.js';
import { ticketDecider } from './support/ticket-decider.js';

const at = '2026-06-01T08:00:00Z';

describe('PostgresEventStore.within(tx)', () => {
  let db: SqlDatabase;
  let store: PostgresEventStore;
  beforeAll(async () => {
    db = pgliteDatabase(await PGlite.create());
    store = await PostgresEventStore.open(db);
    await db.query('CREATE TABLE effects (id text PRIMARY KEY)');
  });
  afterAll(() => store.close());

  it('commits the appends with the caller’s own writes', async () => {
    const id = `Ticket-${randomUUID()}`;
    await db.transaction(async (tx) => {
      await handleCommand(store.within(tx), ticketDecider, id, { type: 'OpenTicket', title: 'a', at });
      await tx.query('INSERT INTO effects (id) VALUES ($1)', [id]);
    });
    expect(await store.streamRevision(id)).toBe(0);
  });

  it('rolls the appends back when the caller’s transaction fails', async () => {
    const id = `Ticket-${randomUUID()}`;
    await expect(
      db.transaction(async (tx) => {
        await handleCommand(store.within(tx), ticketDecider, id, { type: 'OpenTicket', title: 'a', at });
        throw new Error('the consumer failed after the append');
      }),
    ).rejects.toThrow('the consumer failed');
    expect(await store.streamRevision(id)).toBeNull();
  });

  it('keeps the transaction usable after a refused append (savepoint)', async () => {
    const id = `Ticket-${randomUUID()}`;
    await db.transaction(async (tx) => {
      const scoped = store.within(tx);
      await scoped.append(
        id,
        [{ id: randomUUID(), type: 'TicketOpened', data: { title: 'a', at } }],
        'no-stream',
      );
      await expect(
        scoped.append(
          id,
          [{ id: randomUUID(), type: 'TicketOpened', data: { title: 'b', at } }],
          'no-stream',
        ),
      ).rejects.toBeInstanceOf(ConcurrencyError);
      await tx.query('INSERT INTO effects (id) VALUES ($1)', [id]);
    });
    expect(await store.streamRevision(id)).toBe(0);
    expect(await db.query('SELECT id FROM effects WHERE id = $1', [id])).toHaveLength(1);
  });
});
