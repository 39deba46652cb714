import { cpus, totalmem, type as osType, release } from 'node:os';
import { postgresDatabase } from '@carenet/eventsourcing';
import type { TestInfrastructure } from '@carenet/testing';

/** What the figures were measured on. */
export async function machineFacts(infra: TestInfrastructure): Promise<string[]> {
  const db = postgresDatabase({ connectionString: infra.env.DATABASE_URL, max: 1 });
  let postgres: string;
  try {
    const [row] = await db.query<{ server_version: string }>('SHOW server_version');
    postgres = row?.server_version ?? 'unknown';
  } finally {
    await db.close();
  }
  const kafka = infra.env.CARENET_TEST_KAFKA_VERSION;
  const processors = cpus();
  return [
    `cpus: ${processors.length} x ${processors[0]?.model.trim() ?? 'unknown'}, memory ${(totalmem() / 2 ** 30).toFixed(1)} GiB, ${osType()} ${release()}`,
    `node ${process.version}`,
    `PostgreSQL ${postgres}${infra.env.CARENET_TEST_POSTGRES_VERSION === 'given' ? ' (DATABASE_URL)' : ' (throwaway cluster, fsync off)'}`,
    `Apache Kafka ${kafka === 'given' ? 'version not known (KAFKA_BROKERS)' : `${kafka} (throwaway KRaft broker)`}`,
  ];
}
