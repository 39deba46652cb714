import cluster, { type Worker } from 'node:cluster';
import type { ComponentHealth } from '@carenet/messaging';
import { AggregatorRegistry, register as defaultRegistry } from 'prom-client';
import type { MetricsSource } from './http/app.js';

/*
 * With HTTP workers (node:cluster), the relays and consumers run in the background process while
 * the workers serve HTTP. Over the cluster's IPC channel:
 *   - the background process sends its components' health to every worker, every second and at
 *     once when it changes, so that a worker's /readyz tells the truth;
 *   - a scrape gathers the metrics of every process (prom-client's JSON form, one request per
 *     worker) and aggregates them with AggregatorRegistry (counters and histograms summed).
 */

const HEALTH = 'carenet:health';
const METRICS_REQUEST = 'carenet:metrics-request';
const METRICS_RESPONSE = 'carenet:metrics-response';
const SCRAPE_REQUEST = 'carenet:scrape-request';
const SCRAPE_RESPONSE = 'carenet:scrape-response';

/** One process's metrics, as `registry.getMetricsAsJSON()` gives them. */
type MetricsJson = Awaited<ReturnType<typeof defaultRegistry.getMetricsAsJSON>>;
type Message =
  | { type: typeof HEALTH; components: ComponentHealth[] }
  | { type: typeof METRICS_REQUEST; id: number }
  | { type: typeof METRICS_RESPONSE; id: number; metrics?: MetricsJson; error?: string }
  | { type: typeof SCRAPE_REQUEST; id: number }
  | { type: typeof SCRAPE_RESPONSE; id: number; text?: string; error?: string };

function isMessage(value: unknown): value is Message {
  return (
    typeof value === 'object' &&
    value !== null &&
    'type' in value &&
    typeof value.type === 'string' &&
    value.type.startsWith('carenet:')
  );
}

const aliveWorkers = (): Worker[] =>
  Object.values(cluster.workers ?? {}).filter((w): w is Worker => w?.isConnected() === true);

/** What the components of the background process are, as the worker last heard it. */
export const BACKGROUND_PROCESS = 'background process';

/**
 * Background process: sends `health()` to every worker every `intervalMs`, to a worker as soon as
 * it is online, and to all at once when it changes (checked four times a second).
 */
export function shareHealthWithWorkers(health: () => ComponentHealth[], intervalMs = 1_000): () => void {
  let last = '';
  let sentAt = 0;
  const send = (to: readonly Worker[], components: ComponentHealth[]) => {
    for (const worker of to) {
      if (worker.isConnected()) worker.send({ type: HEALTH, components } satisfies Message);
    }
  };
  const tick = () => {
    const components = health();
    const text = JSON.stringify(components);
    if (text !== last || Date.now() - sentAt >= intervalMs) {
      last = text;
      sentAt = Date.now();
      send(aliveWorkers(), components);
    }
  };
  const onOnline = (worker: Worker) => {
    send([worker], health());
  };
  cluster.on('online', onOnline);
  const timer = setInterval(tick, Math.min(250, intervalMs));
  timer.unref();
  return () => {
    clearInterval(timer);
    cluster.off('online', onOnline);
  };
}

/**
 * HTTP worker: the background process's components as last reported, plus a `background process`
 * component, not ready before the first report and when none came for `staleAfterMs` (the process
 * is stuck or gone).
 */
export function healthFromBackgroundProcess(staleAfterMs = 5_000): () => ComponentHealth[] {
  const startedAt = Date.now();
  let last: { components: ComponentHealth[]; at: number } | undefined;
  process.on('message', (message: unknown) => {
    if (isMessage(message) && message.type === HEALTH) {
      last = { components: message.components, at: Date.now() };
    }
  });
  return () => {
    if (last === undefined) {
      const seconds = Math.round((Date.now() - startedAt) / 1000);
      return [
        {
          name: BACKGROUND_PROCESS,
          ready: false,
          reason: `no health report from the background process yet (worker started ${seconds} s ago)`,
        },
      ];
    }
    const age = Date.now() - last.at;
    if (age > staleAfterMs) {
      return [
        {
          name: BACKGROUND_PROCESS,
          ready: false,
          reason: `no health report from the background process for ${Math.round(age / 1000)} s`,
        },
      ];
    }
    return [{ name: BACKGROUND_PROCESS, ready: true }, ...last.components];
  };
}

