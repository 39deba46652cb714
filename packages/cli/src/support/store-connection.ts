import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import {
  pgliteDatabase,
  PostgresEventStore,
  postgresDatabase,
  type SqlDatabase,
} from '@carenet/eventsourcing';
import { Option, type Command } from 'commander';
import { CliUsageError, type CliIo } from '../cli-io.js';

/** The options of every verb that reads the store. */
export interface StoreOptions {
  readonly databaseUrl?: string;
  readonly dataDir?: string;
}

/** A store opened by the CLI: the database and the event store on it (no projections, no migration). */
export interface StoreConnection {
  readonly db: SqlDatabase;
  readonly store: PostgresEventStore;
  /** `PostgreSQL at host/db` or `PGlite in <dir>`: for messages. */
  readonly description: string;
  close(): Promise<void>;
}

/** Adds `--database-url` and `--data-dir` to a verb. */
export function withStoreOptions(command: Command): Command {
  return command
    .addOption(
      new Option(
        '--database-url <url>',
        'PostgreSQL of the store (env DATABASE_URL; else the embedded PGlite)',
      ),
    )
    .addOption(
      new Option(
        '--data-dir <dir>',
        'the embedded mode data directory, its PGlite store in pglite/ (env CARENET_DATA_DIR, else ./.carenet); stop the gateway first',
      ),
    );
}

/**
 * Opens the store the services use: PostgreSQL when `--database-url` or `DATABASE_URL` is given,
 * else the embedded PGlite under the data directory. PGlite is a database of one process: the
 * gateway must be stopped while the CLI opens it (two processes on one directory corrupt it).
 * Never migrates: a database without the event store is refused.
 */
export async function openStore(options: StoreOptions, io: CliIo): Promise<StoreConnection> {
  const url = options.databaseUrl ?? nonEmpty(io.env.DATABASE_URL);
  let db: SqlDatabase;
  let description: string;
  if (url !== undefined) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new CliUsageError('the database URL is not a URL (expected postgres://user@host:port/database)');
    }
    description = `PostgreSQL at ${parsed.host}${parsed.pathname}`;
    db = postgresDatabase({
      connectionString: url,
      max: 4,
      applicationName: 'carenet-cli',
      connectionTimeoutMs: 5_000,
    });
  } else {
    const dataDir = resolve(options.dataDir ?? nonEmpty(io.env.CARENET_DATA_DIR) ?? './.carenet');
    const directory = join(dataDir, 'pglite');
    if (!existsSync(join(directory, 'PG_VERSION'))) {
      throw new CliUsageError(
        `no embedded store in ${directory} (give DATABASE_URL or --database-url for PostgreSQL, or --data-dir)`,
      );
    }
    description = `PGlite in ${directory}`;
    db = pgliteDatabase(await PGlite.create(directory));
  }
  try {
    const [row] = await db.query<{ present: boolean }>(
      "SELECT to_regclass('eventstore.events') IS NOT NULL AS present",
    );
    if (!row?.present) throw new CliUsageError(`no carenet event store in ${description}`);
    const store = await PostgresEventStore.open(db, { migrate: false });
    return { db, store, description, close: () => db.close() };
  } catch (error) {
    await db.close().catch(() => undefined);
    throw error;
  }
}

/** Runs `work` on the store and closes it, whatever happens. */
export async function withStore<T>(
  options: StoreOptions,
  io: CliIo,
  work: (connection: StoreConnection) => Promise<T>,
): Promise<T> {
  const connection = await openStore(options, io);
  try {
    return await work(connection);
  } finally {
    await connection.close().catch(() => undefined);
  }
}

export function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
