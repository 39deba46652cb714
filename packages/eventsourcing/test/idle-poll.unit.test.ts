import { describe, expect, it, jest } from '@jest/globals';
import { idlePoll } from '../src/index.js';

describe('idlePoll', () => {
  it('doubles the pause while reads find nothing, up to the longest, with ±25% jitter', async () => {
    jest.useFakeTimers();
    try {
      let draw = 0;
      const randoms = [0, 1, 0.5];
      const poll = idlePoll({ pollIntervalMs: 50, maxIdleMs: 1_000 }, () => randoms[draw++ % 3] ?? 0.5);
      const pauses: number[] = [];
      for (let i = 0; i < 8; i++) {
        poll.reading();
        const started = Date.now();
        const pause = poll.idle();
        expect(poll.isIdle()).toBe(true);
        await jest.runOnlyPendingTimersAsync();
        await pause;
        pauses.push(Date.now() - started);
      }
      // 50, 100, 200, 400, 800, then 1,000: times 0.75, 1.25, 1 in turn, never above 1,000.
      expect(pauses).toEqual([38, 125, 200, 300, 1_000, 1_000, 750, 1_000]);
      poll.found();
      poll.reading();
      const started = Date.now();
      const pause = poll.idle();
      await jest.runOnlyPendingTimersAsync();
      await pause;
      expect(Date.now() - started).toBe(50);
    } finally {
      jest.useRealTimers();
    }
  });

  it('a wake while the reader reads skips the next pause, however long', async () => {
    const poll = idlePoll({ pollIntervalMs: 600_000, maxIdleMs: 600_000 });
    poll.reading();
    poll.wake(); // the append committed while the read was under way
    await poll.idle(); // resolves at once: the test would time out otherwise
    poll.reading();
    const pause = poll.idle();
    poll.wake();
    await pause;
    poll.stop();
    await poll.idle();
    expect(poll.isIdle()).toBe(false);
  });

  it("a failure's pause is not cut short by wakes (no retry storm), only by stop()", async () => {
    jest.useFakeTimers();
    try {
      const poll = idlePoll({ pollIntervalMs: 50 });
      poll.wake(); // a wake came before the failure, and during the pause
      let ended = false;
      const pause = poll.pause(1_000).then(() => (ended = true));
      poll.wake();
      await jest.advanceTimersByTimeAsync(999);
      expect(ended).toBe(false);
      await jest.advanceTimersByTimeAsync(1);
      await pause;
      const stopped = poll.pause(60_000);
      poll.stop();
      await stopped; // resolves at once: the test would time out otherwise
    } finally {
      jest.useRealTimers();
    }
  });
});
