// Readers of the global log pause longer and longer while it is quiet (issue 21), and an append
// wakes them at once: from another process through PostgreSQL's LISTEN/NOTIFY, in this process
// directly. Each reader below pauses for at least 7.5 minutes after it caught up: an event it gets
// within the test's time came through the wake-up, not the pause.
import { randomUUID } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from '@carenet/testing';
import {
  APPENDS_CHANNEL,
  PostgresEventStore,
  pgliteDatabase,
  postgresDatabase,
  startSubscription,
  type EventStore,
  type NewEvent,
  type RunningSubscription,
  type SqlDatabase,
} from '../src/index.js';

/** Longer than any test here may take: a reader that waited for it failed the test. */
const PAUSE_MS = 600_000;

const event = (): NewEvent => ({ id: randomUUID(), type: 'Woken', data: {} });

/** Every reader started, stopped at the end even when a test failed before it stopped its own. */
const started: RunningSubscription[] = [];
afterAll(async () => {
  await Promise.all(started.map((subscription) => subscription.stop()));
});

/** A subscription of `category` that pauses PAUSE_MS when caught up, and the ids it handled. */
function sleepyReader(store: EventStore, category: string) {
  const handled = new Set<string>();
  const waiting = new Map<string, () => void>();
  const subscription: RunningSubscription = startSubscription(store, {
    subscriptionId: `wake-${randomUUID()}`,
    categories: [category],
    pollIntervalMs: PAUSE_MS,
    maxIdleMs: PAUSE_MS,
    handle(events) {
      for (const e of events) {
        handled.add(e.id);
        waiting.get(e.id)?.();
      }
      return Promise.resolve();
    },
  });
  started.push(subscription);
  return {
    subscription,
    handled,
    /** Resolves once the reader handled the event `id`. */
    received: (id: string) =>
      new Promise<void>((resolve) => {
        if (handled.has(id)) resolve();
        else waiting.set(id, resolve);
      }),
  };
}

async function until(condition: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('readers woken by appends of another process (PostgreSQL LISTEN/NOTIFY)', () => {
  let database: TestDatabase;
  // Two database objects, two pools: what two processes have.
  let writerDb: SqlDatabase;
  let readerDb: SqlDatabase;
  let writer: PostgresEventStore;
  let reader: PostgresEventStore;

  beforeAll(async () => {
    database = await createTestDatabase('es-wake');
    writerDb = postgresDatabase({ connectionString: database.url, applicationName: 'wake-writer' });
    readerDb = postgresDatabase({ connectionString: database.url, applicationName: 'wake-reader' });
    writer = await PostgresEventStore.open(writerDb);
    reader = await PostgresEventStore.open(readerDb, { migrate: false });
  });
  afterAll(async () => {
    await writer.close();
    await reader.close();
    await database.drop();
  });

  /** Until the reader's process listens (its one connection of its own has run LISTEN). */
  const listening = () =>
    until(async () => {
      const rows = await writerDb.query<{ n: string }>(
        `SELECT count(*)::text AS n FROM pg_stat_activity
          WHERE application_name = 'wake-reader' AND state = 'idle' AND query = $1`,
        [`LISTEN "${APPENDS_CHANNEL}"`],
      );
      return Number(rows[0]?.n) === 1;
    });

  it('an append wakes a reader in a long idle pause, and the reader gets it', async () => {
    const sleepy = sleepyReader(reader, 'WakeA');
    await sleepy.subscription.caughtUp();
    await listening();
    const first = event();
    await writer.append(`WakeA-${randomUUID()}`, [first], 'no-stream');
    await sleepy.received(first.id);

    // Again, once it is back in its pause, with events in two appends and another category between.
    const second = event();
    const third = event();
    const stream = `WakeA-${randomUUID()}`;
    await writer.append(stream, [second], 'no-stream');
    await writer.append(`Other-${randomUUID()}`, [event()], 'no-stream');
    await writer.append(stream, [third], 0);
    await sleepy.received(third.id);
    await sleepy.subscription.stop();
    expect(sleepy.handled).toEqual(new Set([first.id, second.id, third.id]));
  });

  it('an append inside a transaction wakes the reader when the transaction commits', async () => {
    const sleepy = sleepyReader(reader, 'WakeB');
    await sleepy.subscription.caughtUp();
    await listening();
    const inTransaction = event();
    await writerDb.transaction(async (tx) => {
      await writer.within(tx).append(`WakeB-${randomUUID()}`, [inTransaction], 'no-stream');
    });
    await sleepy.received(inTransaction.id);
    await sleepy.subscription.stop();
    expect([...sleepy.handled]).toEqual([inTransaction.id]);
  });

  it('a reader whose listening connection is cut is woken once it listens again', async () => {
    const sleepy = sleepyReader(reader, 'WakeC');
    await sleepy.subscription.caughtUp();
    await listening();
    // The listening connection is lost (its backend terminated): appends meanwhile are not
    // notified to it; when it is back it wakes every reader, which reads what it missed.
    await writerDb.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE application_name = 'wake-reader' AND query = $1`,
      [`LISTEN "${APPENDS_CHANNEL}"`],
    );
    const missed = event();
    await writer.append(`WakeC-${randomUUID()}`, [missed], 'no-stream');
    await sleepy.received(missed.id);
    await sleepy.subscription.stop();
    expect([...sleepy.handled]).toEqual([missed.id]);
  });
});

describe('readers woken by appends in the same process (PGlite)', () => {
  it('an append through one store wakes a reader of another store on the same database', async () => {
    const db = pgliteDatabase(await PGlite.create());
    const writer = await PostgresEventStore.open(db);
    // The embedded gateway opens a store per service on one database.
    const reader = await PostgresEventStore.open(db, { migrate: false });
    const sleepy = sleepyReader(reader, 'Wake');
    await sleepy.subscription.caughtUp();
    const appended = event();
    await writer.append(`Wake-${randomUUID()}`, [appended], 'no-stream');
    await sleepy.received(appended.id);
    const inTransaction = event();
    await db.transaction(async (tx) => {
      await writer.within(tx).append(`Wake-${randomUUID()}`, [inTransaction], 'no-stream');
    });
    await sleepy.received(inTransaction.id);
    await sleepy.subscription.stop();
    await writer.close();
    expect([...sleepy.handled]).toEqual([appended.id, inTransaction.id]);
  });
});
