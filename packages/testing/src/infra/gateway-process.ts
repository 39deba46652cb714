// The gateway as a separate process, started from its build output the way `npm start` starts it,
// and the `carenet` CLI next to it: for end-to-end and fault-injection tests.
import { spawn, spawnSync, type ChildProcess, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeLoopbackPort } from './free-port.js';
import { repositoryRoot } from './repository-root.js';

const root = repositoryRoot();
const gatewayMain = join(root, 'services', 'gateway', 'dist', 'src', 'main.js');
const cliMain = join(root, 'packages', 'cli', 'dist', 'src', 'main.js');

function requireBuilt(main: string): void {
  if (!existsSync(main)) throw new Error(`${main} is missing: run \`pnpm build\` first (npm test does)`);
}

/** Throws unless the gateway and the CLI are built (for suites that start servers before them). */
export function requireGatewayBuilt(): void {
  requireBuilt(gatewayMain);
  requireBuilt(cliMain);
}

/**
 * Spawns the gateway with `env` (and PATH, nothing else from this process), its output piped; it
 * does not wait for anything: see `startGatewayProcess`.
 */
export function spawnGateway(env: Record<string, string>): ChildProcess {
  requireBuilt(gatewayMain);
  return spawn(process.execPath, [gatewayMain], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/**
 * Resolves once the gateway at `base` answers `/healthz` with 2xx; throws when `child` exits first
 * or after `timeoutMs`, with `output()` (what it wrote) in the message.
 */
export async function waitForHealthy(
  base: string,
  child: ChildProcess,
  { timeoutMs = 90_000, output = () => '' }: { timeoutMs?: number; output?: () => string } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ended = child.exitCode ?? child.signalCode;
    if (ended !== null) throw new Error(`the gateway exited with ${ended}:\n${output()}`);
    try {
      if ((await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(1_000) })).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline)
      throw new Error(`the gateway was not healthy within ${timeoutMs / 1000} s:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export interface GatewayProcessOptions {
  /** Environment on top of PATH, PORT and CARENET_DATA_DIR. */
  readonly env?: Record<string, string>;
  /** The data dir (the dev issuer's keys, PGlite); the caller's to remove. By default a fresh one, removed by `stop`. */
  readonly dataDir?: string;
  /** Prefix of the fresh data dir's name, under the OS temp dir. */
  readonly dataDirPrefix?: string;
  /** How long it may take to answer `/healthz` (90 s by default: a first start migrates every schema, slow on a loaded machine). */
  readonly healthyWithinMs?: number;
}

export interface RunningGateway {
  readonly child: ChildProcess;
  /** `http://127.0.0.1:<port>`. */
  readonly base: string;
  readonly dataDir: string;
  /** Everything it wrote so far, stdout and stderr. */
  logs(): string;
  /** SIGTERM and its exit (nothing when it has exited), then the fresh data dir removed. */
  stop(): Promise<void>;
}

/** Starts the gateway on a free loopback port and waits until it answers `/healthz`. */
export async function startGatewayProcess(options: GatewayProcessOptions = {}): Promise<RunningGateway> {
  const port = await freeLoopbackPort();
  const ownDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), options.dataDirPrefix ?? 'carenet-gateway-'));
  const child = spawnGateway({ CARENET_DATA_DIR: dataDir, PORT: String(port), ...options.env });
  let logs = '';
  child.stdout?.on('data', (chunk: Buffer) => (logs += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (logs += chunk.toString()));
  const base = `http://127.0.0.1:${port}`;
  await waitForHealthy(base, child, {
    ...(options.healthyWithinMs !== undefined && { timeoutMs: options.healthyWithinMs }),
    output: () => logs,
  });
  return {
    child,
    base,
    dataDir,
    logs: () => logs,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      if (ownDataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** What a gateway's dev issuer needs to sign a token: its URL (for its port) and its data dir. */
export interface DevIssuerOf {
  readonly base: string;
  readonly dataDir: string;
}

/** Runs `carenet token <args>` against the dev issuer of `gateway`. */
export function runCarenetToken(gateway: DevIssuerOf, ...args: string[]): SpawnSyncReturns<string> {
  requireBuilt(cliMain);
  return spawnSync(process.execPath, [cliMain, 'token', ...args], {
    env: {
      PATH: process.env.PATH ?? '',
      CARENET_DATA_DIR: gateway.dataDir,
      PORT: new URL(gateway.base).port,
    },
    encoding: 'utf8',
  });
}

/** A token of the dev issuer of `gateway`, from `carenet token <args>`. */
export function devToken(gateway: DevIssuerOf, ...args: string[]): string {
  const run = runCarenetToken(gateway, ...args);
  if (run.status !== 0) throw new Error(`carenet token failed: ${run.stderr}`);
  return run.stdout.trim();
}
