// The garbage collector's pauses of this process over a phase (node:perf_hooks `gc` entries):
// how often the main thread stopped, for how long in all, and the longest stop. A long pause
// holds every request in flight, so it shows in the p99 of all of them.
import { PerformanceObserver, constants } from 'node:perf_hooks';

export interface GcPauses {
  /** Every pause (incremental marking and weak callbacks too). */
  readonly count: number;
  /** Pauses of the young generation (scavenges). */
  readonly minor: number;
  /** Pauses of the whole heap (mark-compact, its finalisation included). */
  readonly major: number;
  /** Main-thread time in pauses, ms. */
  readonly totalMs: number;
  /** The longest pause, ms. */
  readonly maxMs: number;
}

export interface GcPauseRecorder {
  stop(): GcPauses;
}

/** Starts recording the pauses; `stop` gives them and stops. */
export function recordGcPauses(): GcPauseRecorder {
  let count = 0;
  let minor = 0;
  let major = 0;
  let totalMs = 0;
  let maxMs = 0;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      count += 1;
      const kind = (entry as { readonly detail?: { readonly kind?: number } | null }).detail?.kind;
      if (kind === constants.NODE_PERFORMANCE_GC_MINOR) minor += 1;
      else if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) major += 1;
      totalMs += entry.duration;
      maxMs = Math.max(maxMs, entry.duration);
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  return {
    stop() {
      observer.disconnect();
      return { count, minor, major, totalMs, maxMs };
    },
  };
}

/** One line: `312 pauses (300 minor, 2 major), 410 ms in all (1.4% of 30 s), longest 12.3 ms`. */
export function gcPausesLine(gc: GcPauses, seconds: number): string {
  const other = gc.count - gc.minor - gc.major;
  return (
    `${gc.count.toLocaleString('en-US')} GC pauses (${gc.minor} minor, ${gc.major} major${other > 0 ? `, ${other} other` : ''}), ` +
    `${Math.round(gc.totalMs)} ms in all (${(seconds > 0 ? gc.totalMs / 10 / seconds : 0).toFixed(1)}% of ${Math.round(seconds)} s), ` +
    `longest ${gc.maxMs.toFixed(1)} ms`
  );
}
