import { uniqueName } from '@carenet/testing';
import type { Benchmark } from './benchmark.js';
import { carenetDelivery } from './carenet-delivery.js';
import { below, figureOf, type Figure } from './figure.js';
import { figureTable } from './figure-table.js';
import { createTopics, deleteTopics } from './kafka-topics.js';
import { RATE } from './measure-delivery.js';
import { rawKafkaDelivery } from './raw-kafka-delivery.js';

/**
 * A steady 500 events/s appended while a relay and a Kafka consumer run: latency from the append
 * call to the consumer's handler, against raw kafkajs produce -> consume at the same rate.
 */
export const appendToConsumerLatency: Benchmark = {
  name: 'append-to-consumer-latency',
  title: 'append-to-consumer latency (500 events/s through relay, Kafka and consumer)',
  async run(context) {
    const seconds = context.quick ? 10 : 20;
    const count = RATE * seconds;
    const topic = uniqueName('bench-latency');
    const rawTopic = uniqueName('bench-latency-raw');
    await createTopics(context.kafka, [topic, rawTopic]);
    try {
      context.progress(
        `append-to-consumer latency: carenet append -> relay -> Kafka -> startKafkaConsumer handler, ${RATE} ev/s for ${seconds} s`,
      );
      const product = await carenetDelivery(context, count, topic);
      context.progress(
        `append-to-consumer latency: ceiling, raw kafkajs produce -> consume, ${RATE} ev/s for ${seconds} s`,
      );
      const ceiling = await rawKafkaDelivery(context, count, rawTopic);
      const figure = figureOf('append-to-consumer', product.phase, ceiling.phase);
      const figures: Figure[] = [
        figure('delivered', 'ev/s', (r) => r.throughput, true),
        figure('latency p50', 'ms', (r) => r.latency.p50, false),
        figure('latency p95', 'ms', (r) => r.latency.p95, false),
        figure('latency p99', 'ms', (r) => r.latency.p99, false, below(100, 'ms')),
        figure('latency max', 'ms', (r) => r.latency.max, false),
        figure('peak RSS', 'MiB', (r) => r.memory.rssMb, false),
        figure('peak heap used', 'MiB', (r) => r.memory.heapUsedMb, false),
      ];
      context.report([
        `append-to-consumer latency, ${count.toLocaleString('en-US')} events at ${RATE} ev/s (${product.phase.latency.count} and ${ceiling.phase.latency.count} delivered)`,
        ...figureTable(figures, { withBenchmark: false }),
        '  carenet, per stage:',
        ...product.stages.map((line) => `    ${line}`),
        '  ceiling, per stage:',
        ...ceiling.stages.map((line) => `    ${line}`),
      ]);
      return figures;
    } finally {
      await deleteTopics(context.kafka, [topic, rawTopic]);
    }
  },
};
