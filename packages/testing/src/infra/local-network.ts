// The distributed mode on one machine: PostgreSQL and Kafka started the way the tests start them,
// one database per service, every service and the gateway as separate OS processes (started from
// their build output), tokens of a dev issuer whose keys live in the network's data dir. Used by
// `npm run network` (scripts/network.mjs) and the end-to-end tests over separate processes.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { freeLoopbackPort } from './free-port.js';
import { startKafkaBroker, type KafkaBroker } from './kafka-broker.js';
import { startPostgresCluster, type PostgresCluster } from './postgres-cluster.js';
import { repositoryRoot } from './repository-root.js';
import type { RunDirectory } from './run-directory.js';

/** The services of the distributed mode, each its own process and database. */
export const NETWORK_SERVICES = ['tasks', 'care-plans', 'shared-info'] as const;
export type NetworkServiceName = (typeof NETWORK_SERVICES)[number];

/** The dev issuer the network's tokens come from (`carenet token`, with the network's data dir). */
const DEV_ISSUER = 'http://localhost:8080/dev-issuer';

export interface LocalNetworkOptions {
  /** Where PostgreSQL, Kafka and the processes' logs live (a run directory of @carenet/testing). */
  readonly run: RunDirectory;
  /** The dev issuer's keys (created by `carenet token` on first use). */
  readonly dataDir: string;
  readonly log: (line: string) => void;
  /** The gateway's port (default: a free one). */
  readonly gatewayPort?: number;
  /** PostgreSQL and Kafka given (tests share theirs); otherwise started in `run`. */
  readonly databaseUrl?: string;
  readonly kafkaBrokers?: string;
  /**
   * Replicas of each service (default 1): replicas share their service's database and groups; the
   * gateway balances requests across them (`CARENET_SERVICE_<NAME>_URL` names each one).
   */
  readonly replicas?: Partial<Record<NetworkServiceName, number>>;
  /** Prefix of the databases (default `carenet`): `<prefix>_tasks`… */
  readonly databasePrefix?: string;
  /** Drop the services' databases at `stop` (tests on a shared server). */
  readonly dropDatabasesOnStop?: boolean;
  /** Kafka partitions of the topics the services create (default 3). */
  readonly partitions?: number;
  /** More environment for every process (log level…). */
  readonly env?: Readonly<Record<string, string>>;
}

/** One OS process of the network (its output also in `<run dir>/<name>.log`). */
export interface NetworkProcess {
  readonly name: string;
  /** `http://127.0.0.1:<port>` */
  readonly base: string;
  child: ChildProcess;
  /** Everything it wrote (stdout and stderr) since it was started last. */
  logs(): string;
}

export interface LocalNetwork {
  /** The gateway's FHIR base: `http://localhost:<port>/fhir`. */
  readonly fhirBase: string;
  readonly gateway: NetworkProcess;
  /** The replicas of each service. */
  readonly services: Readonly<Record<NetworkServiceName, readonly NetworkProcess[]>>;
  readonly databaseUrls: Readonly<Record<NetworkServiceName, string>>;
  readonly kafkaBrokers: string;
  readonly dataDir: string;
  /** A token of the network's issuer (`carenet token <args>`). */
  token(...args: string[]): string;
  /** Kills one process (SIGKILL by default) and waits for its exit. */
  kill(process: NetworkProcess, signal?: NodeJS.Signals): Promise<void>;
  /** Starts a killed process again, on its port, and waits until it is healthy. */
  restart(process: NetworkProcess): Promise<void>;
  /** Stops every process (SIGTERM), then PostgreSQL and Kafka when the network started them. */
  stop(): Promise<void>;
}

const root = repositoryRoot();
const mainOf = (name: string) => join(root, 'services', name, 'dist', 'src', 'main.js');
const cliMain = join(root, 'packages', 'cli', 'dist', 'src', 'main.js');

function requireBuilt(path: string): void {
  if (!existsSync(path)) throw new Error(`${path} is missing: run \`pnpm build\` first`);
}

