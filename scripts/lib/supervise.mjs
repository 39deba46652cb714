// Process supervision shared by the bootstrap and the test runner (plain Node, no deps).
//
// A supervised child never outlives its supervisor: signals are forwarded to it, and when the
// supervisor's own parent disappears (for instance `npm` killed with SIGKILL), the supervisor
// notices (its parent pid changes) and terminates the child before exiting. Together with the
// infrastructure watchdog (packages/testing) this leaves no orphaned process behind.

import { constants } from 'node:os';

const FORWARDED = ['SIGINT', 'SIGTERM', 'SIGHUP'];
const KILL_GRACE_MS = 10_000;

/** Terminates `child`: SIGTERM, then SIGKILL if it is still there after the grace period. */
export function terminate(child, signal = 'SIGTERM') {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill(signal);
  setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS).unref();
}

/**
 * Exits this process with the child's status once it ends; forwards signals; kills the child
 * when this process is orphaned. Returns a promise of the exit code for callers that go on.
 */
export function superviseChild(child, { exitWithChild = true } = {}) {
  const forwarders = FORWARDED.map((signal) => {
    const forward = () => terminate(child, signal);
    process.on(signal, forward);
    return [signal, forward];
  });
  const parent = process.ppid;
  const orphanWatch = setInterval(() => {
    if (process.ppid !== parent) {
      process.stderr.write('[carenet] parent process is gone: stopping\n');
      terminate(child, 'SIGTERM');
    }
  }, 1000);
  orphanWatch.unref();
  return new Promise((resolve) => {
    child.on('error', (error) => {
      process.stderr.write(`[carenet] could not start ${child.spawnfile}: ${error.message}\n`);
      resolve(127);
      if (exitWithChild) process.exit(127);
    });
    child.on('exit', (code, signal) => {
      clearInterval(orphanWatch);
      for (const [name, handler] of forwarders) process.off(name, handler);
      const status = code ?? 128 + (signal ? (constants.signals[signal] ?? 1) : 1);
      resolve(status);
      if (exitWithChild) process.exit(status);
    });
  });
}
