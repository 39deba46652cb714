import { startKafkaBroker, type KafkaBroker } from './kafka-broker.js';
import { startPostgresCluster, type PostgresCluster } from './postgres-cluster.js';
import { createRunDirectory, reapAbandonedRuns } from './run-directory.js';

export interface TestInfrastructure {
  /** Variables to export to the tests: DATABASE_URL and KAFKA_BROKERS. */
  readonly env: {
    readonly DATABASE_URL: string;
    readonly KAFKA_BROKERS: string;
    /** Versions of the servers started here ("given" when they came from the environment). */
    readonly CARENET_TEST_POSTGRES_VERSION: string;
    readonly CARENET_TEST_KAFKA_VERSION: string;
  };
  /** What runs, for the test output ("PostgreSQL 15.18 (throwaway cluster)"). */
  readonly description: string[];
  teardown(): Promise<void>;
}

/**
 * Provides PostgreSQL and Kafka for integration tests. A server given by the environment
 * (`DATABASE_URL`, `KAFKA_BROKERS`) is used as is; otherwise a throwaway one is started on a
 * free loopback port, and stopped by `teardown()`, or by the watchdog if this process dies first.
 */
export async function provisionTestInfrastructure(log: (line: string) => void): Promise<TestInfrastructure> {
  const givenDatabase = process.env.DATABASE_URL;
  const givenBrokers = process.env.KAFKA_BROKERS;
  reapAbandonedRuns(log);
  if (givenDatabase && givenBrokers) {
    return {
      env: {
        DATABASE_URL: givenDatabase,
        KAFKA_BROKERS: givenBrokers,
        CARENET_TEST_POSTGRES_VERSION: 'given',
        CARENET_TEST_KAFKA_VERSION: 'given',
      },
      description: ['PostgreSQL from DATABASE_URL', `Kafka from KAFKA_BROKERS (${givenBrokers})`],
      teardown: () => Promise.resolve(),
    };
  }
  const run = createRunDirectory();
  const started = Date.now();
  let postgres: PostgresCluster | undefined;
  let kafka: KafkaBroker | undefined;
  try {
    // Both at once: Kafka's JVM start dominates, PostgreSQL fits inside it.
    const [pgResult, kafkaResult] = await Promise.allSettled([
      givenDatabase ? Promise.resolve(undefined) : startPostgresCluster(run, log),
      givenBrokers ? Promise.resolve(undefined) : startKafkaBroker(run, log),
    ]);
    if (pgResult.status === 'fulfilled') postgres = pgResult.value;
    if (kafkaResult.status === 'fulfilled') kafka = kafkaResult.value;
    if (pgResult.status === 'rejected') throw pgResult.reason;
    if (kafkaResult.status === 'rejected') throw kafkaResult.reason;
  } catch (error) {
    postgres?.stop();
    kafka?.stop();
    run.remove();
    throw error;
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const description = [
    postgres
      ? `PostgreSQL ${postgres.serverVersion}, throwaway cluster at ${postgres.url}`
      : 'PostgreSQL from DATABASE_URL',
    kafka
      ? `Apache Kafka ${kafka.version} (KRaft), throwaway broker at ${kafka.brokers}`
      : 'Kafka from KAFKA_BROKERS',
    `started in ${seconds} s, run dir ${run.path}`,
  ];
  return {
    env: {
      DATABASE_URL: givenDatabase ?? postgres?.url ?? '',
      KAFKA_BROKERS: givenBrokers ?? kafka?.brokers ?? '',
      CARENET_TEST_POSTGRES_VERSION: postgres?.serverVersion ?? 'given',
      CARENET_TEST_KAFKA_VERSION: kafka?.version ?? 'given',
    },
    description,
    teardown() {
      kafka?.stop();
      postgres?.stop();
      run.remove();
      return Promise.resolve();
    },
  };
}