async function waitUntilReady(proc: NetworkProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ended = proc.child.exitCode ?? proc.child.signalCode;
    if (ended !== null) throw new Error(`${proc.name} exited with ${ended}:\n${proc.logs()}`);
    try {
      const answer = await fetch(`${proc.base}/readyz`, { signal: AbortSignal.timeout(2_000) });
      if (answer.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline)
      throw new Error(`${proc.name} was not ready within ${timeoutMs / 1000} s:\n${proc.logs()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * Starts the distributed mode on this machine and waits until every process is ready. A process
 * that cannot start stops the whole network, with its output in the error.
 */
export async function startLocalNetwork(options: LocalNetworkOptions): Promise<LocalNetwork> {
  for (const name of [...NETWORK_SERVICES, 'gateway']) requireBuilt(mainOf(name));
  requireBuilt(cliMain);
  const { run, log } = options;
  let postgres: PostgresCluster | undefined;
  let kafka: KafkaBroker | undefined;
  const processes: NetworkProcess[] = [];
  const created: string[] = [];
  let serverUrl = '';
  const stopAll = async () => {
    await Promise.all(processes.map((p) => stopProcess(p, 'SIGTERM')));
    if (options.dropDatabasesOnStop === true && postgres === undefined && created.length > 0) {
      const admin = new pg.Client({ connectionString: serverUrl });
      await admin.connect();
      for (const database of created) await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await admin.end();
    }
    kafka?.stop();
    postgres?.stop();
  };
  try {
    if (options.databaseUrl === undefined || options.kafkaBrokers === undefined) {
      log('starting PostgreSQL and Kafka…');
      [postgres, kafka] = await Promise.all([
        options.databaseUrl === undefined ? startPostgresCluster(run, log) : Promise.resolve(undefined),
        options.kafkaBrokers === undefined ? startKafkaBroker(run, log) : Promise.resolve(undefined),
      ]);
    }
    serverUrl = options.databaseUrl ?? postgres?.url ?? '';
    const kafkaBrokers = options.kafkaBrokers ?? kafka?.brokers ?? '';
    const prefix = options.databasePrefix ?? 'carenet';
    if (!/^[a-z_][a-z0-9_]{0,40}$/.test(prefix))
      throw new RangeError(`a database prefix is lower-case letters, digits and _ (got ${prefix})`);
    const databaseUrls = {} as Record<NetworkServiceName, string>;
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    try {
      for (const service of NETWORK_SERVICES) {
        const database = `${prefix}_${service.replace(/-/g, '_')}`;
        const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
        if (exists.rowCount === 0) {
          await admin.query(`CREATE DATABASE ${database}`);
          created.push(database);
        }
        const url = new URL(serverUrl);
        url.pathname = `/${database}`;
        databaseUrls[service] = url.toString();
      }
    } finally {
      await admin.end();
    }

    const gatewayPort = options.gatewayPort ?? (await freeLoopbackPort());
    const fhirBase = `http://localhost:${gatewayPort}/fhir`;
    mkdirSync(options.dataDir, { recursive: true });
    const token = (...args: string[]): string => {
      const answer = spawnSync(process.execPath, [cliMain, 'token', ...args], {
        env: { PATH: process.env.PATH ?? '', CARENET_DATA_DIR: options.dataDir, PORT: String(gatewayPort) },
        encoding: 'utf8',
      });
      if (answer.status !== 0) throw new Error(`carenet token failed: ${answer.stderr}`);
      return answer.stdout.trim();
    };
    // The issuer's keys: created by the first token, then its public keys are what every process trusts.
    token('--system', 'carenet-network');
    const common: Record<string, string> = {
      CARENET_AUTH_ISSUER: DEV_ISSUER,
      CARENET_AUTH_AUDIENCE: fhirBase,
      CARENET_AUTH_JWKS_FILE: join(options.dataDir, 'dev-issuer', 'jwks.json'),
      CARENET_PUBLIC_BASE_URL: fhirBase,
      CARENET_LOG_LEVEL: 'info',
      ...options.env,
    };
    const topicKey = randomBytes(32).toString('base64url');

    const services = {} as Record<NetworkServiceName, NetworkProcess[]>;
    for (const service of NETWORK_SERVICES) {
      services[service] = [];
      for (let replica = 1; replica <= (options.replicas?.[service] ?? 1); replica++) {
        const port = await freeLoopbackPort();
        const proc = startProcess(`${service}${replica > 1 ? `-${replica}` : ''}`, service, port, {
          ...common,
          DATABASE_URL: databaseUrls[service],
          KAFKA_BROKERS: kafkaBrokers,
          CARENET_TOPIC_PROTECTION_KEY: topicKey,
          CARENET_KAFKA_PARTITIONS: String(options.partitions ?? 3),
        });
        processes.push(proc);
        services[service].push(proc);
      }
    }
    // A service of several replicas: the gateway gets each one's URL, and balances across them.
    const gateway = startProcess('gateway', 'gateway', gatewayPort, {
      ...common,
      CARENET_MODE: 'distributed',
      ...Object.fromEntries(
        NETWORK_SERVICES.map((s) => [
          `CARENET_SERVICE_${s.toUpperCase().replace(/-/g, '_')}_URL`,
          services[s].map((replica) => `${replica.base}/fhir`).join(','),
        ]),
      ),
    });
    processes.push(gateway);
    log(`starting ${processes.length} processes…`);
    await Promise.all(processes.map((p) => waitUntilReady(p, 120_000)));

    return {
      fhirBase,
      gateway,
      services,
      databaseUrls,
      kafkaBrokers,
      dataDir: options.dataDir,
      token,
      kill: (p, signal = 'SIGKILL') => stopProcess(p, signal),
      async restart(p) {
        const started = startProcess(
          p.name,
          serviceOf(p.name),
          Number(new URL(p.base).port),
          envOf.get(p) ?? {},
        );
        p.child = started.child;
        outputs.set(p, outputs.get(started) ?? { text: '' });
        await waitUntilReady(p, 120_000);
      },
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }

  function startProcess(
    name: string,
    main: string,
    port: number,
    env: Record<string, string>,
  ): NetworkProcess {
    const fullEnv = { PATH: process.env.PATH ?? '', PORT: String(port), ...env };
    const child = spawn(process.execPath, ['--enable-source-maps', mainOf(main)], {
      env: fullEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    if (child.pid !== undefined) run.registerProcess(child.pid, 'KILL', name);
    const output = { text: '' };
    const proc: NetworkProcess = {
      name,
      base: `http://127.0.0.1:${port}`,
      child,
      logs: () => outputs.get(proc)?.text ?? '',
    };
    const file = createWriteStream(join(run.path, `${name}.log`), { flags: 'a' });
    const keep = (chunk: Buffer) => {
      file.write(chunk);
      output.text += chunk.toString();
      // Bounded: a long run keeps the last megabyte.
      if (output.text.length > 2_000_000) output.text = output.text.slice(-1_000_000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    outputs.set(proc, output);
    envOf.set(proc, env);
    return proc;
  }
}

const outputs = new WeakMap<NetworkProcess, { text: string }>();
const envOf = new WeakMap<NetworkProcess, Record<string, string>>();

/** `tasks-2` → `tasks`. */
function serviceOf(name: string): string {
  return name.replace(/-\d+$/, '');
}

async function stopProcess(p: NetworkProcess, signal: NodeJS.Signals): Promise<void> {
  const { child } = p;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
