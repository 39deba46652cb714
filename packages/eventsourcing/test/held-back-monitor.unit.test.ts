import { describe, expect, it, jest } from '@jest/globals';
import { Registry } from 'prom-client';
import {
  heldBackMonitor,
  START,
  type EventStore,
  type StallDiagnosis,
  type StallDiagnosisOptions,
} from '../src/index.js';

/** A store whose log is held back while `held` is true; counts the questions it is asked. */
function fakeStore() {
  const asked: StallDiagnosisOptions[] = [];
  const state = { held: false };
  const store = {
    diagnoseStall(_from: unknown, options: StallDiagnosisOptions = {}): Promise<StallDiagnosis | null> {
      asked.push(options);
      if (!state.held) return Promise.resolve(null);
      return Promise.resolve({
        blockingTransaction: '42',
        ...(options.identifyBlocker !== false && {
          blocker: { pid: 7, state: 'idle in transaction', since: '', query: 'BEGIN' },
        }),
      });
    },
  } as unknown as EventStore;
  return { store, asked, state };
}

describe('heldBackMonitor', () => {
  it('asks the store at most once per interval, however often a reader checks', async () => {
    jest.useFakeTimers();
    try {
      const { store, asked } = fakeStore();
      const monitor = heldBackMonitor(store, 'reader', { metrics: new Registry() });
      for (let i = 0; i < 100; i++) {
        expect(await monitor.check(START)).toBe(false);
        jest.advanceTimersByTime(50); // a reader polling every 50 ms for 5 s
      }
      expect(asked).toHaveLength(5);
      // A waiter for the reader to catch up gets a fresh answer.
      await monitor.check(START, { fresh: true });
      expect(asked).toHaveLength(6);
      expect(asked.at(-1)).toMatchObject({ maxAgeMs: 0 });
      expect(asked[0]).toMatchObject({ maxAgeMs: 1_000, identifyBlocker: false });
    } finally {
      jest.useRealTimers();
    }
  });

  it('says so while held back (gauge, warning naming the blocker); names it only for the warning', async () => {
    jest.useFakeTimers();
    try {
      const { store, asked, state } = fakeStore();
      const registry = new Registry();
      const warnings: object[] = [];
      const monitor = heldBackMonitor(store, 'reader', {
        metrics: registry,
        stallWarningMs: 2_000,
        logger: { info: () => undefined, error: () => undefined, warn: (details) => warnings.push(details) },
      });
      state.held = true;
      const answers: boolean[] = [];
      for (let i = 0; i < 4; i++) {
        answers.push(await monitor.check(START));
        jest.advanceTimersByTime(1_000);
      }
      expect(answers).toEqual([true, true, true, true]);
      // At 0, 1, 2 and 3 s: the warning is due at 2 s.
      expect(asked.map((o) => o.identifyBlocker)).toEqual([false, false, true, false]);
      expect(warnings).toEqual([
        expect.objectContaining({ subscription: 'reader', blocker: expect.anything() }),
      ]);
      const gauge = await registry.getSingleMetric('carenet_subscription_held_back_seconds')?.get();
      expect(gauge?.values[0]?.value).toBe(3);
      state.held = false;
      expect(await monitor.check(START)).toBe(false);
      const after = await registry.getSingleMetric('carenet_subscription_held_back_seconds')?.get();
      expect(after?.values[0]?.value).toBe(0);
    } finally {
      jest.useRealTimers();
    }
  });
});
