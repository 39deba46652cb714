// Losing every PostgreSQL connection under write load (a restart, a failover, an operator's
// pg_terminate_backend) must not crash the process: what was in flight rejects with the typed
// DatabaseUnavailableError, the pool reconnects by itself, and every write that resolved is stored.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '@carenet/testing';
import {
  DatabaseUnavailableError,
  PostgresEventStore,
  postgresDatabase,
  type SqlDatabase,
} from '../src/index.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Outcome {
  readonly kind: 'append' | 'transaction' | 'session';
  readonly key: string;
  readonly at: number;
  readonly error?: unknown;
}

describe('losing every PostgreSQL connection under write load', () => {
  // Its own application name: the kills hit this test's connections only.
  const applicationName = `carenet-loss-${randomUUID().slice(0, 8)}`;
  let database: TestDatabase;
  let db: SqlDatabase;
  let store: PostgresEventStore;
  let admin: pg.Client;
  const escaped: unknown[] = [];
  const onEscaped = (error: unknown) => escaped.push(error);

  beforeAll(async () => {
    process.on('uncaughtException', onEscaped);
    process.on('unhandledRejection', onEscaped);
    database = await createTestDatabase('connection-loss');
    db = postgresDatabase({ connectionString: database.url, max: 8, applicationName });
    store = await PostgresEventStore.open(db);
    await db.query('CREATE TABLE probe (id text PRIMARY KEY)');
    admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
  });

  afterAll(async () => {
    await admin.end();
    await store.close();
    await database.drop();
    process.off('uncaughtException', onEscaped);
    process.off('unhandledRejection', onEscaped);
  });

  async function terminateAll(): Promise<number> {
    const rows = await admin.query<{ killed: boolean }>(
      'SELECT pg_terminate_backend(pid) AS killed FROM pg_stat_activity WHERE application_name = $1',
      [applicationName],
    );
    return rows.rows.filter((r) => r.killed).length;
  }

  it('rejects what was in flight with DatabaseUnavailableError, reconnects, and keeps every resolved write', async () => {
    const outcomes: Outcome[] = [];
    const state = { running: true };
    const running = () => state.running;
    const record = async (kind: Outcome['kind'], key: string, work: () => Promise<unknown>) => {
      try {
        await work();
        outcomes.push({ kind, key, at: Date.now() });
      } catch (error) {
        outcomes.push({ kind, key, at: Date.now(), error });
      }
    };
    // Appends on the pool (one statement each), appends inside transaction() with a pause so that
    // kills find checked-out clients mid-transaction, and a session held across statements.
    const appender = async () => {
      while (running()) {
        const stream = `Ticket-${randomUUID()}`;
        await record('append', stream, () =>
          store.append(
            stream,
            [{ id: randomUUID(), type: 'TicketOpened', data: { title: 'a' } }],
            'no-stream',
          ),
        );
      }
    };
    const transactor = async () => {
      while (running()) {
        const stream = `Ticket-${randomUUID()}`;
        await record('transaction', stream, () =>
          db.transaction(async (tx) => {
            await store
              .within(tx)
              .append(
                stream,
                [{ id: randomUUID(), type: 'TicketOpened', data: { title: 'b' } }],
                'no-stream',
              );
            await tx.query('SELECT pg_sleep(0.005)');
            await tx.query('INSERT INTO probe (id) VALUES ($1)', [stream]);
          }),
        );
      }
    };
    const sessionHolder = async () => {
      while (running()) {
        await record('session', 'session', () =>
          db.session(async (session) => {
            await session.query('SELECT pg_advisory_lock(42)');
            await session.query('SELECT pg_sleep(0.05)');
            await session.query('SELECT pg_advisory_unlock(42)');
          }),
        );
      }
    };
    const workers = [
      ...Array.from({ length: 6 }, appender),
      ...Array.from({ length: 4 }, transactor),
      sessionHolder(),
    ];

    await sleep(400);
    const firstKill = await terminateAll();
    const firstKillAt = Date.now();
    await sleep(600);
    const secondKill = await terminateAll();
    const secondKillAt = Date.now();
    await sleep(800);
    state.running = false;
    await Promise.all(workers);

    expect(escaped).toEqual([]);
    expect(firstKill).toBeGreaterThan(0);
    expect(secondKill).toBeGreaterThan(0);
    const failures = outcomes.filter((o) => o.error !== undefined);
    // The kills hit work in flight, and each failure is the typed error, nothing else.
    expect(failures.length).toBeGreaterThan(0);
    const untyped = failures.filter((o) => !(o.error instanceof DatabaseUnavailableError));
    expect(untyped.map((o) => String(o.error))).toEqual([]);
    expect(failures.some((o) => o.kind === 'transaction')).toBe(true);
    // Writes resumed on their own after each kill.
    const resolved = outcomes.filter((o) => o.error === undefined);
    expect(resolved.some((o) => o.kind === 'append' && o.at > firstKillAt && o.at < secondKillAt)).toBe(true);
    expect(resolved.filter((o) => o.kind === 'append' && o.at > secondKillAt).length).toBeGreaterThan(0);
    expect(resolved.filter((o) => o.kind === 'transaction' && o.at > secondKillAt).length).toBeGreaterThan(0);
    expect(resolved.filter((o) => o.kind === 'session' && o.at > secondKillAt).length).toBeGreaterThan(0);
    // Every write that resolved is in the store (and the transaction's other write with it).
    const streams = resolved.filter((o) => o.kind !== 'session').map((o) => o.key);
    const stored = await db.query<{ stream_id: string }>(
      'SELECT DISTINCT stream_id FROM eventstore.events WHERE stream_id = ANY($1)',
      [streams],
    );
    expect(new Set(stored.map((r) => r.stream_id))).toEqual(new Set(streams));
    const probes = await db.query<{ id: string }>('SELECT id FROM probe');
    const probeIds = new Set(probes.map((r) => r.id));
    for (const o of resolved.filter((r) => r.kind === 'transaction')) expect(probeIds.has(o.key)).toBe(true);
  });

  it('answers DatabaseUnavailableError, not a crash, when an idle pooled connection was cut', async () => {
    await db.query('SELECT 1');
    expect(await terminateAll()).toBeGreaterThan(0);
    await sleep(100);
    // The idle client was dropped by the pool; the next statement opens a new connection.
    await expect(db.query<{ one: number }>('SELECT 1 AS one')).resolves.toEqual([{ one: 1 }]);
    expect(escaped).toEqual([]);
  });
});
