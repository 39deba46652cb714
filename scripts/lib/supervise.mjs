// Process supervision shared by the bootstrap and the test runner (plain Node, no deps).
//
// A supervised child never outlives its supervisor, and a supervisor does not outlive its
// caller: signals are forwarded to the child, and when the supervisor's parent or grandparent
// disappears (for instance `npm` killed with SIGKILL), the supervisor notices (a pid in its
// ancestry changes), terminates the child and exits. Together with the test-infrastructure
// watchdog (infra/test-watchdog.sh) this leaves no orphaned process behind.
import { readFileSync } from 'node:fs';
import { constants } from 'node:os';

const FORWARDED = ['SIGINT', 'SIGTERM', 'SIGHUP'];
const KILL_GRACE_MS = 10_000;

/** Parent pid of `pid` from /proc, or undefined when it cannot be read (gone, or not Linux). */
function parentOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

/**
 * Our parent and grandparent pids. The grandparent matters because `npm test` runs scripts
 * through `sh -c`, which stays alive when npm itself is killed: what is orphaned then is sh.
 */
function ancestry() {
  return `${process.ppid}/${parentOf(process.ppid) ?? '?'}`;
}

/** Terminates `child`: `signal`, then SIGKILL if it is still there after the grace period. */
export function terminate(child, signal = 'SIGTERM') {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill(signal);
  setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS).unref();
}

/**
 * Resolves with the child's exit status (128 + signal number when killed). This process exits
 * with that status when the child ends if `exitWithChild`, or in any case when the child was
 * stopped because this process was signalled or orphaned (nothing should run after that).
 */
export function superviseChild(child, { exitWithChild = true } = {}) {
  let stopping = false;
  const forwarders = FORWARDED.map((signal) => {
    const forward = () => {
      stopping = true;
      terminate(child, signal);
    };
    process.on(signal, forward);
    return [signal, forward];
  });
  const ancestors = ancestry();
  const orphanWatch = setInterval(() => {
    if (ancestry() !== ancestors) {
      process.stderr.write('[carenet] the process that started this one is gone: stopping\n');
      stopping = true;
      terminate(child, 'SIGTERM');
    }
  }, 1000);
  orphanWatch.unref();
  return new Promise((resolve) => {
    const finish = (status) => {
      clearInterval(orphanWatch);
      for (const [name, handler] of forwarders) process.off(name, handler);
      resolve(status);
      if (exitWithChild || stopping) process.exit(status);
    };
    child.on('error', (error) => {
      process.stderr.write(`[carenet] could not start ${child.spawnfile}: ${error.message}\n`);
      finish(127);
    });
    child.on('exit', (code, signal) => finish(code ?? 128 + (signal ? (constants.signals[signal] ?? 1) : 1)));
  });
}
