import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Calls `fire(i)` for i = 0…count-1 at a steady `perSecond` rate, on schedule even when a call's
 * work is slow (calls do not wait for each other: `fire` starts work and returns). Returns when
 * the last one was fired.
 */
export async function runPaced(
  perSecond: number,
  count: number,
  fire: (index: number) => void,
): Promise<void> {
  const interval = 1000 / perSecond;
  const started = performance.now();
  let fired = 0;
  while (fired < count) {
    const due = Math.min(count, Math.floor((performance.now() - started) / interval) + 1);
    while (fired < due) fire(fired++);
    if (fired < count) await sleep(Math.max(0, started + fired * interval - performance.now()));
  }
}
