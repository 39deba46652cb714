/** What `pnpm bench [--quick] [filter]` asked for. */
export interface BenchOptions {
  /** Smaller sizes and shorter runs (a quick look, not figures to compare). */
  readonly quick: boolean;
  /** Run only the benchmarks whose name contains this text. */
  readonly filter: string | undefined;
}

export const USAGE = 'usage: pnpm bench [--quick] [name filter]';

export class BenchUsageError extends Error {
  constructor(message: string) {
    super(`${message}\n${USAGE}`);
    this.name = 'BenchUsageError';
  }
}

export function parseBenchOptions(args: readonly string[]): BenchOptions {
  let quick = false;
  const positional: string[] = [];
  for (const arg of args) {
    if (arg === '--quick') quick = true;
    else if (arg === '--') continue;
    else if (arg.startsWith('-')) throw new BenchUsageError(`unknown option "${arg}"`);
    else positional.push(arg);
  }
  if (positional.length > 1) throw new BenchUsageError(`one filter at most (got ${positional.join(', ')})`);
  return { quick, filter: positional[0] };
}
