// An optional CPU profile of one phase of a benchmark, in this process (node:inspector): set
// CARENET_BENCH_CPU_PROFILE to a directory, open it in Chrome DevTools or speedscope.
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';

export interface CpuProfile {
  /** Stops profiling and writes `<dir>/<name>.cpuprofile`; returns its path. */
  stop(): Promise<string>;
}

/** Starts profiling when CARENET_BENCH_CPU_PROFILE is set; undefined otherwise. */
export async function startCpuProfile(name: string): Promise<CpuProfile | undefined> {
  const dir = process.env.CARENET_BENCH_CPU_PROFILE;
  if (dir === undefined || dir === '') return undefined;
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  return {
    async stop() {
      const { profile } = await session.post('Profiler.stop');
      session.disconnect();
      mkdirSync(dir, { recursive: true });
      const path = join(dir, `${name}.cpuprofile`);
      writeFileSync(path, JSON.stringify(profile));
      return path;
    },
  };
}
