import { Histogram, register as defaultRegistry, type Registry } from 'prom-client';

export interface EventStoreMetrics {
  /** Outcomes: `appended`, `duplicate` (same event ids again), `conflict` (expected revision), `error`. */
  readonly appendSeconds: Histogram<'category' | 'outcome'>;
}

const byRegistry = new WeakMap<Registry, EventStoreMetrics>();

/** Prometheus metrics of the event store, created once per registry. */
export function eventStoreMetrics(registry: Registry = defaultRegistry): EventStoreMetrics {
  const existing = byRegistry.get(registry);
  if (existing) return existing;
  const metrics: EventStoreMetrics = {
    appendSeconds: new Histogram({
      name: 'carenet_eventstore_append_seconds',
      help: 'Duration of an append to the event store (with its inline projections), by stream category and outcome',
      labelNames: ['category', 'outcome'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
  };
  byRegistry.set(registry, metrics);
  return metrics;
}
