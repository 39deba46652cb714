/** How a reader of the global log paces itself when it finds nothing to read. */
export interface IdlePollOptions {
  /** First pause after a read that found the end of the log (ms, default 50). */
  readonly pollIntervalMs?: number;
  /**
   * Longest pause (ms, default 1,000): while reads keep finding nothing, the pause doubles from
   * `pollIntervalMs` up to this, with ±25% jitter. An append wakes the reader at once whatever the
   * pause (in this process, or from another one through PostgreSQL's LISTEN/NOTIFY), so this
   * bounds only how late the reader sees an append whose signal was lost (listening connection
   * down, a writer that does not notify).
   */
  readonly maxIdleMs?: number;
}

export const DEFAULT_POLL_INTERVAL_MS = 50;
export const DEFAULT_MAX_IDLE_MS = 1_000;

/**
 * The pauses of a reader's loop. A wake (an append was signalled) that comes while the reader
 * reads is kept: the next pause is skipped, since that read may have started before the append
 * committed. So an append is never left waiting for the longest pause.
 */
export interface IdlePoll {
  /** Call before each read: wakes from now on skip the next pause. */
  reading(): void;
  /** Call after a read that found events: the next pause is the shortest again. */
  found(): void;
  /** The pause after a read that found the end of the log; it grows while reads find nothing. */
  idle(): Promise<void>;
  /**
   * A pause of `ms` after a failure (or on standby): cut short by `stop()` only, not by a wake, so
   * that appends do not turn a backoff into a retry storm.
   */
  pause(ms: number): Promise<void>;
  /** Events may have been appended: ends the pause under way (or skips the next one). */
  wake(): void;
  /** Ends the pause under way for good (the loop is stopping). */
  stop(): void;
  /** Whether the reader is in an idle pause (it reached the end of the log). */
  isIdle(): boolean;
}

export function idlePoll(options: IdlePollOptions = {}, random: () => number = Math.random): IdlePoll {
  const shortest = Math.max(1, options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS);
  const longest = Math.max(shortest, options.maxIdleMs ?? DEFAULT_MAX_IDLE_MS);
  let next = shortest;
  let woken = false;
  let stopped = false;
  let idle = false;
  /** Ends the idle pause under way (a wake, a stop). */
  let endPause: (() => void) | undefined;
  /** Ends any pause under way (a stop). */
  let endBackoff: (() => void) | undefined;

  const sleep = (ms: number, wakeable: boolean) =>
    new Promise<void>((resolve) => {
      if ((wakeable && woken) || stopped) {
        resolve();
        return;
      }
      const timer = setTimeout(() => {
        endPause = undefined;
        endBackoff = undefined;
        resolve();
      }, ms);
      const end = () => {
        clearTimeout(timer);
        endPause = undefined;
        endBackoff = undefined;
        resolve();
      };
      if (wakeable) endPause = end;
      endBackoff = end;
    });

  return {
    reading() {
      woken = false;
    },
    found() {
      next = shortest;
    },
    async idle() {
      // ±25% jitter, so that the readers of a process (and of several processes) spread out.
      const pause = Math.min(longest, Math.max(1, Math.round(next * (0.75 + random() * 0.5))));
      next = Math.min(longest, next * 2);
      idle = true;
      try {
        await sleep(pause, true);
      } finally {
        idle = false;
      }
    },
    pause: (ms) => sleep(ms, false),
    wake() {
      woken = true;
      next = shortest;
      endPause?.();
    },
    stop() {
      stopped = true;
      endBackoff?.();
    },
    isIdle: () => idle,
  };
}
