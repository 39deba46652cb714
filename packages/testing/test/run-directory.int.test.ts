import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { createRunDirectory, reapAbandonedRuns, RUNS_ROOT } from '../src/index.js';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return condition();
}

function sleeper(): number {
  const child = spawn('sleep', ['600'], { detached: true, stdio: 'ignore' });
  child.unref();
  return child.pid!;
}

describe('test infrastructure cleanup', () => {
  it('the watchdog stops registered processes and removes the run dir when the owner is killed', async () => {
    const owner = spawn('sleep', ['600'], { stdio: 'ignore' });
    const run = createRunDirectory(owner.pid);
    const server = sleeper();
    run.registerProcess(server, 'TERM', 'fake-server');
    expect(isAlive(server)).toBe(true);

    owner.kill('SIGKILL');

    expect(await waitFor(() => !isAlive(server) && !existsSync(run.path), 15_000)).toBe(true);
  });

  it('a normal teardown removes the run dir and leaves the watchdog nothing to do', async () => {
    const run = createRunDirectory();
    const server = sleeper();
    run.registerProcess(server, 'TERM', 'fake-server');
    process.kill(server, 'SIGTERM');
    run.remove();
    expect(existsSync(run.path)).toBe(false);
    expect(await waitFor(() => !isAlive(server), 5_000)).toBe(true);
  });

  it('the next run reaps what a run killed together with its watchdog left behind', () => {
    const path = join(RUNS_ROOT, 'run-abandoned-by-test');
    mkdirSync(path, { recursive: true });
    const server = sleeper();
    // An owner pid that cannot be alive (beyond the kernel's pid_max default).
    writeFileSync(join(path, 'owner.json'), JSON.stringify({ pid: 2 ** 30, startTime: null }));
    writeFileSync(join(path, 'processes'), `${server} KILL fake-server\n`);
    const lines: string[] = [];

    reapAbandonedRuns((line) => lines.push(line));

    expect(existsSync(path)).toBe(false);
    expect(lines.join('\n')).toContain('run-abandoned-by-test');
    return expect(waitFor(() => !isAlive(server), 5_000)).resolves.toBe(true);
  });
});
