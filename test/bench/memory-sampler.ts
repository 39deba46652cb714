import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** The most memory this process used while a phase ran, in MiB. */
export interface MemoryPeak {
  readonly rssMb: number;
  readonly heapUsedMb: number;
}

export interface MemorySampler {
  stop(): MemoryPeak;
}

const MB = 1024 * 1024;

// A full collection before each phase, so that a phase's heap peak is not the garbage of the
// previous one. `--expose-gc` set at run time only shows `gc` in contexts created afterwards.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Collects garbage, then samples RSS and used heap every `intervalMs` until stopped. */
export function startMemorySampler(intervalMs = 50): MemorySampler {
  gc();
  let rss = 0;
  let heapUsed = 0;
  const sample = () => {
    const usage = process.memoryUsage();
    rss = Math.max(rss, usage.rss);
    heapUsed = Math.max(heapUsed, usage.heapUsed);
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return { rssMb: rss / MB, heapUsedMb: heapUsed / MB };
    },
  };
}
