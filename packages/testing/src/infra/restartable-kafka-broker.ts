import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { freeLoopbackPort } from './free-port.js';
import { ensureKafkaJars, isReady } from './kafka-broker.js';
import { repositoryRoot } from './repository-root.js';
import type { RunDirectory } from './run-directory.js';

/**
 * A single-node Kafka broker that fault-injection tests may kill, freeze and start again: same
 * ports, same data dir (start-kafka.sh formats the storage only once), so what the clients
 * knew (addresses, topics, committed offsets) is still true after a restart.
 */
export interface RestartableKafkaBroker {
  /** Bootstrap servers of the broker's own listener, `127.0.0.1:<port>` (no proxy on the way). */
  readonly brokers: string;
  /** The port of the PROXIED listener (what a TCP proxy forwards to), when asked for. */
  readonly proxiedPort: number | undefined;
  readonly version: string;
  /** The JVM's pid while it runs. */
  pid(): number | undefined;
  isRunning(): boolean;
  /** SIGKILL, and wait until the JVM is gone. */
  kill(): Promise<void>;
  /** SIGSTOP: the broker holds every connection open and answers nothing. */
  pause(): void;
  /** SIGCONT. */
  resume(): void;
  /** Starts it again (after `kill`) on the same ports and data, and waits until it is ready. */
  start(): Promise<void>;
  /** Stops it for good (SIGKILL, no wait). */
  stop(): void;
}

export interface RestartableKafkaBrokerOptions {
  /**
   * Adds a second listener (PROXIED) that advertises this port: put a TCP proxy on it, pointing at
   * `proxiedPort`, and the clients that bootstrap through the proxy stay behind it.
   */
  readonly proxiedAdvertisedPort?: number;
  /** Log file name in the run dir (default `kafka.log`). */
  readonly logName?: string;
  readonly readyTimeoutMs?: number;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Starts a broker like `startKafkaBroker`, in `<run>/kafka`, that can be killed and restarted. */
export async function startRestartableKafkaBroker(
  run: RunDirectory,
  log: (line: string) => void,
  options: RestartableKafkaBrokerOptions = {},
): Promise<RestartableKafkaBroker> {
  const lib = ensureKafkaJars(log);
  const brokerPort = await freeLoopbackPort();
  const controllerPort = await freeLoopbackPort();
  const proxiedPort = options.proxiedAdvertisedPort === undefined ? undefined : await freeLoopbackPort();
  const logFile = join(run.path, options.logName ?? 'kafka.log');
  const script = join(repositoryRoot(), 'infra', 'kafka', 'start-kafka.sh');
  const args = [script, lib, join(run.path, 'kafka'), String(brokerPort), String(controllerPort)];
  if (proxiedPort !== undefined) args.push(String(proxiedPort), String(options.proxiedAdvertisedPort));
  const brokers = `127.0.0.1:${brokerPort}`;
  const kafka = new Kafka({
    clientId: 'carenet-test-infra',
    brokers: [brokers],
    logLevel: logLevel.NOTHING,
  });
  const readyTimeoutMs = options.readyTimeoutMs ?? 120_000;
  let child: ChildProcess | undefined;
  let exit: Promise<void> = Promise.resolve();

  async function launch(): Promise<void> {
    const output = createWriteStream(logFile, { flags: 'a' });
    const started = spawn('bash', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    started.stdout.pipe(output);
    started.stderr.pipe(output);
    if (started.pid === undefined) throw new Error('could not start the Kafka broker (bash missing?)');
    // start-kafka.sh execs the JVM, so this pid is the broker's.
    run.registerProcess(started.pid, 'KILL', 'kafka');
    let exited: string | undefined;
    exit = new Promise((resolve) => {
      started.once('exit', (code, signal) => {
        exited = `exited with ${code ?? signal}`;
        resolve();
      });
    });
    started.unref();
    child = started;
    const deadline = Date.now() + readyTimeoutMs;
    for (;;) {
      if (exited !== undefined) {
        throw new Error(`the Kafka broker ${exited}; log:\n${readFileSync(logFile, 'utf8').slice(-4000)}`);
      }
      if (await isReady(kafka)) return;
      if (Date.now() > deadline)
        throw new Error(`the Kafka broker was not ready within ${readyTimeoutMs} ms (${logFile})`);
      await sleep(250);
    }
  }

  await launch();
  const version = /Kafka version: (\S+)/.exec(readFileSync(logFile, 'utf8'))?.[1] ?? 'unknown';
  const running = () => child?.exitCode === null && child.signalCode === null;
  return {
    brokers,
    proxiedPort,
    version,
    pid: () => (running() ? child?.pid : undefined),
    isRunning: running,
    async kill() {
      if (!running()) return;
      child?.kill('SIGCONT');
      child?.kill('SIGKILL');
      await exit;
    },
    pause() {
      child?.kill('SIGSTOP');
    },
    resume() {
      child?.kill('SIGCONT');
    },
    async start() {
      if (running()) throw new Error('the Kafka broker is running: kill it first');
      await launch();
    },
    stop() {
      if (!running()) return;
      child?.kill('SIGCONT');
      child?.kill('SIGKILL');
    },
  };
}
