import type { Registry } from 'prom-client';
import type { EventStore } from './event-store.js';
import type { LogPosition } from './events.js';
import { silentLogger, type Logger } from './logger.js';
import { subscriptionMetrics } from './subscription-metrics.js';

export interface HeldBackCheckOptions {
  /**
   * Ask the database now, even if this reader (or another of the same database) asked less than
   * `checkIntervalMs` ago: for a caller that waits for the reader to have caught up.
   */
  readonly fresh?: boolean;
}

export interface HeldBackMonitor {
  /**
   * Call when a reader of the global log found nothing (more) to read at `position`: tells
   * whether committed events are held back behind a long transaction, sets the
   * `carenet_subscription_held_back_seconds` gauge and warns (with the blocking session) when it
   * lasts longer than the warning threshold. Returns true while held back.
   *
   * The database is asked at most once per `checkIntervalMs` (1 s) per database object, whatever
   * the number of readers and their polling rate: between two questions the last answer stands.
   * Which session blocks (pg_stat_activity) is asked only when a warning names it.
   */
  check(position: LogPosition, options?: HeldBackCheckOptions): Promise<boolean>;
}

export interface HeldBackMonitorOptions {
  readonly logger?: Logger;
  readonly metrics?: Registry;
  /** Warn when committed events are held back longer than this (default 5 s). */
  readonly stallWarningMs?: number;
  /** How often the database is asked at most (default 1 s). */
  readonly checkIntervalMs?: number;
}

export const DEFAULT_HELD_BACK_CHECK_INTERVAL_MS = 1_000;

export function heldBackMonitor(
  store: EventStore,
  reader: string,
  options: HeldBackMonitorOptions = {},
): HeldBackMonitor {
  const logger = options.logger ?? silentLogger;
  const gauge = subscriptionMetrics(options.metrics).heldBackSeconds;
  const label = { subscription: reader };
  const warnAfter = options.stallWarningMs ?? 5_000;
  const interval = options.checkIntervalMs ?? DEFAULT_HELD_BACK_CHECK_INTERVAL_MS;
  let since: number | undefined;
  let lastWarning = 0;
  let askedAt = Number.NEGATIVE_INFINITY;
  let heldBack = false;
  return {
    async check(position, checkOptions = {}) {
      const now = Date.now();
      if (!checkOptions.fresh && now - askedAt < interval) {
        if (since !== undefined) gauge.set(label, (now - since) / 1000);
        return heldBack;
      }
      askedAt = now;
      if (!store.diagnoseStall) return false;
      // Name the blocker only for a warning about to be logged.
      const warnNow = since !== undefined && now - since >= warnAfter && now - lastWarning >= warnAfter;
      const stall = await store.diagnoseStall(position, {
        identifyBlocker: warnNow,
        maxAgeMs: checkOptions.fresh ? 0 : interval,
      });
      if (!stall) {
        if (since !== undefined) logger.info(label, 'reader no longer held back');
        since = undefined;
        heldBack = false;
        gauge.set(label, 0);
        return false;
      }
      heldBack = true;
      since ??= now;
      const seconds = (now - since) / 1000;
      gauge.set(label, seconds);
      if (now - since >= warnAfter && now - lastWarning >= warnAfter) {
        lastWarning = now;
        logger.warn(
          { ...label, heldBackSeconds: seconds, ...stall },
          'reader held back: committed events wait behind a long-running transaction',
        );
      }
      return true;
    },
  };
}
