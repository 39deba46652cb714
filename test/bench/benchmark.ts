import type { Logger } from '@carenet/eventsourcing';
import type { Kafka } from 'kafkajs';
import type { Figure } from './figure.js';

/** What every benchmark gets from the runner. */
export interface BenchContext {
  /** Smaller sizes and shorter runs. */
  readonly quick: boolean;
  /** A client of the broker the run provisioned (or KAFKA_BROKERS). */
  readonly kafka: Kafka;
  /** Where the product components report their own warnings and errors. */
  readonly logger: Logger;
  /** One line per phase, printed as the run goes. */
  progress(line: string): void;
  /** Prints a block of result lines (the figures beside their ceilings). */
  report(lines: readonly string[]): void;
}

/** A benchmark: measures carenet beside a ceiling measured in the same run, never asserts. */
export interface Benchmark {
  /** Kebab-case; the positional filter of `pnpm bench` matches on it. */
  readonly name: string;
  readonly title: string;
  run(context: BenchContext): Promise<Figure[]>;
}
