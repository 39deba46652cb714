import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { freeLoopbackPort } from './free-port.js';
import { cacheDirectory, repositoryRoot } from './repository-root.js';
import type { RunDirectory } from './run-directory.js';

export interface KafkaBroker {
  /** Bootstrap servers, `127.0.0.1:<port>`. */
  readonly brokers: string;
  /** The version the running broker reports ("Kafka version: …" in its log). */
  readonly version: string;
  stop(): void;
}

const READY_TIMEOUT_MS = 120_000;

/** The jars of infra/kafka/pom.xml, resolved once per pom content and cached between runs. */
export function ensureKafkaJars(log: (line: string) => void): string {
  const kafkaDir = join(repositoryRoot(), 'infra', 'kafka');
  const digest = createHash('sha256')
    .update(readFileSync(join(kafkaDir, 'pom.xml')))
    .digest('hex')
    .slice(0, 16);
  const lib = join(cacheDirectory(), 'kafka', digest, 'lib');
  if (!existsSync(join(lib, '.complete')))
    log(`resolving Apache Kafka jars from Maven Central into ${lib} (once)`);
  const result = spawnSync('bash', [join(kafkaDir, 'fetch-kafka.sh'), lib], { stdio: 'inherit' });
  if (result.status !== 0)
    throw new Error(`could not resolve the Kafka jars (fetch-kafka.sh exited ${result.status})`);
  return lib;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Ready = the metadata call succeeds and the group and producer-id coordinators answer (the
 * first consumer group and the first idempotent producer otherwise meet "coordinator loading").
 */
export async function isReady(kafka: Kafka): Promise<boolean> {
  const admin = kafka.admin();
  const producer = kafka.producer({ idempotent: true, retry: { retries: 1, initialRetryTime: 50 } });
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    if (cluster.brokers.length === 0) return false;
    await admin.fetchOffsets({ groupId: 'carenet-test-infra-readiness' });
    await producer.connect();
    return true;
  } catch {
    return false;
  } finally {
    await producer.disconnect().catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
  }
}

/** A SCRAM user of a secured broker: a principal `User:<name>`. */
export interface KafkaScramUser {
  readonly name: string;
  readonly password: string;
}

export interface KafkaBrokerOptions {
  /**
   * The secured mode (issue 20): SASL on every listener, these users' SCRAM-SHA-512/256
   * credentials, ACLs enforced. The first user is the broker's own principal and the only super
   * user (it creates topics and grants ACLs). Absent: plaintext, anonymous, no ACLs.
   */
  readonly scramUsers?: readonly KafkaScramUser[];
  /** The name of its data dir and log in the run directory (default `kafka`). */
  readonly name?: string;
}

/**
 * Starts a single-node Apache Kafka broker (KRaft combined mode) on free loopback ports with
 * the system Java, and waits until an admin metadata call succeeds.
 */
export async function startKafkaBroker(
  run: RunDirectory,
  log: (line: string) => void,
  options: KafkaBrokerOptions = {},
): Promise<KafkaBroker> {
  const lib = ensureKafkaJars(log);
  const brokerPort = await freeLoopbackPort();
  const controllerPort = await freeLoopbackPort();
  const name = options.name ?? 'kafka';
  const logFile = join(run.path, `${name}.log`);
  const output = createWriteStream(logFile);
  const script = join(repositoryRoot(), 'infra', 'kafka', 'start-kafka.sh');
  const users = options.scramUsers ?? [];
  for (const user of users) {
    if (!/^[\w.-]+$/.test(user.name) || !/^[\w.-]+$/.test(user.password))
      throw new RangeError(
        `a SCRAM user name and password are letters, digits, '.', '-' or '_' (${user.name})`,
      );
  }
  const child = spawn(
    'bash',
    [script, lib, join(run.path, name), String(brokerPort), String(controllerPort)],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        KAFKA_SCRAM_USERS: users.map((u) => `${u.name}:${u.password}`).join(','),
      },
    },
  );
  child.stdout.pipe(output);
  child.stderr.pipe(output);
  if (child.pid === undefined) throw new Error('could not start the Kafka broker (bash missing?)');
  // start-kafka.sh execs the JVM, so this pid is the broker's.
  run.registerProcess(child.pid, 'KILL', 'kafka');
  let exited: string | undefined;
  child.on('exit', (code, signal) => {
    exited = `exited with ${code ?? signal}`;
  });
  child.unref();

  const brokers = `127.0.0.1:${brokerPort}`;
  const admin = users[0];
  const kafka = new Kafka({
    clientId: 'carenet-test-infra',
    brokers: [brokers],
    logLevel: logLevel.NOTHING,
    ...(admin !== undefined && {
      sasl: { mechanism: 'scram-sha-512', username: admin.name, password: admin.password },
    }),
  });
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (exited !== undefined) {
      throw new Error(`the Kafka broker ${exited}; log:\n${readFileSync(logFile, 'utf8').slice(-4000)}`);
    }
    if (await isReady(kafka)) break;
    if (Date.now() > deadline)
      throw new Error(`the Kafka broker was not ready within ${READY_TIMEOUT_MS} ms (${logFile})`);
    await sleep(250);
  }
  const version = /Kafka version: (\S+)/.exec(readFileSync(logFile, 'utf8'))?.[1] ?? 'unknown';
  return {
    brokers,
    version,
    stop() {
      child.kill('SIGKILL');
    },
  };
}
