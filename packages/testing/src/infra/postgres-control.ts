import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ensurePostgresBinaries,
  pgCtlStartArgs,
  postgresToolCommand,
  registerPostmaster,
} from './postgres-cluster.js';
import type { RunDirectory } from './run-directory.js';

/**
 * Stops and starts again the cluster `startPostgresCluster(run, …)` created in `run`, on the
 * same port and data, for fault-injection tests.
 */
export interface PostgresClusterControl {
  /** `pg_ctl stop -m fast`: every session is cut, the server shuts down cleanly. */
  stopFast(): Promise<void>;
  /** `pg_ctl start` with the options the server last ran with (its `postmaster.opts`). */
  start(): Promise<void>;
  isRunning(): boolean;
}

/**
 * Runs a PostgreSQL tool, as the `postgres` user when we are root; asynchronously, so that what
 * the test runs meanwhile (load, probes) goes on while the server stops or starts.
 */
function runTool(binDir: string, tool: string, args: string[]): Promise<void> {
  const [command, fullArgs] = postgresToolCommand(binDir, tool, args);
  return new Promise((resolve, reject) => {
    const child = spawn(command, fullArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`${tool} failed (${code ?? signal}): ${output}`));
    });
  });
}

/**
 * The server's options after `-D <dir>` from `postmaster.opts` (`/…/postgres "-D" "/…" "-p"
 * "5432" …`), as one `pg_ctl -o` string; values hold no spaces in the test clusters.
 */
function optionsOf(dataDir: string): string {
  const opts = readFileSync(join(dataDir, 'postmaster.opts'), 'utf8');
  const args = [...opts.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1] ?? '');
  const options: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '-D') i += 1;
    else options.push(args[i] ?? '');
  }
  return options.join(' ');
}

export function postgresClusterControl(
  run: RunDirectory,
  log: (line: string) => void,
): PostgresClusterControl {
  const binDir = ensurePostgresBinaries(log);
  const dataDir = join(run.path, 'postgres');
  const socketDir = join(run.path, 'postgres-run');
  if (!existsSync(join(dataDir, 'postmaster.opts')))
    throw new Error(`no PostgreSQL cluster started in ${dataDir}`);
  const options = optionsOf(dataDir);
  const isRunning = () => existsSync(join(dataDir, 'postmaster.pid'));
  return {
    isRunning,
    stopFast() {
      return runTool(binDir, 'pg_ctl', ['-D', dataDir, '-m', 'fast', '-w', '-t', '60', 'stop']);
    },
    async start() {
      await runTool(binDir, 'pg_ctl', pgCtlStartArgs(dataDir, socketDir, options));
      registerPostmaster(run, dataDir);
    },
  };
}
