import { Kafka, logLevel, type Admin, type Producer } from 'kafkajs';
import { kafkaClientSecurity, kafkaSecurityFromEnv } from '@carenet/messaging';
import { Option, type Command } from 'commander';
import { CliUnavailableError, CliUsageError, type CliIo } from '../cli-io.js';
import { nonEmpty } from './store-connection.js';

export interface KafkaOptions {
  readonly brokers?: string;
}

/** Adds `--brokers` to a verb. */
export function withKafkaOptions(command: Command): Command {
  return command.addOption(
    new Option('--brokers <host:port,…>', 'Kafka bootstrap servers (env KAFKA_BROKERS)'),
  );
}

/** The brokers of the options or of KAFKA_BROKERS; refused when neither gives any. */
export function brokersOf(options: KafkaOptions, io: CliIo): string[] {
  const text = options.brokers ?? nonEmpty(io.env.KAFKA_BROKERS);
  if (text === undefined) throw new CliUsageError('no Kafka brokers: set KAFKA_BROKERS or give --brokers');
  const brokers = text
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b !== '');
  for (const broker of brokers) {
    if (!/^[^\s:]+:\d{1,5}$/.test(broker))
      throw new CliUsageError(`not a broker address (host:port): "${broker}"`);
  }
  return brokers;
}

/**
 * A kafkajs client that gives up fast on an unreachable cluster, and logs nothing; it
 * authenticates as the environment says (KAFKA_SASL_*, KAFKA_SSL*, as the services).
 */
export function kafkaOf(
  brokers: readonly string[],
  env: Readonly<Record<string, string | undefined>> = {},
): Kafka {
  const { security, problems } = kafkaSecurityFromEnv(env);
  if (problems.length > 0) throw new CliUsageError(problems.join('; '));
  return new Kafka({
    ...kafkaClientSecurity(security),
    clientId: 'carenet-cli',
    brokers: [...brokers],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3_000,
    requestTimeout: 30_000,
    retry: { retries: 2, initialRetryTime: 200, maxRetryTime: 1_000 },
  });
}

/** Connects `client` (admin, producer, consumer) or says the brokers cannot be reached (exit 3). */
export async function connected<T extends Admin | Producer | { connect(): Promise<void> }>(
  client: T,
  brokers: readonly string[],
): Promise<T> {
  try {
    await client.connect();
    return client;
  } catch (error) {
    throw new CliUnavailableError(
      `cannot reach the Kafka brokers ${brokers.join(',')}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** Runs `work` with a connected admin client, disconnected afterwards. */
export async function withAdmin<T>(
  options: KafkaOptions,
  io: CliIo,
  work: (admin: Admin, kafka: Kafka) => Promise<T>,
): Promise<T> {
  const brokers = brokersOf(options, io);
  const kafka = kafkaOf(brokers, io.env);
  const admin = await connected(kafka.admin(), brokers);
  try {
    return await work(admin, kafka);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
