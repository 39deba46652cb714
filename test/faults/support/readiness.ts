// Polls the gateway's /readyz every 250 ms and keeps every answer (0: no answer at all).
import { sleep } from './platform.js';

export interface ReadinessSample {
  readonly at: number;
  readonly status: number;
}

export interface ReadinessPoller {
  readonly samples: ReadinessSample[];
  /** Whether a 503 was seen between `from` and `to` (ms since the epoch). */
  notReadySeen(from: number, to?: number): boolean;
  /** The last answer. */
  last(): ReadinessSample | undefined;
  /** The first 503 body seen (its reasons), for the report. */
  firstNotReadyBody(): string | undefined;
  /** Answers since `from`, by status (`0`: none within 1 s), and the first body of each non-200. */
  summary(from: number): string;
  stop(): Promise<void>;
}

export function pollReadiness(base: string, intervalMs = 250): ReadinessPoller {
  const samples: ReadinessSample[] = [];
  let firstBody: string | undefined;
  const otherBodies = new Map<number, string>();
  const state = { running: true };
  const done = (async () => {
    while (state.running) {
      const at = Date.now();
      let status = 0;
      try {
        const response = await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(1_000) });
        status = response.status;
        const body = await response.text();
        if (status === 503 && firstBody === undefined) firstBody = body.slice(0, 300);
        if (status !== 200 && status !== 503 && !otherBodies.has(status))
          otherBodies.set(status, body.slice(0, 200));
      } catch {
        status = 0;
      }
      samples.push({ at, status });
      await sleep(Math.max(0, intervalMs - (Date.now() - at)));
    }
  })();
  return {
    samples,
    notReadySeen: (from, to = Number.POSITIVE_INFINITY) =>
      samples.some((s) => s.status === 503 && s.at >= from && s.at <= to),
    last: () => samples.at(-1),
    firstNotReadyBody: () => firstBody,
    summary(from) {
      const counts = new Map<number, number>();
      for (const s of samples) if (s.at >= from) counts.set(s.status, (counts.get(s.status) ?? 0) + 1);
      const statuses = [...counts].map(([status, n]) => `${status}:${n}`).join(' ');
      const others = [...otherBodies].map(([status, body]) => `${status} ${body}`).join('; ');
      return others === '' ? statuses : `${statuses} (${others})`;
    },
    async stop() {
      state.running = false;
      await done;
    },
  };
}
