import { DomainError, isDatabaseFailure } from './errors.js';
import { silentLogger, type Logger } from './logger.js';

/** What a due-command clock scans for, and what it sends. */
export interface DueCommandClockOptions {
  /** Its name in logs (`overdue clock`). */
  readonly name: string;
  /** The log field of an id (`taskId`). */
  readonly idField: string;
  /** What its commands did, in the log line of a scan that recorded some (`tasks reported overdue`). */
  readonly recorded: string;
  /** Time between two scans. */
  readonly intervalMs: number;
  readonly clock?: () => Date;
  readonly logger?: Logger;
  /** The ids due at `now` (ISO instant), at most a batch: the next scan takes the rest. */
  due(now: string): Promise<readonly string[]>;
  /** Sends the command of one due id; whether it recorded events. */
  send(id: string, now: string): Promise<boolean>;
}

export interface DueCommandClock {
  /** One scan now (or the one running): how many ids had their command record events. */
  tick(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Commands that time makes due, sent from outside the deciders (which never read the clock):
 * every interval, the ids a query finds due get their command, and the decider records each fact
 * once, so a repeated or concurrent scan changes nothing. A domain refusal for one id (it changed
 * since the query) skips that id; any other error ends the scan, logged, and the next interval
 * scans again (a database that is away ends the scan too, with a warning: nothing is skipped).
 * Scans never overlap: a tick during a scan answers with that scan.
 */
export function startDueCommandClock(options: DueCommandClockOptions): DueCommandClock {
  const clock = options.clock ?? (() => new Date());
  const logger = options.logger ?? silentLogger;
  let running: Promise<number> | undefined;

  async function scan(): Promise<number> {
    const now = clock().toISOString();
    let recorded = 0;
    for (const id of await options.due(now)) {
      try {
        recorded += (await options.send(id, now)) ? 1 : 0;
      } catch (error) {
        if (!(error instanceof DomainError) || isDatabaseFailure(error)) throw error;
        logger.info({ [options.idField]: id, reason: error.message }, `${options.name}: skipped`);
      }
    }
    if (recorded > 0) logger.info({ recorded }, `${options.name}: ${options.recorded}`);
    return recorded;
  }

  const tick = (): Promise<number> => {
    running ??= scan().finally(() => {
      running = undefined;
    });
    return running;
  };
  const timer = setInterval(() => {
    tick().catch((error: unknown) => {
      if (isDatabaseFailure(error))
        logger.warn(
          { reason: error.reason, code: error.code, retryInMs: options.intervalMs },
          `${options.name}: database unavailable, scanning again at the next interval`,
        );
      else logger.error({ err: error }, `${options.name}: scan failed`);
    });
  }, options.intervalMs);
  timer.unref();

  return {
    tick,
    async stop() {
      clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
