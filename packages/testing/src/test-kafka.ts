import { randomBytes } from 'node:crypto';

/** The brokers the test command provisioned (or the ones given by KAFKA_BROKERS). */
export function testKafkaBrokers(): string[] {
  const brokers = process.env.KAFKA_BROKERS;
  if (!brokers) {
    throw new Error('KAFKA_BROKERS is not set: run integration tests through `npm test` (or `pnpm jest`)');
  }
  return brokers.split(',').map((b) => b.trim());
}

/** A topic (or group) name no other test uses, so test files share a broker without interfering. */
export function uniqueName(label: string): string {
  return `test.${label}.${randomBytes(4).toString('hex')}`;
}
