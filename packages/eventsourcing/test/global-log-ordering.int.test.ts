// Why the global log needs the visibility gate, shown deterministically with two transactions.
//
// T1 appends first (takes the smaller global position) but commits last; T2 appends and commits
// in between. A reader that orders by position alone reads T2's event, moves its checkpoint past
// T1's position, and never sees T1's event. The store's readAll holds T2's event back until T1
// is done, then returns both.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { Registry } from 'prom-client';
import { createTestDatabase, type TestDatabase } from '@carenet/testing';
import {
  PostgresEventStore,
  postgresDatabase,
  START,
  startSubscription,
  type LogPosition,
} from '../src/index.js';

async function appendInOpenTransaction(client: pg.Client, stream: string, type: string): Promise<void> {
  await client.query('BEGIN');
  await client.query(`SELECT * FROM eventstore.append_events($1, 'Gate', 'any', $2::jsonb)`, [
    stream,
    JSON.stringify([{ id: randomUUID(), type, data: {}, metadata: {} }]),
  ]);
}

/** A reader without the gate: position order only, as a naive implementation would do. */
async function naiveRead(client: pg.Client, after: number): Promise<{ type: string; position: number }[]> {
  const { rows } = await client.query<{ event_type: string; global_position: string }>(
    `SELECT event_type, global_position::text AS global_position FROM eventstore.events
      WHERE category = 'Gate' AND global_position > $1 ORDER BY global_position`,
    [after],
  );
  return rows.map((r) => ({ type: r.event_type, position: Number(r.global_position) }));
}

describe('global log ordering under concurrent transactions', () => {
  let database: TestDatabase;
  let store: PostgresEventStore;
  let t1: pg.Client;
  let t2: pg.Client;
  let reader: pg.Client;
  let t1Pid: number;

  beforeAll(async () => {
    database = await createTestDatabase('es-gate');
    store = await PostgresEventStore.open(postgresDatabase({ connectionString: database.url }));
    t1 = new pg.Client({ connectionString: database.url });
    t2 = new pg.Client({ connectionString: database.url });
    reader = new pg.Client({ connectionString: database.url });
    await Promise.all([t1.connect(), t2.connect(), reader.connect()]);
    const { rows } = await t1.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    t1Pid = rows[0]!.pid;
  });
  afterAll(async () => {
    await Promise.all([t1.end(), t2.end(), reader.end()]);
    await store.close();
    await database.drop();
  });

  it('without the gate, a reader skips an event committed late: the race is real', async () => {
    await appendInOpenTransaction(t1, `Gate-${randomUUID()}`, 'Slow');
    await appendInOpenTransaction(t2, `Gate-${randomUUID()}`, 'Fast');
    await t2.query('COMMIT');

    const first = await naiveRead(reader, 0);
    expect(first.map((e) => e.type)).toEqual(['Fast']);
    const checkpoint = first.at(-1)!.position;

    await t1.query('COMMIT');
    const second = await naiveRead(reader, checkpoint);
    // 'Slow' has the smaller position: it is behind the checkpoint and is never delivered.
    expect(second).toEqual([]);
    const everything = await naiveRead(reader, 0);
    expect(everything.map((e) => e.type)).toEqual(['Slow', 'Fast']);
  });

  it('with the gate, readAll holds the later event back until the earlier transaction is done', async () => {
    const { next: start } = await store.readAll(START, { categories: ['Gate'], limit: 1000 });

    await appendInOpenTransaction(t1, `Gate-${randomUUID()}`, 'Slow2');
    await appendInOpenTransaction(t2, `Gate-${randomUUID()}`, 'Fast2');
    await t2.query('COMMIT');

    const whileOpen = await store.readAll(start, { categories: ['Gate'] });
    expect(whileOpen.events).toEqual([]);
    expect(whileOpen.next).toBe(start);
    const stall = await store.diagnoseStall(start);
    expect(stall?.blocker?.pid).toBe(t1Pid);

    await t1.query('COMMIT');
    const after = await store.readAll(start, { categories: ['Gate'] });
    expect(after.events.map((e) => e.type)).toEqual(['Slow2', 'Fast2']);
    expect(await store.diagnoseStall(after.next)).toBeNull();
  });

  it('a subscription held back by a long transaction says so in its logs and metrics', async () => {
    const registry = new Registry();
    const warnings: object[] = [];
    const subscription = startSubscription(store, {
      subscriptionId: `stall-${randomUUID()}`,
      categories: ['Gate'],
      pollIntervalMs: 20,
      stallWarningMs: 200,
      metrics: registry,
      logger: { info: () => undefined, error: () => undefined, warn: (details) => warnings.push(details) },
      handle: () => Promise.resolve(),
    });
    await subscription.caughtUp();
    const before: LogPosition = subscription.position();

    await appendInOpenTransaction(t1, `Gate-${randomUUID()}`, 'Slow3');
    await appendInOpenTransaction(t2, `Gate-${randomUUID()}`, 'Fast3');
    await t2.query('COMMIT');
    const deadline = Date.now() + 10_000;
    while (warnings.length === 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50));
    const gauge = await registry.getSingleMetric('carenet_subscription_held_back_seconds')?.get();
    await t1.query('COMMIT');
    await subscription.caughtUp();
    await subscription.stop();

    expect(warnings[0]).toMatchObject({ blocker: { pid: t1Pid } });
    expect(gauge?.values[0]?.value).toBeGreaterThan(0);
    expect(subscription.position()).not.toBe(before);
  });
});