/**
 * Background process: the metrics of every process, aggregated. Workers that do not answer
 * within `timeoutMs` are left out of this scrape.
 */
export function clusterMetrics(timeoutMs = 3_000): MetricsSource {
  let nextId = 0;
  const pending = new Map<number, { answers: MetricsJson[]; left: Set<number>; done: () => void }>();
  cluster.on('message', (worker, message: unknown) => {
    if (!isMessage(message)) return;
    if (message.type === METRICS_RESPONSE) {
      const request = pending.get(message.id);
      if (request === undefined) return;
      if (message.metrics !== undefined) request.answers.push(message.metrics);
      request.left.delete(worker.id);
      if (request.left.size === 0) request.done();
    } else if (message.type === SCRAPE_REQUEST) {
      // A worker serves /metrics on the main port: it asks for the whole cluster's.
      source.scrape().then(
        (text) => {
          if (worker.isConnected())
            worker.send({ type: SCRAPE_RESPONSE, id: message.id, text } satisfies Message);
        },
        (error: unknown) => {
          if (worker.isConnected())
            worker.send({
              type: SCRAPE_RESPONSE,
              id: message.id,
              error: (error as Error).message,
            } satisfies Message);
        },
      );
    }
  });
  const source: MetricsSource = {
    contentType: defaultRegistry.contentType,
    async scrape() {
      const id = nextId++;
      const workers = aliveWorkers();
      const answers: MetricsJson[] = [];
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          resolve();
        };
        pending.set(id, { answers, left: new Set(workers.map((w) => w.id)), done });
        if (workers.length === 0) done();
        for (const worker of workers) worker.send({ type: METRICS_REQUEST, id } satisfies Message);
      });
      pending.delete(id);
      const own = await defaultRegistry.getMetricsAsJSON();
      return AggregatorRegistry.aggregate([own, ...answers]).metrics();
    },
  };
  return source;
}

/**
 * HTTP worker: answers the background process's requests for this worker's metrics, and gives
 * the `/metrics` of the main port, which asks the background process for the whole cluster's.
 */
export function workerMetrics(timeoutMs = 10_000): MetricsSource {
  let nextId = 0;
  const waiting = new Map<number, (answer: { text?: string; error?: string }) => void>();
  process.on('message', (message: unknown) => {
    if (!isMessage(message)) return;
    if (message.type === METRICS_REQUEST) {
      defaultRegistry.getMetricsAsJSON().then(
        (metrics) => process.send?.({ type: METRICS_RESPONSE, id: message.id, metrics } satisfies Message),
        (error: unknown) =>
          process.send?.({
            type: METRICS_RESPONSE,
            id: message.id,
            error: (error as Error).message,
          } satisfies Message),
      );
    } else if (message.type === SCRAPE_RESPONSE) {
      waiting.get(message.id)?.(message);
    }
  });
  return {
    contentType: defaultRegistry.contentType,
    scrape() {
      const id = nextId++;
      return new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiting.delete(id);
          reject(new Error(`the background process did not answer within ${timeoutMs} ms`));
        }, timeoutMs);
        waiting.set(id, (answer) => {
          clearTimeout(timer);
          waiting.delete(id);
          if (answer.text !== undefined) resolve(answer.text);
          else reject(new Error(answer.error ?? 'no metrics'));
        });
        process.send?.({ type: SCRAPE_REQUEST, id } satisfies Message);
      });
    },
  };
}
