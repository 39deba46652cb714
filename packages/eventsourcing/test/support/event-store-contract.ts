// The contract every EventStore adapter passes. Each adapter's test file calls
// describeEventStoreContract with a factory giving a fresh, empty store.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  ConcurrencyError,
  DuplicateEventIdError,
  START,
  startSubscription,
  type EventStore,
  type NewEvent,
  type RecordedEvent,
} from '../../src/index.js';

export interface StoreUnderTest {
  readonly store: EventStore;
  cleanup(): Promise<void>;
}

export function newEvent(type: string, data: Record<string, string | number> = {}): NewEvent {
  return { id: randomUUID(), type, data, metadata: { actor: 'urn:test', at: '2026-06-01T10:00:00Z' } };
}

export function describeEventStoreContract(adapter: string, open: () => Promise<StoreUnderTest>): void {
  describe(`EventStore contract: ${adapter}`, () => {
    let subject: StoreUnderTest;
    let store: EventStore;
    // Every test uses its own streams (unique ids), so tests share one store.
    const stream = (category = 'Task') => `${category}-${randomUUID()}`;

    beforeAll(async () => {
      subject = await open();
      store = subject.store;
    });
    afterAll(async () => {
      await subject.cleanup();
    });

    it('appends to a new stream and reads it back in order with everything recorded', async () => {
      const id = stream();
      const events = [newEvent('TaskRequested', { n: 1 }), newEvent('TaskAccepted', { n: 2 })];
      const result = await store.append(id, events, 'no-stream');
      expect(result).toMatchObject({ revision: 1, duplicate: false });
      const read = await store.readStream(id);
      expect(read.map((e) => [e.id, e.type, e.data, e.revision, e.streamId])).toEqual([
        [events[0]!.id, 'TaskRequested', { n: 1 }, 0, id],
        [events[1]!.id, 'TaskAccepted', { n: 2 }, 1, id],
      ]);
      expect(read[0]!.metadata).toEqual({ actor: 'urn:test', at: '2026-06-01T10:00:00Z' });
      expect(read[1]!.globalPosition).toBeGreaterThan(read[0]!.globalPosition);
      expect(Number.isNaN(Date.parse(read[0]!.recordedAt))).toBe(false);
      expect(result.lastGlobalPosition).toBe(read[1]!.globalPosition);
    });

    it('reports the revision of a stream, and null for one that does not exist', async () => {
      const id = stream();
      expect(await store.streamRevision(id)).toBeNull();
      expect(await store.readStream(id)).toEqual([]);
      await store.append(id, [newEvent('A'), newEvent('B'), newEvent('C')], 'no-stream');
      expect(await store.streamRevision(id)).toBe(2);
    });

    it('keeps stream order past revision 9 and the global order across many appends', async () => {
      const id = stream();
      for (let i = 0; i < 12; i++) await store.append(id, [newEvent(`E${i}`)], 'any');
      const read = await store.readStream(id);
      expect(read.map((e) => e.revision)).toEqual([...Array(12).keys()]);
      const positions = read.map((e) => e.globalPosition);
      expect(positions).toEqual([...positions].sort((a, b) => a - b));
    });

    it('reads a slice of a stream by revision', async () => {
      const id = stream();
      await store.append(id, [newEvent('A'), newEvent('B'), newEvent('C'), newEvent('D')], 'no-stream');
      const slice = await store.readStream(id, { fromRevision: 1, toRevision: 2 });
      expect(slice.map((e) => e.type)).toEqual(['B', 'C']);
    });

    it('checks the expected revision: exact, no-stream, stream-exists, any', async () => {
      const id = stream();
      await expect(store.append(id, [newEvent('A')], 'stream-exists')).rejects.toBeInstanceOf(
        ConcurrencyError,
      );
      await expect(store.append(id, [newEvent('A')], 0)).rejects.toBeInstanceOf(ConcurrencyError);
      await store.append(id, [newEvent('A')], 'no-stream');
      await expect(store.append(id, [newEvent('B')], 'no-stream')).rejects.toMatchObject({ actual: 0 });
      await expect(store.append(id, [newEvent('B')], 5)).rejects.toMatchObject({ streamId: id, actual: 0 });
      expect((await store.append(id, [newEvent('B')], 0)).revision).toBe(1);
      expect((await store.append(id, [newEvent('C')], 'stream-exists')).revision).toBe(2);
      expect((await store.append(id, [newEvent('D')], 'any')).revision).toBe(3);
      expect((await store.append(stream(), [newEvent('E')], 'any')).revision).toBe(0);
    });

    it('is idempotent by event id: the same append twice is stored once', async () => {
      const id = stream();
      const events = [newEvent('A'), newEvent('B')];
      const first = await store.append(id, events, 'no-stream');
      const again = await store.append(id, events, 'no-stream');
      expect(again).toEqual({ ...first, duplicate: true });
      expect(await store.readStream(id)).toHaveLength(2);
    });

    it('refuses an event id already used in another stream', async () => {
      const event = newEvent('A');
      await store.append(stream(), [event], 'no-stream');
      await expect(store.append(stream(), [event], 'no-stream')).rejects.toBeInstanceOf(
        DuplicateEventIdError,
      );
    });

    it('is atomic: when one event of an append is refused, none is stored', async () => {
      const id = stream();
      const event = newEvent('A');
      await expect(store.append(id, [newEvent('B'), event, event], 'no-stream')).rejects.toThrow();
      expect(await store.readStream(id)).toEqual([]);
      expect(await store.streamRevision(id)).toBeNull();
    });

    it('reads the global log in batches, after a position, filtered by category', async () => {
      const category = `C${randomUUID().replace(/-/g, '').slice(0, 12)}`;
      const ids = [stream(category), stream(category), stream('Other')];
      for (const [i, id] of ids.entries())
        await store.append(id, [newEvent(`E${i}a`), newEvent(`E${i}b`)], 'no-stream');
      const seen: RecordedEvent[] = [];
      let position = START;
      let batch = await store.readAll(position, { categories: [category], limit: 3 });
      while (batch.events.length > 0) {
        seen.push(...batch.events);
        position = batch.next;
        batch = await store.readAll(position, { categories: [category], limit: 3 });
      }
      expect(batch.next).toBe(position);
      expect(seen.map((e) => e.type)).toEqual(['E0a', 'E0b', 'E1a', 'E1b']);
      const all = await store.readAll(START, { limit: 100_000 });
      const types = all.events.map((e) => e.type);
      expect(types.indexOf('E2a')).toBeGreaterThan(types.indexOf('E1b'));
    });

    it('stores subscription checkpoints', async () => {
      const name = `sub-${randomUUID()}`;
      expect(await store.loadCheckpoint(name)).toBeNull();
      const { next } = await store.readAll(START, { limit: 1 });
      await store.storeCheckpoint(name, next);
      expect(await store.loadCheckpoint(name)).toBe(next);
    });

    it('feeds a catch-up subscription from its checkpoint, filtered by category', async () => {
      const category = `S${randomUUID().replace(/-/g, '').slice(0, 12)}`;
      await store.append(stream(category), [newEvent('Before')], 'no-stream');
      const name = `sub-${randomUUID()}`;
      const seen: string[] = [];
      const subscription = startSubscription(store, {
        subscriptionId: name,
        categories: [category],
        pollIntervalMs: 10,
        handle: (events) => {
          seen.push(...events.map((e) => e.type));
          return Promise.resolve();
        },
      });
      await subscription.caughtUp();
      await store.append(stream(category), [newEvent('After')], 'no-stream');
      await store.append(stream('Noise'), [newEvent('Noise')], 'no-stream');
      subscription.wake();
      await new Promise((resolve) => setTimeout(resolve, 100));
      await subscription.caughtUp();
      await subscription.stop();
      expect(seen).toEqual(['Before', 'After']);

      // Restarted, it resumes after its checkpoint: nothing is delivered twice.
      const again: string[] = [];
      await store.append(stream(category), [newEvent('Later')], 'no-stream');
      const resumed = startSubscription(store, {
        subscriptionId: name,
        categories: [category],
        pollIntervalMs: 10,
        handle: (events) => {
          again.push(...events.map((e) => e.type));
          return Promise.resolve();
        },
      });
      await resumed.caughtUp();
      await resumed.stop();
      expect(again).toEqual(['Later']);
    });
  });
}
