// A relay in a process of its own, for tests that kill it (SIGKILL) at random moments.
// Uses the built packages (npm test builds first). Configured by environment:
//   DATABASE_URL, KAFKA_BROKERS, RELAY_TOPIC (every event goes there), RELAY_ID
import { Kafka, logLevel } from 'kafkajs';
import { PostgresEventStore, postgresDatabase } from '../../../eventsourcing/dist/src/index.js';
import { startRelay } from '../../dist/src/index.js';

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};
const store = await PostgresEventStore.open(
  postgresDatabase({ connectionString: env('DATABASE_URL'), applicationName: 'carenet-test-relay' }),
);
const topic = env('RELAY_TOPIC');
const relay = startRelay({
  store,
  kafka: new Kafka({
    clientId: 'test-relay',
    brokers: env('KAFKA_BROKERS').split(','),
    logLevel: logLevel.NOTHING,
  }),
  relayId: env('RELAY_ID'),
  categories: ['Load'],
  contexts: { Load: 'messaging-test' },
  topicOf: () => topic,
});
process.stdout.write('relay started\n');
process.on('SIGTERM', () => {
  void relay.stop().then(() => process.exit(0));
});
