import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  appendFileSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
  chmodSync,
} from 'node:fs';
import { join } from 'node:path';
import { repositoryRoot } from './repository-root.js';

/**
 * The folder of one test-infrastructure run: data dirs, logs, and the list of processes to
 * stop. It lives under /tmp (not in the checkout) so that the `postgres` user can reach it
 * even when the checkout is in a private temp dir.
 */
export const RUNS_ROOT = join(process.env.CARENET_TEST_RUNS_DIR ?? '/tmp', 'carenet-test-infra');

export interface RunDirectory {
  readonly path: string;
  /** Records a process the watchdog must stop if the owner dies (`signal` without SIG). */
  registerProcess(pid: number, signal: 'QUIT' | 'TERM' | 'KILL', name: string): void;
  /** Removes the folder; the watchdog then exits by itself. */
  remove(): void;
}

interface OwnerRecord {
  readonly pid: number;
  readonly startTime: string | null;
}

/** The kernel's start time of a process (field 22 of /proc/<pid>/stat): tells pid reuse apart. */
function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

function isAlive(owner: OwnerRecord): boolean {
  const startTime = processStartTime(owner.pid);
  return startTime !== null && (owner.startTime === null || owner.startTime === startTime);
}

function killQuietly(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

/**
 * Stops what earlier runs left behind when their owner was killed before its watchdog could
 * act (or the watchdog itself was killed): their processes are stopped and their folders removed.
 * Runs whose owner is still alive (a concurrent test run) are left alone.
 */
export function reapAbandonedRuns(log: (line: string) => void): void {
  let entries: string[];
  try {
    entries = readdirSync(RUNS_ROOT);
  } catch {
    return;
  }
  for (const entry of entries) {
    const path = join(RUNS_ROOT, entry);
    let owner: OwnerRecord;
    try {
      owner = JSON.parse(readFileSync(join(path, 'owner.json'), 'utf8')) as OwnerRecord;
    } catch {
      owner = { pid: -1, startTime: null };
    }
    if (owner.pid > 0 && isAlive(owner)) continue;
    let processes: string[] = [];
    try {
      processes = readFileSync(join(path, 'processes'), 'utf8').split('\n').filter(Boolean);
    } catch {
      // no process was started
    }
    for (const line of processes) {
      const [pid] = line.split(' ');
      killQuietly(Number(pid), 'SIGKILL');
    }
    rmSync(path, { recursive: true, force: true });
    log(`removed abandoned test infrastructure ${path} (${processes.length} process(es) stopped)`);
  }
}

/**
 * Creates a run folder owned by `ownerPid` (this process unless told otherwise) and starts its
 * watchdog, which stops the registered processes and removes the folder once the owner is gone.
 */
export function createRunDirectory(ownerPid: number = process.pid): RunDirectory {
  mkdirSync(RUNS_ROOT, { recursive: true, mode: 0o755 });
  chmodSync(RUNS_ROOT, 0o755);
  const path = join(RUNS_ROOT, `run-${ownerPid}-${randomBytes(4).toString('hex')}`);
  mkdirSync(path, { mode: 0o755 });
  chmodSync(path, 0o755);
  const owner: OwnerRecord = { pid: ownerPid, startTime: processStartTime(ownerPid) };
  writeFileSync(join(path, 'owner.json'), JSON.stringify(owner));
  writeFileSync(join(path, 'processes'), '');
  const watchdog = spawn(
    'bash',
    [join(repositoryRoot(), 'infra', 'test-watchdog.sh'), String(ownerPid), path],
    {
      detached: true,
      stdio: 'ignore',
    },
  );
  watchdog.unref();
  return {
    path,
    registerProcess(pid, signal, name) {
      appendFileSync(join(path, 'processes'), `${pid} ${signal} ${name}\n`);
    },
    remove() {
      rmSync(path, { recursive: true, force: true });
    },
  };
}
