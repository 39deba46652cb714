import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pgliteDatabase, postgresDatabase, type Logger, type SqlDatabase } from '@carenet/eventsourcing';
import type { GatewayConfig } from './config.js';

/** Where the embedded mode's PGlite database lives, under the data directory. */
export const PGLITE_DIRECTORY = 'pglite';

/**
 * The database of the process: PostgreSQL when `DATABASE_URL` is set, otherwise PGlite
 * (PostgreSQL in WASM) in `<CARENET_DATA_DIR>/pglite`, created on first start. `logger` hears of
 * PostgreSQL connections lost (a restart, a failover); the pool connects anew by itself.
 */
export async function openDatabase(
  config: GatewayConfig,
  logger?: Logger,
): Promise<{ db: SqlDatabase; description: string }> {
  if (config.databaseUrl !== undefined) {
    const url = new URL(config.databaseUrl);
    return {
      db: postgresDatabase({
        connectionString: config.databaseUrl,
        max: config.databasePoolSize,
        prepareStatements: config.databasePrepare,
        ...(logger !== undefined && { logger }),
      }),
      description: `PostgreSQL at ${url.host}${url.pathname}`,
    };
  }
  const directory = join(config.dataDir, PGLITE_DIRECTORY);
  await mkdir(directory, { recursive: true });
  return { db: pgliteDatabase(await PGlite.create(directory)), description: `PGlite in ${directory}` };
}
