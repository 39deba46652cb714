import { setTimeout as sleep } from 'node:timers/promises';
import { postgresDatabase, type SqlDatabase } from '@carenet/eventsourcing';

/** Server-side time of a PL/pgSQL function, from pg_stat_user_functions. */
export interface FunctionStats {
  readonly calls: number;
  /** Mean time per call, in ms, including the statements it runs. */
  readonly meanMs: number;
}

/**
 * Closes `db` (its sessions flush their statistics as they end), then reads the function's
 * statistics from a new session. Null when the server did not track it.
 */
export async function closeAndReadFunctionStats(
  db: SqlDatabase,
  url: string,
  schema: string,
  name: string,
): Promise<FunctionStats | null> {
  await db.close();
  await sleep(300);
  const reader = postgresDatabase({ connectionString: url, max: 1 });
  try {
    const [row] = await reader.query<{ calls: string; total_time: number }>(
      'SELECT calls::text AS calls, total_time FROM pg_stat_user_functions WHERE schemaname = $1 AND funcname = $2',
      [schema, name],
    );
    if (!row) return null;
    const calls = Number(row.calls);
    return { calls, meanMs: calls === 0 ? Number.NaN : row.total_time / calls };
  } finally {
    await reader.close();
  }
}
