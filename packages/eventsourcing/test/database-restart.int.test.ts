// A PostgreSQL restart is an outage of a few seconds, not of the process: while the server is
// down, statements reject with DatabaseUnavailableError; once it is back, the same pool, store,
// catch-up subscription and due-command clock work again without anyone restarting them.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  createRunDirectory,
  postgresClusterControl,
  startPostgresCluster,
  type PostgresCluster,
  type PostgresClusterControl,
  type RunDirectory,
} from '@carenet/testing';
import {
  DatabaseUnavailableError,
  pingDatabase,
  PostgresEventStore,
  postgresDatabase,
  startDueCommandClock,
  startSubscription,
  type DueCommandClock,
  type Logger,
  type RecordedEvent,
  type RunningSubscription,
  type SqlDatabase,
} from '../src/index.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function eventually(check: () => Promise<boolean> | boolean, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await sleep(50);
  }
}

interface LogLine {
  readonly level: 'info' | 'warn' | 'error';
  readonly details: object;
  readonly message: string;
}

function recordingLogger(lines: LogLine[]): Logger {
  return {
    info: (details, message) => lines.push({ level: 'info', details, message }),
    warn: (details, message) => lines.push({ level: 'warn', details, message }),
    error: (details, message) => lines.push({ level: 'error', details, message }),
  };
}

describe('a PostgreSQL restart under a running store', () => {
  let run: RunDirectory;
  let cluster: PostgresCluster;
  let control: PostgresClusterControl;
  let db: SqlDatabase;
  let store: PostgresEventStore;
  let subscription: RunningSubscription;
  let clock: DueCommandClock;
  const seen: RecordedEvent[] = [];
  const lines: LogLine[] = [];
  const escaped: unknown[] = [];
  const onEscaped = (error: unknown) => escaped.push(error);
  const say = (line: string) => process.stderr.write(`[database-restart] ${line}\n`);

  beforeAll(async () => {
    process.on('uncaughtException', onEscaped);
    process.on('unhandledRejection', onEscaped);
    // A cluster of its own: stopping it must not disturb the other test files.
    run = createRunDirectory();
    cluster = await startPostgresCluster(run, say);
    control = postgresClusterControl(run, say);
    const logger = recordingLogger(lines);
    db = postgresDatabase({ connectionString: cluster.url, max: 4, connectionTimeoutMs: 2_000, logger });
    store = await PostgresEventStore.open(db);
    await db.query('CREATE TABLE due_items (id text PRIMARY KEY, done boolean NOT NULL DEFAULT false)');
    subscription = startSubscription(store, {
      subscriptionId: 'restart-test',
      pollIntervalMs: 20,
      logger,
      handle: (events) => {
        seen.push(...events);
        return Promise.resolve();
      },
    });
    clock = startDueCommandClock({
      name: 'test clock',
      idField: 'itemId',
      recorded: 'items done',
      intervalMs: 100,
      logger,
      due: async () =>
        (await db.query<{ id: string }>('SELECT id FROM due_items WHERE NOT done')).map((r) => r.id),
      send: async (id) => {
        await db.query('UPDATE due_items SET done = true WHERE id = $1', [id]);
        return true;
      },
    });
  });

  afterAll(async () => {
    await subscription.stop();
    await clock.stop();
    await store.close();
    cluster.stop();
    run.remove();
    process.off('uncaughtException', onEscaped);
    process.off('unhandledRejection', onEscaped);
  });

  const append = (stream: string) =>
    store.append(stream, [{ id: randomUUID(), type: 'TicketOpened', data: { title: 't' } }], 'no-stream');

  it('fails fast with the typed error while the server is down, and recovers by itself once it is back', async () => {
    const before = `Ticket-${randomUUID()}`;
    await append(before);
    await subscription.caughtUp();
    expect(seen.map((e) => e.streamId)).toContain(before);

    await control.stopFast();
    // Down: every way in answers the typed error (connection refused), quickly.
    const started = Date.now();
    await expect(append(`Ticket-${randomUUID()}`)).rejects.toBeInstanceOf(DatabaseUnavailableError);
    await expect(db.transaction((tx) => tx.query('SELECT 1'))).rejects.toBeInstanceOf(
      DatabaseUnavailableError,
    );
    await expect(db.session((s) => s.query('SELECT 1'))).rejects.toBeInstanceOf(DatabaseUnavailableError);
    await expect(pingDatabase(db, 500)).rejects.toBeInstanceOf(DatabaseUnavailableError);
    expect(Date.now() - started).toBeLessThan(5_000);
    // The subscription and the clock keep trying while it is down.
    await sleep(700);

    await control.start();
    // Back: the first statement works, on a new connection of the same pool.
    const after = `Ticket-${randomUUID()}`;
    await append(after);
    await pingDatabase(db, 2_000);
    await db.query('INSERT INTO due_items (id) VALUES ($1)', ['item-1']);
    await eventually(() => seen.some((e) => e.streamId === after));
    await eventually(async () => {
      const [row] = await db.query<{ done: boolean }>('SELECT done FROM due_items WHERE id = $1', ['item-1']);
      return row?.done === true;
    });

    expect(escaped).toEqual([]);
    // What ops read: the lost connections, the subscription and the clock waiting for the database.
    const warnings = lines.filter((l) => l.level === 'warn').map((l) => l.message);
    expect(warnings).toContain('PostgreSQL connection lost; the pool drops it and connects anew on demand');
    expect(warnings).toContain('subscription: database unavailable; retrying');
    expect(warnings).toContain('test clock: database unavailable, scanning again at the next interval');
    // Nothing but the driver's words in them (no statement, no parameters).
    for (const line of lines.filter((l) => l.level !== 'info')) {
      expect(['params', 'query', 'err'].filter((key) => key in line.details)).toEqual([]);
      expect(JSON.stringify(line.details)).not.toContain('TicketOpened');
    }
  });
});
