import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDirectory } from './repository-root.js';

/**
 * A Python virtual environment with the packages of `requirementsFile` (pinned versions, from
 * PyPI), created once per requirements content under the carenet cache and reused: what the
 * examples in another language (examples/python-subscriber) run with. Needs `python3` with the
 * `venv` module; says so when it is missing.
 */
export function ensurePythonEnvironment(requirementsFile: string, log: (line: string) => void): string {
  const requirements = readFileSync(requirementsFile);
  const digest = createHash('sha256').update(requirements).digest('hex').slice(0, 16);
  const dir = join(cacheDirectory(), 'python', digest);
  const python = join(dir, 'bin', 'python');
  if (existsSync(join(dir, '.complete'))) return python;
  rmSync(dir, { recursive: true, force: true });
  log(`creating a Python environment with ${requirementsFile} in ${dir} (once)`);
  const run = (command: string, args: string[]) => {
    const result = spawnSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    if (result.error !== undefined || result.status !== 0) {
      throw new Error(
        `${command} ${args.join(' ')} failed (${result.error?.message ?? `exit ${result.status}`}): ` +
          result.stderr.slice(-2000),
      );
    }
  };
  run('python3', ['-m', 'venv', dir]);
  run(python, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '-r', requirementsFile]);
  writeFileSync(join(dir, '.complete'), new Date().toISOString());
  return python;
}
