import cliProgress from 'cli-progress';
import type { CliIo } from '../cli-io.js';

/** Progress of long work: a bar with rate and ETA on a terminal, nothing elsewhere. */
export interface Progress {
  increment(count: number): void;
  /** A new total (a range that grew while followed). */
  setTotal(total: number): void;
  stop(): void;
}

const SILENT: Progress = { increment: () => undefined, setTotal: () => undefined, stop: () => undefined };

/**
 * A progress bar on the CLI's terminal (stderr), with the rate (events/s) and the ETA; none when
 * stderr is not a terminal, with `--json`, or with `--no-progress`.
 */
export function startProgress(io: CliIo, label: string, total: number, enabled = true): Progress {
  if (!enabled || !io.terminal?.isTTY) return SILENT;
  const started = Date.now();
  let done = 0;
  const bar = new cliProgress.SingleBar(
    {
      stream: io.terminal,
      format: `${label} [{bar}] {percentage}% | {value}/{total} | {rate} ev/s | ETA {eta_formatted}`,
      etaBuffer: 50,
      fps: 5,
      hideCursor: true,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { rate: 0 });
  return {
    increment(count) {
      done += count;
      const seconds = (Date.now() - started) / 1000;
      bar.increment(count, { rate: seconds > 0 ? Math.round(done / seconds) : 0 });
    },
    setTotal(newTotal) {
      bar.setTotal(newTotal);
    },
    stop() {
      bar.stop();
    },
  };
}
