import { eventStoreMigration } from './migrations/0001-event-store.js';
import { appendReturnsRecordedMigration } from './migrations/0002-append-returns-recorded.js';
import { streamOrderedLogMigration } from './migrations/0003-stream-ordered-log.js';
import { projectionRebuildsMigration } from './migrations/0004-projection-rebuilds.js';
import type { SqlDatabase } from './sql-database.js';

/** A versioned schema change. Versions are applied once, in order, each in its transaction. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const EVENT_STORE_MIGRATIONS: readonly Migration[] = [
  eventStoreMigration,
  appendReturnsRecordedMigration,
  streamOrderedLogMigration,
  projectionRebuildsMigration,
];

/**
 * Brings the `eventstore` schema up to date. Safe to run from several processes at once: a
 * transaction-level advisory lock serialises them, and applied versions are recorded.
 */
export async function migrate(
  db: SqlDatabase,
  migrations: readonly Migration[] = EVENT_STORE_MIGRATIONS,
  schema = 'eventstore',
): Promise<number[]> {
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`carenet.migrate.${schema}`]);
    await tx.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await tx.query(
      `CREATE TABLE IF NOT EXISTS ${schema}.migrations (
         version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const rows = await tx.query<{ version: number }>(`SELECT version FROM ${schema}.migrations`);
    const applied = new Set(rows.map((r) => r.version));
    const done: number[] = [];
    for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
      if (applied.has(migration.version)) continue;
      await tx.script(migration.sql);
      await tx.query(`INSERT INTO ${schema}.migrations (version, name) VALUES ($1, $2)`, [
        migration.version,
        migration.name,
      ]);
      done.push(migration.version);
    }
    return done;
  });
}
