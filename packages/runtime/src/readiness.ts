import type { SqlDatabase } from '@carenet/eventsourcing';
import type { ComponentHealth } from '@carenet/messaging';

/** What `/readyz` answers: 200 when every component is ready, 503 with the reasons otherwise. */
export type Readiness =
  | { readonly status: 'ready'; readonly components: readonly ComponentHealth[] }
  | {
      readonly status: 'not-ready';
      readonly reasons: readonly string[];
      readonly components: readonly ComponentHealth[];
    };

/** How long the database may take to answer `SELECT 1` before it counts as unreachable. */
export const DATABASE_PING_TIMEOUT_MS = 2_000;

/**
 * The `database` component: ready when it answers `SELECT 1` within the timeout. Probes that
 * come while one is still waiting share it, so that an unreachable database does not pile up
 * queries in the pool.
 */
export function databaseHealth(
  db: SqlDatabase,
  timeoutMs = DATABASE_PING_TIMEOUT_MS,
): () => Promise<ComponentHealth> {
  let pending: Promise<ComponentHealth> | undefined;
  const ping = async (): Promise<ComponentHealth> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<ComponentHealth>((resolve) => {
      timer = setTimeout(() => {
        resolve({
          name: 'database',
          ready: false,
          reason: `no answer to SELECT 1 within ${timeoutMs} ms`,
        });
      }, timeoutMs);
    });
    const answer = db.query('SELECT 1').then(
      (): ComponentHealth => ({ name: 'database', ready: true }),
      (error: unknown): ComponentHealth => ({
        name: 'database',
        ready: false,
        reason: `SELECT 1 failed: ${databaseErrorSummary(error)}`,
      }),
    );
    try {
      return await Promise.race([answer, timeout]);
    } finally {
      clearTimeout(timer);
    }
  };
  return () => {
    pending ??= ping().finally(() => {
      pending = undefined;
    });
    return pending;
  };
}

/** A database error in a few words (a code and the driver's message; never a statement's data). */
function databaseErrorSummary(error: unknown): string {
  if (!(error instanceof Error)) return 'unknown error';
  const code = 'code' in error && typeof error.code === 'string' ? `${error.code} ` : '';
  return `${code}${error.message}`.slice(0, 200);
}

/** The readiness of a process: the database and the background components. */
export async function readiness(
  database: () => Promise<ComponentHealth>,
  components: () => readonly ComponentHealth[],
): Promise<Readiness> {
  const all = [await database(), ...components()];
  const reasons = all
    .filter((component) => !component.ready)
    .map((component) => `${component.name}: ${component.reason ?? 'not ready'}`);
  return reasons.length === 0
    ? { status: 'ready', components: all }
    : { status: 'not-ready', reasons, components: all };
}
