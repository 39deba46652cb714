// A closed-loop HTTP load generator (undici): `connections` clients, each sending its next request
// when the previous answer's body is read, for a fixed time. The same for carenet and HAPI
// (`pnpm bench vs-hapi`, issue 21).
import { Pool } from 'undici';

export interface LoadRequest {
  readonly method: 'GET' | 'POST' | 'PUT';
  /** Path and query after the origin. */
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  /** Called with the status and the parsed body (when the caller asked for it). */
  readonly done?: (status: number, body: unknown, etag: string | undefined) => void;
  /** Parse the answer's JSON for `done`. */
  readonly parse?: boolean;
}

export interface LoadResult {
  readonly requests: number;
  readonly seconds: number;
  /** Non-2xx answers and transport errors. */
  readonly failures: number;
  /** A few of the failures (status and body), for the report. */
  readonly failureSamples: string[];
  /** Sorted, ms. */
  readonly latencies: Float64Array;
}

export const quantile = (sorted: Float64Array, q: number): number =>
  sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

/** Runs `next()` requests on `connections` clients for `seconds`; `next` returning undefined ends a client. */
export async function runLoad(
  origin: string,
  connections: number,
  seconds: number,
  next: () => LoadRequest | undefined,
): Promise<LoadResult> {
  const pool = new Pool(origin, { connections, pipelining: 1, keepAliveTimeout: 60_000 });
  const latencies: number[] = [];
  let failures = 0;
  const failureSamples: string[] = [];
  const started = performance.now();
  const end = started + seconds * 1000;
  try {
    await Promise.all(
      Array.from({ length: connections }, async () => {
        while (performance.now() < end) {
          const request = next();
          if (request === undefined) return;
          const sent = performance.now();
          try {
            const answer = await pool.request({
              method: request.method,
              path: request.path,
              ...(request.headers !== undefined && { headers: request.headers }),
              ...(request.body !== undefined && { body: request.body }),
            });
            let body: unknown;
            if (request.parse === true) {
              body = await answer.body.json().catch(() => undefined);
              if (answer.statusCode >= 300 && failureSamples.length < 3)
                failureSamples.push(
                  `${request.method} ${request.path.slice(0, 80)}: ${answer.statusCode} ${JSON.stringify(body).slice(0, 300)}`,
                );
            } else {
              const text = await answer.body.text();
              if (answer.statusCode >= 300 && failureSamples.length < 3)
                failureSamples.push(
                  `${request.method} ${request.path.slice(0, 80)}: ${answer.statusCode} ${text.slice(0, 300)}`,
                );
            }
            latencies.push(performance.now() - sent);
            if (answer.statusCode >= 300) failures += 1;
            const etag = answer.headers.etag;
            request.done?.(answer.statusCode, body, typeof etag === 'string' ? etag : undefined);
          } catch (error) {
            failures += 1;
            if (failureSamples.length < 3)
              failureSamples.push(`${request.method} ${request.path}: ${String(error)}`);
            request.done?.(0, undefined, undefined);
          }
        }
      }),
    );
  } finally {
    await pool.close();
  }
  const measured = (performance.now() - started) / 1000;
  return {
    requests: latencies.length,
    seconds: measured,
    failures,
    failureSamples,
    latencies: Float64Array.from(latencies).sort(),
  };
}
