// The command handler on a real PostgreSQL (PGlite, in memory): read, fold, decide, append.
import { randomUUID } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  BusinessRuleError,
  endsWrite,
  handleCommand,
  handleCommands,
  PostgresEventStore,
  pgliteDatabase,
  PreconditionFailedError,
  StreamStateCache,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
} from '../src/index.js';
import { ticketDecider, type TicketCommand, type TicketState } from './support/ticket-decider.js';

const at = '2026-06-01T08:00:00Z';

describe('handleCommand', () => {
  let store: PostgresEventStore;
  beforeAll(async () => {
    store = await PostgresEventStore.open(pgliteDatabase(await PGlite.create()));
  });
  afterAll(() => store.close());

  it('creates a stream, then moves it on, recording the metadata on each event', async () => {
    const id = `Ticket-${randomUUID()}`;
    const metadata = { actor: 'urn:oid:1.2.250.1.71.4.2.1|810000000001', at };
    const opened = await handleCommand(
      store,
      ticketDecider,
      id,
      { type: 'OpenTicket', title: 'a', at },
      { metadata },
    );
    expect(opened).toMatchObject({ revision: 0, state: { status: 'open', title: 'a' } });
    const closed = await handleCommand(
      store,
      ticketDecider,
      id,
      { type: 'CloseTicket', reason: 'b', at },
      { metadata },
    );
    expect(closed.revision).toBe(1);
    expect(closed.events).toEqual([{ type: 'TicketClosed', data: { reason: 'b', at } }]);
    const stored = await store.readStream(id);
    // A write of one event is its own version: no `write` place recorded.
    expect(stored.map((e) => e.metadata)).toEqual([metadata, metadata]);
    expect(stored.every((e) => endsWrite(e))).toBe(true);
  });

  it('appends nothing when the decider decides nothing', async () => {
    const id = `Ticket-${randomUUID()}`;
    await handleCommand(store, ticketDecider, id, { type: 'OpenTicket', title: 'a', at });
    await handleCommand(store, ticketDecider, id, { type: 'CloseTicket', reason: 'b', at });
    const again = await handleCommand(store, ticketDecider, id, { type: 'CloseTicket', reason: 'c', at });
    expect(again).toMatchObject({ revision: 1, events: [] });
    expect(await store.streamRevision(id)).toBe(1);
  });

  it('decides several commands in turn and appends their events together', async () => {
    const id = `Ticket-${randomUUID()}`;
    const result = await handleCommands(store, ticketDecider, id, (state): TicketCommand[] => {
      expect(state).toEqual(ticketDecider.initialState());
      return [
        { type: 'OpenTicket', title: 'a', at },
        { type: 'CloseTicket', reason: 'b', at },
      ];
    });
    expect(result.revision).toBe(1);
    expect(result.events.map((e) => e.type)).toEqual(['TicketOpened', 'TicketClosed']);
    expect(result.state).toMatchObject({ status: 'closed' });
    const stored = await store.readStream(id);
    expect(stored.map((e) => e.type)).toEqual(['TicketOpened', 'TicketClosed']);
    // One write: its events say where they stand in it, so a read model makes one version of it.
    expect(stored.map((e) => e.metadata.write)).toEqual([
      { index: 0, count: 2 },
      { index: 1, count: 2 },
    ]);
    expect(stored.map((e) => endsWrite(e))).toEqual([false, true]);
  });

  it('writes nothing when a later command of the batch is refused', async () => {
    const id = `Ticket-${randomUUID()}`;
    await expect(
      handleCommands(store, ticketDecider, id, (): TicketCommand[] => [
        { type: 'OpenTicket', title: 'a', at },
        { type: 'OpenTicket', title: 'again', at },
      ]),
    ).rejects.toBeInstanceOf(BusinessRuleError);
    expect(await store.streamRevision(id)).toBeNull();
  });

  it('lets business-rule errors through and writes nothing', async () => {
    const id = `Ticket-${randomUUID()}`;
    await expect(
      handleCommand(store, ticketDecider, id, { type: 'CloseTicket', reason: 'x', at }),
    ).rejects.toBeInstanceOf(BusinessRuleError);
    expect(await store.streamRevision(id)).toBeNull();
  });

  it('refuses a stale expected revision (If-Match) with PreconditionFailedError', async () => {
    const id = `Ticket-${randomUUID()}`;
    await handleCommand(store, ticketDecider, id, { type: 'OpenTicket', title: 'a', at });
    await expect(
      handleCommand(
        store,
        ticketDecider,
        id,
        { type: 'CloseTicket', reason: 'x', at },
        { expectedRevision: 5 },
      ),
    ).rejects.toMatchObject({ constructor: PreconditionFailedError, actualRevision: 0, expectedRevision: 5 });
  });

  it('retries from a fresh read when another writer wins the race', async () => {
    const id = `Ticket-${randomUUID()}`;
    await handleCommand(store, ticketDecider, id, { type: 'OpenTicket', title: 'a', at });
    // A store whose first append loses a race: someone closes the ticket in between.
    let raced = false;
    const racing: EventStore = Object.assign(Object.create(store) as EventStore, {
      append: async (stream: string, events: readonly NewEvent[], expected: ExpectedRevision) => {
        if (!raced) {
          raced = true;
          await store.append(
            stream,
            [{ id: randomUUID(), type: 'TicketClosed', data: { reason: 'other', at } }],
            'any',
          );
        }
        return store.append(stream, events, expected);
      },
    });
    const result = await handleCommand(racing, ticketDecider, id, {
      type: 'CloseTicket',
      reason: 'mine',
      at,
    });
    // Second attempt saw the ticket closed by the other writer: nothing left to do.
    expect(result).toMatchObject({ revision: 1, events: [] });
    expect((await store.readStream(id)).map((e) => e.data)).toEqual([
      { title: 'a', at },
      { reason: 'other', at },
    ]);
  });

  it('uses the given event ids, so a retried request is stored once', async () => {
    const id = `Ticket-${randomUUID()}`;
    const eventId = randomUUID();
    await handleCommand(
      store,
      ticketDecider,
      id,
      { type: 'OpenTicket', title: 'a', at },
      { newEventId: () => eventId },
    );
    const stored = await store.readStream(id);
    expect(stored.map((e) => e.id)).toEqual([eventId]);
  });

  describe('with a cache of stream states', () => {
    /** The store, counting the streams it reads. */
    const counting = () => {
      const reads: string[] = [];
      const counted: EventStore = Object.assign(Object.create(store) as EventStore, {
        readStream: (stream: string) => {
          reads.push(stream);
          return store.readStream(stream);
        },
      });
      return { counted, reads };
    };
    const open = (title = 'a'): TicketCommand => ({ type: 'OpenTicket', title, at });
    const close = (reason: string): TicketCommand => ({ type: 'CloseTicket', reason, at });

    it('creates with expectedRevision -1 without a read, then decides on the remembered state', async () => {
      const { counted, reads } = counting();
      const cache = new StreamStateCache<TicketState>();
      const id = `Ticket-${randomUUID()}`;
      await handleCommand(counted, ticketDecider, id, open(), { cache, expectedRevision: -1 });
      expect(cache.latest(id)).toMatchObject({ revision: 0, state: { status: 'open' } });
      const closed = await handleCommand(counted, ticketDecider, id, close('b'), {
        cache,
        expectedRevision: 0,
      });
      expect(closed).toMatchObject({ revision: 1, state: { status: 'closed' } });
      expect(reads).toEqual([]);
      expect(cache.at(id, 1)).toMatchObject({ status: 'closed' });
      expect((await store.readStream(id)).map((e) => e.type)).toEqual(['TicketOpened', 'TicketClosed']);
    });

    it('refuses expectedRevision -1 on a stream that exists', async () => {
      const id = `Ticket-${randomUUID()}`;
      await handleCommand(store, ticketDecider, id, open());
      await expect(
        handleCommand(store, ticketDecider, id, open('again'), { expectedRevision: -1 }),
      ).rejects.toBeInstanceOf(PreconditionFailedError);
      expect(await store.streamRevision(id)).toBe(0);
    });

    it('a cached state left behind by another writer costs one retry, never a wrong decision', async () => {
      const { counted, reads } = counting();
      const cache = new StreamStateCache<TicketState>();
      const id = `Ticket-${randomUUID()}`;
      await handleCommand(counted, ticketDecider, id, open(), { cache });
      // Another process closes the ticket: this cache still says open at revision 0.
      await handleCommand(store, ticketDecider, id, close('other'));
      reads.length = 0;
      const result = await handleCommand(counted, ticketDecider, id, close('mine'), { cache });
      expect(result).toMatchObject({ revision: 1, events: [] });
      expect(reads).toEqual([id]);
      expect(cache.latest(id)?.revision).toBe(1);
    });

    it('reads the stream when the expected revision is not the cached one', async () => {
      const cache = new StreamStateCache<TicketState>();
      const id = `Ticket-${randomUUID()}`;
      await handleCommand(store, ticketDecider, id, open(), { cache });
      await handleCommand(store, ticketDecider, id, close('other'));
      const result = await handleCommand(store, ticketDecider, id, close('x'), {
        cache,
        expectedRevision: 1,
      });
      expect(result).toMatchObject({ revision: 1, events: [], state: { status: 'closed' } });
      expect(cache.latest(id)?.revision).toBe(1);
      await expect(
        handleCommand(store, ticketDecider, id, close('y'), { cache, expectedRevision: 0 }),
      ).rejects.toMatchObject({ constructor: PreconditionFailedError, actualRevision: 1 });
    });
  });
});
