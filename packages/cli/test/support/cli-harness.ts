import { randomUUID } from 'node:crypto';
import type { NewEvent } from '@carenet/eventsourcing';
import { runCli } from '../../src/index.js';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI in-process with this environment only (no DATABASE_URL unless given). */
export async function carenet(argv: readonly string[], env: Record<string, string> = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env,
  });
  return { code, stdout, stderr };
}

/** The JSON lines of a `--json` output. */
export function jsonLines(stdout: string): Record<string, unknown>[] {
  return stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

const LIFE = ['TaskReceived', 'TaskAccepted', 'TaskStarted', 'TaskPutOnHold', 'TaskResumed'];

/** A Task event valid against its contract (contracts/events/tasks): the `n`th of a Task's life. */
export function taskEvent(taskId: string, n: number): NewEvent {
  return {
    id: randomUUID(),
    type: LIFE[n % LIFE.length] ?? 'TaskReceived',
    data: { taskId, by: { kind: 'system', clientId: 'cli-test' }, at: '2026-12-07T10:00:00.000Z' },
  };
}

/** Polls `probe` until `done` holds (then returns its value) or the timeout passes (returns the last). */
export async function waitFor<T>(
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 90_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
