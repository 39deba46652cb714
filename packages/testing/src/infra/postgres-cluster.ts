import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { freeLoopbackPort } from './free-port.js';
import type { RunDirectory } from './run-directory.js';

export interface PostgresCluster {
  /** Superuser URL of the cluster's `postgres` database, on 127.0.0.1. */
  readonly url: string;
  readonly serverVersion: string;
  stop(): void;
}

const DEBIAN_ROOT = '/usr/lib/postgresql';

/** The bin dir of the newest PostgreSQL installed from Debian's packages, if any. */
function findBinDir(): string | undefined {
  if (!existsSync(DEBIAN_ROOT)) return undefined;
  const versions = readdirSync(DEBIAN_ROOT)
    .filter((v) => existsSync(join(DEBIAN_ROOT, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : join(DEBIAN_ROOT, versions[0], 'bin');
}

function isRoot(): boolean {
  return process.getuid?.() === 0;
}

/** How to run a PostgreSQL tool: as the `postgres` user when we are root (initdb refuses root). */
export function postgresToolCommand(binDir: string, tool: string, args: string[]): [string, string[]] {
  return isRoot()
    ? ['runuser', ['-u', 'postgres', '--', join(binDir, tool), ...args]]
    : [join(binDir, tool), args];
}

/** `pg_ctl start` of the cluster in `dataDir` with server `options`, its log in `socketDir`. */
export function pgCtlStartArgs(dataDir: string, socketDir: string, options: string): string[] {
  return ['-D', dataDir, '-w', '-t', '60', '-l', join(socketDir, 'postgres.log'), '-o', options, 'start'];
}

/** Registers the running postmaster of `dataDir` with the run's watchdog; its pid. */
export function registerPostmaster(run: RunDirectory, dataDir: string): number {
  const postmasterPid = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  run.registerProcess(postmasterPid, 'QUIT', 'postgres');
  return postmasterPid;
}

/** Finds PostgreSQL's server binaries, installing Debian's `postgresql` package when missing. */
export function ensurePostgresBinaries(log: (line: string) => void): string {
  const found = findBinDir();
  if (found) return found;
  if (!isRoot()) {
    throw new Error(
      'PostgreSQL server binaries are missing (no /usr/lib/postgresql/*/bin/initdb). ' +
        'Install them (sudo apt-get install -y postgresql) or set DATABASE_URL to a server you own.',
    );
  }
  log('installing PostgreSQL from Debian packages (apt-get install postgresql, once)');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'postgresql'], {
    stdio: 'inherit',
    env,
  });
  const installed = findBinDir();
  if (!installed)
    throw new Error('apt-get installed postgresql but no initdb was found under /usr/lib/postgresql');
  return installed;
}

/** Runs a PostgreSQL tool, as the `postgres` user when we are root (initdb refuses root). */
function runTool(binDir: string, tool: string, args: string[]): void {
  const [command, fullArgs] = postgresToolCommand(binDir, tool, args);
  const result = spawnSync(command, fullArgs, { encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`${tool} failed (${result.status ?? result.signal}): ${result.stderr || result.stdout}`);
  }
}

/**
 * Starts a throwaway PostgreSQL cluster on a free loopback port, tuned for tests (no fsync).
 * Its postmaster is registered with the run's watchdog, so it never outlives the test run.
 */
export async function startPostgresCluster(
  run: RunDirectory,
  log: (line: string) => void,
): Promise<PostgresCluster> {
  const binDir = ensurePostgresBinaries(log);
  const dataDir = join(run.path, 'postgres');
  // Socket and server log live in a folder the postgres user owns (it cannot write elsewhere).
  const socketDir = join(run.path, 'postgres-run');
  for (const dir of [dataDir, socketDir]) {
    mkdirSync(dir, { mode: 0o700 });
    if (isRoot()) {
      const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
      const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
      chownSync(dir, uid, gid);
    }
  }
  runTool(binDir, 'initdb', [
    '-D',
    dataDir,
    '-U',
    'postgres',
    '-A',
    'trust',
    '--no-sync',
    '-E',
    'UTF8',
    '--locale=C',
  ]);
  const port = await freeLoopbackPort();
  const options = [
    `-p ${port}`,
    `-k ${socketDir}`,
    '-c listen_addresses=127.0.0.1',
    '-c fsync=off',
    '-c synchronous_commit=off',
    '-c full_page_writes=off',
    '-c max_connections=300',
    '-c shared_buffers=256MB',
  ].join(' ');
  runTool(binDir, 'pg_ctl', pgCtlStartArgs(dataDir, socketDir, options));
  const postmasterPid = registerPostmaster(run, dataDir);
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
  await client.end();
  return {
    url,
    serverVersion: rows[0]?.server_version ?? 'unknown',
    stop() {
      try {
        runTool(binDir, 'pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
      } catch {
        process.kill(postmasterPid, 'SIGKILL');
      }
    },
  };
}
