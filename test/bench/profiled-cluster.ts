// A throwaway PostgreSQL cluster of its own for a benchmark that reads pg_stat_statements: the
// extension must be preloaded, which the run's shared cluster is not, and a cluster where only the
// measured process runs makes its /proc CPU that process's cost alone.
import { postgresDatabase } from '@carenet/eventsourcing';
import { createRunDirectory, postgresClusterControl, startPostgresCluster } from '@carenet/testing';

export interface ProfiledCluster {
  /** `postgres://…/postgres` of the cluster (the maintenance database). */
  readonly url: string;
  readonly serverVersion: string;
  /** A database of this cluster with pg_stat_statements installed, by name. */
  createDatabase(name: string): Promise<string>;
  stop(): void;
}

/**
 * Starts a cluster like the run's (fsync off, loopback, watched by the run's watchdog) with
 * pg_stat_statements preloaded (planning time tracked), `track_io_timing` and `track_functions =
 * pl`, restarted once to load it.
 */
export async function startProfiledCluster(log: (line: string) => void): Promise<ProfiledCluster> {
  const run = createRunDirectory();
  try {
    const cluster = await startPostgresCluster(run, log);
    const admin = postgresDatabase({ connectionString: cluster.url, max: 1 });
    try {
      await admin.query("ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'");
    } finally {
      await admin.close();
    }
    const control = postgresClusterControl(run, log);
    await control.stopFast();
    await control.start();
    // The extension's settings exist once it is loaded.
    const loaded = postgresDatabase({ connectionString: cluster.url, max: 1 });
    try {
      for (const setting of [
        'pg_stat_statements.track_planning = on',
        "pg_stat_statements.track = 'all'",
        'track_io_timing = on',
        "track_functions = 'pl'",
      ]) {
        await loaded.query(`ALTER SYSTEM SET ${setting}`);
      }
      await loaded.query('SELECT pg_reload_conf()');
    } finally {
      await loaded.close();
    }
    return {
      url: cluster.url,
      serverVersion: cluster.serverVersion,
      async createDatabase(name) {
        const maintenance = postgresDatabase({ connectionString: cluster.url, max: 1 });
        try {
          await maintenance.query(`CREATE DATABASE "${name}"`);
        } finally {
          await maintenance.close();
        }
        const url = new URL(cluster.url);
        url.pathname = `/${name}`;
        const db = postgresDatabase({ connectionString: url.toString(), max: 1 });
        try {
          await db.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
        } finally {
          await db.close();
        }
        return url.toString();
      },
      stop() {
        cluster.stop();
        run.remove();
      },
    };
  } catch (error) {
    run.remove();
    throw error;
  }
}
