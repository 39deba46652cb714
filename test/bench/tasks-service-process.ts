// The Tasks service of the mixed load in its own Node process, as it runs in production: the load's
// HTTP clients stay in the benchmark process, so the service's event loop, CPU and memory are its
// own. The benchmark drives it over IPC (fill, statement profile, phase measures, stop).
import { fork, type ChildProcess } from 'node:child_process';
import type { GcPauses } from './gc-pauses.js';
import type { MemoryPeak } from './memory-sampler.js';
import type { Filled } from './tasks-load-model.js';

/** CPU and event-loop use of a process while a phase runs. */
export interface ProcessLoad {
  /** Cores used (user + system CPU time / wall time). */
  readonly cores: number;
  /** Event-loop utilisation, 0..1. */
  readonly eventLoop: number;
  /** The garbage collector's pauses (measured in the service process). */
  readonly gc?: GcPauses;
}

/** What the service process measured over one phase. */
export interface ServicePhase {
  readonly memory: MemoryPeak;
  readonly load: ProcessLoad;
  /** The statement profile lines (phases started with `profile`). */
  readonly sql: readonly string[];
  /** Where the CPU profile went (CARENET_BENCH_CPU_PROFILE set and `profile` asked). */
  readonly cpuProfile?: string;
}

/** The requests the benchmark sends, and what each answers. */
export interface ServiceCalls {
  fill(total: number): Filled;
  vacuum(): null;
  phaseStart(profile: boolean): null;
  phaseStop(): ServicePhase;
  stop(): null;
}

export type ServiceRequest = {
  [M in keyof ServiceCalls]: {
    readonly id: number;
    readonly method: M;
    readonly args: Parameters<ServiceCalls[M]>;
  };
}[keyof ServiceCalls];

export type ServiceMessage =
  | { readonly kind: 'ready'; readonly origin: string }
  | { readonly kind: 'progress'; readonly line: string }
  | { readonly kind: 'reply'; readonly id: number; readonly value?: unknown; readonly error?: string };

/** What the service process needs: its database, the dev issuer's directory, its pool size. */
export interface ServiceProcessOptions {
  readonly databaseUrl: string;
  readonly dataDir: string;
  readonly pool: number;
  /** With the access decision on, as the gateway wires it (issue 18; default off). */
  readonly access?: boolean;
  readonly progress: (line: string) => void;
}

export interface ServiceProcess {
  /** `http://127.0.0.1:<port>`: FHIR at `/fhir`, a trivial route at `/ping`. */
  readonly origin: string;
  readonly pid: number;
  call<M extends keyof ServiceCalls>(
    method: M,
    ...args: Parameters<ServiceCalls[M]>
  ): Promise<ReturnType<ServiceCalls[M]>>;
  /** Stops it (gracefully, then by force). */
  close(): Promise<void>;
}

/** Forks the service process and waits until it listens. */
export async function startServiceProcess(options: ServiceProcessOptions): Promise<ServiceProcess> {
  const child: ChildProcess = fork(new URL('./tasks-service-child.js', import.meta.url), [], {
    env: {
      ...process.env,
      CARENET_BENCH_DATABASE_URL: options.databaseUrl,
      CARENET_BENCH_DATA_DIR: options.dataDir,
      CARENET_BENCH_POOL: String(options.pool),
      CARENET_BENCH_ACCESS: options.access === true ? '1' : '0',
    },
    execArgv: ['--disable-warning=TimeoutNegativeWarning'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 1;
  let exited: Error | undefined;
  const ready = new Promise<string>((resolve, reject) => {
    child.on('message', (message: ServiceMessage) => {
      switch (message.kind) {
        case 'ready':
          resolve(message.origin);
          break;
        case 'progress':
          options.progress(message.line);
          break;
        case 'reply': {
          const waiting = pending.get(message.id);
          pending.delete(message.id);
          if (message.error !== undefined) waiting?.reject(new Error(`service process: ${message.error}`));
          else waiting?.resolve(message.value);
          break;
        }
      }
    });
    child.once('exit', (code, signal) => {
      exited = new Error(`the service process exited (${signal ?? `code ${code ?? '?'}`})`);
      reject(exited);
      for (const waiting of pending.values()) waiting.reject(exited);
      pending.clear();
    });
  });
  const origin = await ready;
  return {
    origin,
    pid: child.pid ?? 0,
    call(method, ...args) {
      if (exited !== undefined) return Promise.reject(exited);
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
        child.send({ id, method, args });
      });
    },
    async close() {
      if (exited !== undefined) return;
      const gone = new Promise((resolve) => child.once('exit', resolve));
      const id = nextId++;
      child.send({ id, method: 'stop', args: [] });
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await gone;
      clearTimeout(timer);
    },
  };
}
