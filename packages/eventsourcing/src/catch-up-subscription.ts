import type { Registry } from 'prom-client';
import type { EventStore } from './event-store.js';
import { isDatabaseFailure } from './errors.js';
import { START, type LogPosition, type RecordedEvent } from './events.js';
import { silentLogger, type Logger } from './logger.js';
import { heldBackMonitor } from './held-back-monitor.js';
import { idlePoll } from './idle-poll.js';
import { subscriptionMetrics } from './subscription-metrics.js';

export interface SubscriptionOptions {
  /** Durable name: the checkpoint is stored under it. */
  readonly subscriptionId: string;
  /** Stream categories to follow (default: all). */
  readonly categories?: readonly string[];
  /** Handles a batch, in log order. Throwing retries the batch (the checkpoint stays). */
  readonly handle: (events: readonly RecordedEvent[]) => Promise<void>;
  readonly batchSize?: number;
  /**
   * First pause when caught up (default 50 ms); while reads find nothing it doubles up to
   * `maxIdleMs`. An append wakes it at once: through this store (or any store on the same
   * database object), or from another process through PostgreSQL's LISTEN/NOTIFY.
   */
  readonly pollIntervalMs?: number;
  /** Longest pause when caught up (default 1 s): how late a missed wake-up is made up for. */
  readonly maxIdleMs?: number;
  /** Warn when committed events are held back longer than this (default 5 s). */
  readonly stallWarningMs?: number;
  readonly logger?: Logger;
  readonly metrics?: Registry;
}

export interface RunningSubscription {
  /** Position after the last handled event. */
  readonly position: () => LogPosition;
  /** Resolves once a read that started after this call found the end of the visible log. */
  caughtUp(): Promise<void>;
  /** Reads again now instead of at the next poll. */
  wake(): void;
  /** Since when (epoch ms) reading, handling or checkpointing keeps failing; undefined while it works. */
  failingSince(): number | undefined;
  stop(): Promise<void>;
}

const RETRY_MAX_MS = 5_000;

/**
 * Follows the store's global log from a stored checkpoint: reads a batch, hands it over, then
 * stores the new checkpoint. Delivery is at-least-once (a crash between handle and checkpoint
 * replays the batch): handlers dedupe (inbox) or are idempotent. Any failure (the database away,
 * a handler's error) is logged and retried with backoff, from the checkpoint load on: the loop
 * runs until `stop()`.
 */
export function startSubscription(store: EventStore, options: SubscriptionOptions): RunningSubscription {
  const logger = options.logger ?? silentLogger;
  const metrics = subscriptionMetrics(options.metrics);
  const label = { subscription: options.subscriptionId };
  const batchSize = options.batchSize ?? 500;
  const poll = idlePoll({
    ...(options.pollIntervalMs !== undefined && { pollIntervalMs: options.pollIntervalMs }),
    ...(options.maxIdleMs !== undefined && { maxIdleMs: options.maxIdleMs }),
  });
  const stallWarningMs = options.stallWarningMs ?? 5_000;
  let position: LogPosition = START;
  const state = { running: true };
  // A function, so that the compiler does not narrow a flag that `stop()` changes meanwhile.
  const isRunning = () => state.running;
  // A waiter is answered only by a read that started after it asked: a read already under way
  // may have missed what the caller just appended.
  let caughtUpWaiters: { resolve: () => void; armed: boolean }[] = [];
  const heldBack = heldBackMonitor(store, options.subscriptionId, {
    ...(options.logger && { logger: options.logger }),
    ...(options.metrics && { metrics: options.metrics }),
    stallWarningMs,
  });
  let failures = 0;
  let failingSince: number | undefined;

  async function loop(): Promise<void> {
    let loaded = false;
    while (isRunning()) {
      try {
        if (!loaded) {
          position = (await store.loadCheckpoint(options.subscriptionId)) ?? START;
          loaded = true;
        }
        for (const waiter of caughtUpWaiters) waiter.armed = true;
        poll.reading();
        const batch = await store.readAll(position, {
          ...(options.categories && { categories: options.categories }),
          limit: batchSize,
        });
        if (batch.events.length > 0) {
          await options.handle(batch.events);
          position = batch.next;
          await store.storeCheckpoint(options.subscriptionId, position);
          metrics.events.inc(label, batch.events.length);
          metrics.position.set(label, batch.events.at(-1)?.globalPosition ?? 0);
          failures = 0;
          poll.found();
        }
        failingSince = undefined;
        if (batch.events.length < batchSize) {
          // A caller waiting for the reader to catch up gets a fresh answer; otherwise the last
          // one (at most a second old, shared by the readers of the database) stands.
          const waiting = caughtUpWaiters.some((waiter) => waiter.armed);
          if (await heldBack.check(position, { fresh: waiting })) {
            // Committed events wait behind a transaction: look again soon, not after a long pause.
            poll.found();
          } else {
            for (const waiter of caughtUpWaiters) if (waiter.armed) waiter.resolve();
            caughtUpWaiters = caughtUpWaiters.filter((waiter) => !waiter.armed);
          }
          if (isRunning()) await poll.idle();
        }
      } catch (error) {
        failures += 1;
        failingSince ??= Date.now();
        metrics.failures.inc(label);
        const delay = Math.min(RETRY_MAX_MS, 100 * 2 ** Math.min(failures, 10));
        if (isDatabaseFailure(error))
          logger.warn(
            { ...label, reason: error.reason, code: error.code, retryInMs: delay },
            'subscription: database unavailable; retrying',
          );
        else logger.error({ ...label, err: error, retryInMs: delay }, 'subscription batch failed; retrying');
        if (isRunning()) await poll.pause(delay);
      }
    }
  }

  const wake = () => {
    poll.wake();
  };
  const unwatch = store.watchAppends
    ? store.watchAppends(options.categories, wake)
    : store.onAppended?.(wake);
  const done = loop();
  return {
    position: () => position,
    caughtUp: () =>
      new Promise<void>((resolve) => {
        caughtUpWaiters.push({ resolve, armed: false });
        poll.wake();
      }),
    wake,
    failingSince: () => failingSince,
    async stop() {
      state.running = false;
      poll.stop();
      unwatch?.();
      await done;
    },
  };
}
