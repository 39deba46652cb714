// `pnpm bench [--quick] [filter]`: provisions PostgreSQL and Kafka (unless DATABASE_URL and
// KAFKA_BROKERS are set), runs the benchmarks, prints each figure beside a ceiling measured in the
// same run, and tears everything down. Figures are informative: the exit code is 0 unless a
// benchmark crashed.
import type { Logger } from '@carenet/eventsourcing';
import { provisionTestInfrastructure, testKafkaBrokers } from '@carenet/testing';
import { Kafka, logLevel } from 'kafkajs';
import { accessDecision } from './access-decision.js';
import { appendThroughput } from './append-throughput.js';
import { appendToConsumerLatency } from './append-to-consumer-latency.js';
import { auditThroughput } from './audit-throughput.js';
import { backgroundCost } from './background-cost.js';
import { BenchUsageError, parseBenchOptions } from './bench-options.js';
import { distributedGateway } from './distributed-gateway.js';
import type { BenchContext, Benchmark } from './benchmark.js';
import type { Figure } from './figure.js';
import { figureTable } from './figure-table.js';
import { fhirSearchRead } from './fhir-search-read.js';
import { globalLogRead } from './global-log-read.js';
import { machineFacts } from './machine-facts.js';
import { ppcsActivation } from './ppcs-activation.js';
import { relayThroughput } from './relay-throughput.js';
import { rebuildThroughput } from './rebuild-throughput.js';
import { republishThroughput } from './republish-throughput.js';
import { tasksMixedLoad } from './tasks-mixed-load.js';
import { tokenVerification } from './token-verification.bench.js';
import { validationThroughput } from './validation-throughput.js';
import { vsHapi } from './vs-hapi.js';

const BENCHMARKS: readonly Benchmark[] = [
  appendThroughput,
  globalLogRead,
  relayThroughput,
  republishThroughput,
  rebuildThroughput,
  appendToConsumerLatency,
  validationThroughput,
  fhirSearchRead,
  tokenVerification,
  tasksMixedLoad,
  accessDecision,
  auditThroughput,
  ppcsActivation,
];

/** Run only when named (`pnpm bench vs-hapi`): minutes each, and HAPI built from Maven Central. */
const ON_REQUEST: readonly Benchmark[] = [vsHapi, backgroundCost, distributedGateway];

const runStarted = performance.now();
const print = (line = '') => process.stdout.write(`${line}\n`);
const progress = (line: string) => {
  print(`[bench ${((performance.now() - runStarted) / 1000).toFixed(1).padStart(6)} s] ${line}`);
};

/** The product's warnings and errors (relay, consumer), on stderr. */
const logger: Logger = {
  info: () => undefined,
  warn: (details, message) => process.stderr.write(`[carenet warn] ${message} ${JSON.stringify(details)}\n`),
  error: (details, message) => {
    const err = (details as { err?: unknown }).err;
    process.stderr.write(`[carenet error] ${message} ${err instanceof Error ? err.message : ''}\n`);
  },
};

async function main(): Promise<number> {
  const options = parseBenchOptions(process.argv.slice(2));
  const selected =
    options.filter === undefined
      ? BENCHMARKS
      : [...BENCHMARKS, ...ON_REQUEST].filter((b) => b.name.includes(options.filter ?? ''));
  if (selected.length === 0) {
    throw new BenchUsageError(
      `no benchmark name contains "${options.filter ?? ''}" (${[...BENCHMARKS, ...ON_REQUEST].map((b) => b.name).join(', ')})`,
    );
  }
  progress(
    `${options.quick ? 'quick run' : 'full run'}: ${selected.map((b) => b.name).join(', ')}; provisioning PostgreSQL and Kafka`,
  );
  const infra = await provisionTestInfrastructure((line) => {
    progress(`infra: ${line}`);
  });
  const stop = (signal: NodeJS.Signals) => {
    progress(`${signal}: tearing down PostgreSQL and Kafka`);
    void infra.teardown().finally(() => process.exit(130));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    Object.assign(process.env, infra.env);
    for (const line of infra.description) progress(`infra: ${line}`);
    const facts = await machineFacts(infra);
    const kafka = new Kafka({
      clientId: 'carenet-bench',
      brokers: testKafkaBrokers(),
      logLevel: logLevel.NOTHING,
    });
    const context: BenchContext = {
      quick: options.quick,
      kafka,
      logger,
      progress,
      report(lines) {
        print();
        for (const line of lines) print(`  ${line}`);
        print();
      },
    };
    const figures: Figure[] = [];
    const crashed: string[] = [];
    for (const benchmark of selected) {
      const started = performance.now();
      progress(`== ${benchmark.name}: ${benchmark.title}`);
      try {
        figures.push(...(await benchmark.run(context)));
        progress(`== ${benchmark.name} done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      } catch (error) {
        crashed.push(benchmark.name);
        progress(
          `== ${benchmark.name} CRASHED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
        );
      }
    }

    print();
    print(`carenet benchmarks${options.quick ? ' (--quick: smaller sizes, figures less stable)' : ''}`);
    for (const fact of facts) print(`  ${fact}`);
    print();
    for (const line of figureTable(figures, { withBenchmark: true })) print(`  ${line}`);
    print();
    print('  ratio = carenet / ceiling (throughput: higher is better; latency, memory: lower is better).');
    print(
      '  Memory: this Node process only (PostgreSQL and Kafka run apart), peaks during the phase; the heap is',
    );
    print('  collected before each phase, RSS never shrinks so it grows along the run.');
    if (crashed.length > 0) print(`  CRASHED: ${crashed.join(', ')}`);
    print(`  total ${((performance.now() - runStarted) / 1000).toFixed(1)} s`);
    return crashed.length > 0 ? 1 : 0;
  } finally {
    progress('tearing down PostgreSQL and Kafka');
    await infra.teardown();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof BenchUsageError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
