import type { Registry } from 'prom-client';
import type { EventStore } from './event-store.js';
import type { LogPosition } from './events.js';
import { silentLogger, type Logger } from './logger.js';
import { subscriptionMetrics } from './subscription-metrics.js';

export interface HeldBackMonitor {
  /**
   * Call when a reader of the global log found nothing (more) to read at `position`: tells
   * whether committed events are held back behind a long transaction, sets the
   * `carenet_subscription_held_back_seconds` gauge and warns (with the blocking session) when it
   * lasts longer than the warning threshold. Returns true while held back.
   */
  check(position: LogPosition): Promise<boolean>;
}

export function heldBackMonitor(
  store: EventStore,
  reader: string,
  options: { logger?: Logger; metrics?: Registry; stallWarningMs?: number } = {},
): HeldBackMonitor {
  const logger = options.logger ?? silentLogger;
  const gauge = subscriptionMetrics(options.metrics).heldBackSeconds;
  const label = { subscription: reader };
  const warnAfter = options.stallWarningMs ?? 5_000;
  let since: number | undefined;
  let lastWarning = 0;
  return {
    async check(position) {
      const stall = store.diagnoseStall ? await store.diagnoseStall(position) : null;
      if (!stall) {
        if (since !== undefined) logger.info(label, 'reader no longer held back');
        since = undefined;
        gauge.set(label, 0);
        return false;
      }
      const now = Date.now();
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
