// carenet_eventstore_append_seconds: every append is timed, by stream category and outcome.
import { randomUUID } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Registry } from 'prom-client';
import { ConcurrencyError, PostgresEventStore, pgliteDatabase, type NewEvent } from '../src/index.js';

describe('event store metrics', () => {
  const registry = new Registry();
  let store: PostgresEventStore;

  beforeAll(async () => {
    store = await PostgresEventStore.open(pgliteDatabase(await PGlite.create()), { metrics: registry });
  });
  afterAll(() => store.close());

  it('times appends by category and outcome: appended, duplicate, conflict', async () => {
    const event = (): NewEvent => ({ id: randomUUID(), type: 'TicketOpened', data: {} });
    const first = event();
    await store.append(`Ticket-${randomUUID()}`, [event()], 'no-stream');
    const stream = `Ticket-${randomUUID()}`;
    await store.append(stream, [first], 'no-stream');
    expect((await store.append(stream, [first], 'no-stream')).duplicate).toBe(true);
    await expect(store.append(stream, [event()], 5)).rejects.toBeInstanceOf(ConcurrencyError);
    // Inside a caller's transaction (a consumer's), the same histogram.
    await store.db.transaction((tx) => store.within(tx).append(`Other-${randomUUID()}`, [event()], 'any'));

    const [histogram] = (await registry.getMetricsAsJSON()).filter(
      (m) => m.name === 'carenet_eventstore_append_seconds',
    );
    const count = (category: string, outcome: string) =>
      histogram?.values.find(
        (v) =>
          (v as { metricName?: string }).metricName === 'carenet_eventstore_append_seconds_count' &&
          v.labels.category === category &&
          v.labels.outcome === outcome,
      )?.value;
    expect(count('Ticket', 'appended')).toBe(2);
    expect(count('Ticket', 'duplicate')).toBe(1);
    expect(count('Ticket', 'conflict')).toBe(1);
    expect(count('Other', 'appended')).toBe(1);
  });
});
