// HAPI FHIR JPA 8.8.0 for `pnpm bench vs-hapi` (issue 21): built from test/bench/hapi (a small Spring
// Boot application, its jars from Maven Central) the way infra/kafka gets the Kafka broker, into a
// cache directory keyed by the sources' hash, then run with Java 17 on a database of the run's
// PostgreSQL cluster.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { freeLoopbackPort, repositoryRoot } from '@carenet/testing';

const sources = join(repositoryRoot(), 'test', 'bench', 'hapi');

/** Where downloaded runtimes are cached between runs (as @carenet/testing caches Kafka's jars). */
function cacheDirectory(): string {
  const explicit = process.env.CARENET_CACHE_DIR;
  if (explicit) return explicit;
  const base = process.env.XDG_CACHE_HOME ?? join(process.env.HOME ?? '/tmp', '.cache');
  return join(base, 'carenet');
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (name === 'target') return [];
      return statSync(path).isDirectory() ? filesUnder(path) : [path];
    });
}

/** Maven, from Debian's packages when missing (as infra/kafka/fetch-kafka.sh installs it). */
function ensureMaven(log: (line: string) => void): void {
  if (spawnSync('mvn', ['-v'], { stdio: 'ignore' }).status === 0) return;
  if (process.getuid?.() !== 0) throw new Error('Maven (mvn) is required: sudo apt-get install -y maven');
  log('hapi: installing Maven from Debian packages (once)');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', 'maven'], { stdio: 'inherit', env });
}

/**
 * The built server: `<dir>/hapi-bench-server-1.0.0.jar` and its dependencies in `<dir>/lib`,
 * built once per version of test/bench/hapi (`mvn -Denforcer.skip=true package
 * dependency:copy-dependencies`, Maven's own cache in ~/.m2).
 */
export function ensureHapiBuilt(log: (line: string) => void): string {
  const hash = createHash('sha256');
  for (const file of filesUnder(sources)) hash.update(file.slice(sources.length)).update(readFileSync(file));
  const dir = join(cacheDirectory(), 'hapi', hash.digest('hex').slice(0, 16));
  if (existsSync(join(dir, '.complete'))) return dir;
  ensureMaven(log);
  log(`hapi: building test/bench/hapi into ${dir} (Maven Central; a few minutes the first time)`);
  const staging = `${dir}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  const build = spawnSync(
    'mvn',
    [
      '-B',
      '-q',
      '-Denforcer.skip=true',
      `-Dhapi.bench.build.dir=${staging}`,
      '-DincludeScope=runtime',
      `-DoutputDirectory=${join(staging, 'lib')}`,
      '-f',
      join(sources, 'pom.xml'),
      'package',
      'dependency:copy-dependencies',
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  if (build.status !== 0) {
    rmSync(staging, { recursive: true, force: true });
    throw new Error(
      `building test/bench/hapi failed (${build.status ?? build.signal}):\n${build.stdout}${build.stderr}`,
    );
  }
  execFileSync('touch', [join(staging, '.complete')]);
  mkdirSync(join(dir, '..'), { recursive: true });
  try {
    renameSync(staging, dir);
  } catch {
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(join(dir, '.complete'))) throw new Error(`could not move the HAPI build to ${dir}`);
  }
  return dir;
}

export interface HapiServer {
  /** `http://127.0.0.1:<port>/fhir`. */
  readonly fhirBase: string;
  readonly pid: number;
  running(): boolean;
  logs(): string;
  stop(): Promise<void>;
}

/** JDBC URL of a `postgres://user@host:port/db` URL. */
function jdbcOf(url: string): { jdbc: string; user: string; password: string } {
  const parsed = new URL(url);
  return {
    jdbc: `jdbc:postgresql://${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}`,
    user: decodeURIComponent(parsed.username || 'postgres'),
    password: decodeURIComponent(parsed.password),
  };
}

/** Starts HAPI on `databaseUrl` (its schema created by Hibernate at start) and waits for /metadata. */
export async function startHapiServer(
  databaseUrl: string,
  log: (line: string) => void,
  { heap = '1g', startWithinMs = 600_000 }: { heap?: string; startWithinMs?: number } = {},
): Promise<HapiServer> {
  const dir = ensureHapiBuilt(log);
  const port = await freeLoopbackPort();
  const { jdbc, user, password } = jdbcOf(databaseUrl);
  const child: ChildProcess = spawn(
    'java',
    [
      `-Xmx${heap}`,
      '-XX:+UseParallelGC',
      '-cp',
      `${join(dir, 'hapi-bench-server-1.0.0.jar')}:${join(dir, 'lib', '*')}`,
      'org.carenet.bench.hapi.HapiBenchServer',
      `--server.port=${port}`,
      '--server.address=127.0.0.1',
      '--server.tomcat.max-keep-alive-requests=-1',
      `--spring.datasource.url=${jdbc}`,
      `--spring.datasource.username=${user}`,
      `--spring.datasource.password=${password}`,
      '--spring.datasource.hikari.maximum-pool-size=10',
      '--logging.level.root=WARN',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let logs = '';
  const keep = (chunk: Buffer) => {
    logs = (logs + chunk.toString()).slice(-200_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const fhirBase = `http://127.0.0.1:${port}/fhir`;
  const started = performance.now();
  const deadline = Date.now() + startWithinMs;
  for (;;) {
    const ended = child.exitCode ?? child.signalCode;
    if (ended !== null) throw new Error(`HAPI exited with ${ended}:\n${logs.slice(-5_000)}`);
    try {
      if ((await fetch(`${fhirBase}/metadata`, { signal: AbortSignal.timeout(5_000) })).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`HAPI did not answer within ${startWithinMs / 1000} s:\n${logs.slice(-5_000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  log(
    `hapi: answering at ${fhirBase} after ${((performance.now() - started) / 1000).toFixed(0)} s (pid ${child.pid})`,
  );
  return {
    fhirBase,
    pid: child.pid ?? 0,
    logs: () => logs,
    running: () => child.exitCode === null && child.signalCode === null,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
