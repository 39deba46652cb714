// The operator's read-only questions of the store (issue 19): streams, positions by time, counts.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from '@carenet/testing';
import {
  countEventsSql,
  countStreamsSql,
  listCheckpointsSql,
  listStreamsSql,
  logHeadSql,
  logPositionAtTimeSql,
  logPositionBefore,
  logPositionBeforeLastSql,
  logPositionJustBefore,
  logPositionsOfEventsSql,
  PostgresEventStore,
  postgresDatabase,
  START,
  type LogPosition,
} from '../src/index.js';

const event = (n: number) => ({ id: randomUUID(), type: 'Happened', data: { n } });

describe('inspecting the store', () => {
  let database: TestDatabase;
  let store: PostgresEventStore;
  let middle: string;

  beforeAll(async () => {
    database = await createTestDatabase('es-inspect');
    store = await PostgresEventStore.open(postgresDatabase({ connectionString: database.url }));
    await store.append('Order-1', [event(1), event(2)], 'no-stream');
    await store.append('Invoice-1', [event(3)], 'no-stream');
    // A refused append leaves the stream row at -1: not a stream with events.
    await store.append('Order-9', [event(0)], 5).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 20));
    middle = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await store.append('Order-2', [event(4)], 'no-stream');
    await store.append('Order-1', [event(5)], 1);
  });
  afterAll(async () => {
    await store.close();
    await database.drop();
  });

  it('lists streams with events, by category, paged by stream id', async () => {
    const all = await listStreamsSql(store.db);
    expect(all.map((s) => [s.streamId, s.category, s.revision])).toEqual([
      ['Invoice-1', 'Invoice', 0],
      ['Order-1', 'Order', 2],
      ['Order-2', 'Order', 0],
    ]);
    expect(Date.parse(all[1]?.updatedAt ?? '')).toBeGreaterThan(Date.parse(all[1]?.createdAt ?? '') - 1);
    const orders = await listStreamsSql(store.db, { categories: ['Order'], limit: 1 });
    expect(orders.map((s) => s.streamId)).toEqual(['Order-1']);
    const next = await listStreamsSql(store.db, { categories: ['Order'], after: 'Order-1' });
    expect(next.map((s) => s.streamId)).toEqual(['Order-2']);
    expect(await countStreamsSql(store.db)).toBe(3);
    expect(await countStreamsSql(store.db, ['Order'])).toBe(2);
  });

  it('finds where the log stands at an instant', async () => {
    const from = await logPositionAtTimeSql(store.db, middle);
    expect(from).not.toBeNull();
    const after = await store.readAll(from!);
    expect(after.events.map((e) => e.data.n)).toEqual([4, 5]);
    const orders = await logPositionAtTimeSql(store.db, middle, ['Invoice']);
    expect(orders).toBeNull();
    expect(await logPositionAtTimeSql(store.db, '2100-01-01T00:00:00Z')).toBeNull();
    const first = await logPositionAtTimeSql(store.db, '2000-01-01T00:00:00Z');
    expect((await store.readAll(first!)).events).toHaveLength(5);
  });

  it('counts events of a range and finds the head of the log', async () => {
    const { events } = await store.readAll(START);
    expect(await countEventsSql(store.db, START)).toBe(5);
    expect(await countEventsSql(store.db, START, { categories: ['Order'] })).toBe(4);
    const second = events[1]!.logPosition;
    const fourth = events[3]!.logPosition;
    expect(await countEventsSql(store.db, second, { to: fourth })).toBe(2);
    expect(await logHeadSql(store.db)).toBe(events[4]?.logPosition);
    expect(await logHeadSql(store.db, ['Invoice'])).toBe(events[2]?.logPosition);
    expect(await logHeadSql(store.db, ['Nothing'])).toBeNull();
    expect(logPositionBefore(second, fourth)).toBe(true);
    expect(logPositionBefore(fourth, second)).toBe(false);
    expect(logPositionBefore(second, second)).toBe(false);
    expect(logPositionBefore('10:5' as LogPosition, '9:7' as LogPosition)).toBe(false);
  });

  it('finds where the last events of the log start', async () => {
    const lastTwo = await store.readAll(await logPositionBeforeLastSql(store.db, 2));
    expect(lastTwo.events.map((e) => e.data.n)).toEqual([4, 5]);
    const lastOrder = await store.readAll(await logPositionBeforeLastSql(store.db, 1, ['Invoice']));
    expect(lastOrder.events.map((e) => e.data.n)).toEqual([3, 4, 5]);
    expect(await logPositionBeforeLastSql(store.db, 50)).toBe(START);
  });

  it('finds the log positions of events by id, and the position just before one', async () => {
    const { events } = await store.readAll(START);
    const [first, , third] = events;
    const found = await logPositionsOfEventsSql(store.db, [first!.id, third!.id, randomUUID(), 'not-a-uuid']);
    expect([...found]).toEqual([
      [first!.id, first!.logPosition],
      [third!.id, third!.logPosition],
    ]);
    const again = await store.readAll(logPositionJustBefore(third!.logPosition));
    expect(again.events[0]?.id).toBe(third!.id);
  });

  it('lists checkpoints', async () => {
    await store.storeCheckpoint('relay.tasks-relay', '12:34' as LogPosition);
    const checkpoints = await listCheckpointsSql(store.db);
    expect(checkpoints.map((c) => [c.subscriptionId, c.position])).toEqual([['relay.tasks-relay', '12:34']]);
  });
});
