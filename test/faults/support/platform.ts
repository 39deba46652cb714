// The system under fault: its own PostgreSQL cluster and Kafka broker (the suite kills and
// restarts them, so it cannot share the integration tier's), a TCP proxy between the gateway and
// Kafka, and the gateway as a separate process (built output, as `npm start` runs it).
import type { ChildProcess } from 'node:child_process';
import { copyFileSync, createWriteStream, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { TASK_PROGRESS_GROUP } from '@carenet/care-plans';
import { CARE_PLAN_ACTIONS_GROUP } from '@carenet/tasks';
import { postgresDatabase, type SqlDatabase } from '@carenet/eventsourcing';
import {
  createRunDirectory,
  devToken as gatewayDevToken,
  freeLoopbackPort,
  postgresClusterControl,
  reapAbandonedRuns,
  requireGatewayBuilt,
  spawnGateway,
  startPostgresCluster,
  startRestartableKafkaBroker,
  startTcpProxy,
  type PostgresCluster,
  type PostgresClusterControl,
  type RestartableKafkaBroker,
  type RunDirectory,
  type TcpProxy,
  waitForHealthy,
} from '@carenet/testing';

/** The topics of the gateway's relays. */
export const TOPICS = ['carenet.tasks', 'carenet.care-plans'] as const;
/** The gateway's consumer groups: tasks → plans, plans → tasks. */
export const CONSUMER_GROUPS = [TASK_PROGRESS_GROUP, CARE_PLAN_ACTIONS_GROUP] as const;

export const say = (line: string): void => {
  process.stderr.write(`[faults] ${line}\n`);
};

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export interface FaultPlatform {
  readonly run: RunDirectory;
  readonly postgres: PostgresCluster;
  readonly postgresControl: PostgresClusterControl;
  readonly kafka: RestartableKafkaBroker;
  /** Between the gateway and Kafka: the gateway's KAFKA_BROKERS, advertised by the broker. */
  readonly kafkaProxy: TcpProxy;
  /** The gateway's HTTP port, the same for every gateway process (tokens name it). */
  readonly gatewayPort: number;
  /** The gateway's data dir (the dev issuer's keys), shared by every gateway process. */
  readonly gatewayDataDir: string;
  /** A fresh database of the cluster, for one scenario. */
  createDatabase(name: string): Promise<string>;
  /** Stops everything and removes the run dir; with `keepLogsIn`, copies its logs there first. */
  teardown(keepLogsIn?: string): Promise<void>;
}

/** Starts PostgreSQL, then the Kafka broker and its proxy, in a run dir of their own. */
export async function startFaultPlatform(): Promise<FaultPlatform> {
  requireGatewayBuilt();
  reapAbandonedRuns(say);
  const run = createRunDirectory();
  const started = Date.now();
  const proxyPort = await freeLoopbackPort();
  const [postgres, kafka] = await Promise.all([
    startPostgresCluster(run, say),
    startRestartableKafkaBroker(run, say, { proxiedAdvertisedPort: proxyPort }),
  ]);
  const kafkaProxy = await startTcpProxy({ port: proxyPort, targetPort: kafka.proxiedPort ?? 0 });
  await createTopics(kafka.brokers);
  const gatewayDataDir = join(run.path, 'gateway-data');
  mkdirSync(gatewayDataDir);
  say(
    `PostgreSQL ${postgres.serverVersion} at ${postgres.url}, Kafka ${kafka.version} at ${kafka.brokers} ` +
      `(the gateway's listener behind the proxy ${kafkaProxy.address}), ` +
      `started in ${((Date.now() - started) / 1000).toFixed(1)} s, run dir ${run.path}`,
  );
  return {
    run,
    postgres,
    postgresControl: postgresClusterControl(run, say),
    kafka,
    kafkaProxy,
    gatewayPort: await freeLoopbackPort(),
    gatewayDataDir,
    async createDatabase(name) {
      const admin = adminDatabase(postgres.url);
      try {
        await admin.query(`CREATE DATABASE ${name}`);
      } finally {
        await admin.close();
      }
      const url = new URL(postgres.url);
      url.pathname = `/${name}`;
      return url.toString();
    },
    async teardown(keepLogsIn) {
      if (keepLogsIn !== undefined) {
        mkdirSync(keepLogsIn, { recursive: true });
        for (const name of readdirSync(run.path).filter((n) => n.endsWith('.log')))
          copyFileSync(join(run.path, name), join(keepLogsIn, name));
        const postgresLog = join(run.path, 'postgres-run', 'postgres.log');
        if (existsSync(postgresLog)) copyFileSync(postgresLog, join(keepLogsIn, 'postgres.log'));
        say(`logs kept in ${keepLogsIn}`);
      }
      await kafkaProxy.stop();
      kafka.stop();
      postgres.stop();
      run.remove();
    },
  };
}

/**
 * The topics the gateway publishes to and reads, created up front as a deployment would (a
 * gateway started on a broker without them may fail to subscribe while they are being created).
 */
async function createTopics(brokers: string): Promise<void> {
  const admin = new Kafka({
    clientId: 'carenet-faults',
    brokers: [brokers],
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  try {
    await admin.createTopics({
      waitForLeaders: true,
      topics: [...TOPICS, ...CONSUMER_GROUPS.map((group) => `${group}.dlq`)].map((topic) => ({
        topic,
        numPartitions: 3,
        replicationFactor: 1,
      })),
    });
  } finally {
    await admin.disconnect();
  }
}

/** A small pool of the suite's own (application_name `carenet-faults`, not the service's). */
export function adminDatabase(url: string): SqlDatabase {
  return postgresDatabase({
    connectionString: url,
    max: 2,
    applicationName: 'carenet-faults',
    prepareStatements: false,
  });
}

export interface GatewayProcess {
  readonly base: string;
  readonly pid: number;
  /** Why it exited, once it did. */
  exitReason(): string | undefined;
  /** The last lines it wrote (for failure messages). */
  tail(): string;
  kill(signal: NodeJS.Signals): void;
  /** Resolves when the process has exited. */
  readonly exited: Promise<void>;
  /** SIGTERM, then SIGKILL after 10 s. */
  stop(): Promise<void>;
}

const gatewayBase = (platform: FaultPlatform) => `http://127.0.0.1:${platform.gatewayPort}`;

/** Starts the gateway (embedded services on PostgreSQL, relays to Kafka through the proxy). */
export async function startGateway(
  platform: FaultPlatform,
  databaseUrl: string,
  logName: string,
): Promise<GatewayProcess> {
  const child: ChildProcess = spawnGateway({
    PORT: String(platform.gatewayPort),
    CARENET_DATA_DIR: platform.gatewayDataDir,
    DATABASE_URL: databaseUrl,
    KAFKA_BROKERS: platform.kafkaProxy.address,
    CARENET_LOG_LEVEL: process.env.CARENET_FAULTS_GATEWAY_LOG_LEVEL ?? 'info',
    // A relay unable to publish for 5 s makes /readyz say so (the faults last 10 to 35 s).
    CARENET_READY_RELAY_STALL_MS: '5000',
  });
  if (child.pid === undefined) throw new Error('could not start the gateway');
  platform.run.registerProcess(child.pid, 'KILL', 'gateway');
  const log = createWriteStream(join(platform.run.path, logName), { flags: 'a' });
  let tail = '';
  const keep = (chunk: Buffer) => {
    log.write(chunk);
    tail = (tail + chunk.toString()).slice(-3000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let reason: string | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      reason = `exited with ${code ?? signal}`;
      resolve();
    });
  });
  const base = gatewayBase(platform);
  await waitForHealthy(base, child, { timeoutMs: 60_000, output: () => tail });
  return {
    base,
    pid: child.pid,
    exitReason: () => reason,
    tail: () => tail,
    kill: (signal) => {
      if (reason === undefined) child.kill(signal);
    },
    exited,
    async stop() {
      if (reason !== undefined) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
      log.end();
    },
  };
}

/** A token of the gateway's dev issuer, from `carenet token <args>`. */
export function devToken(platform: FaultPlatform, ...args: string[]): string {
  return gatewayDevToken({ base: gatewayBase(platform), dataDir: platform.gatewayDataDir }, ...args);
}
