import { Counter, Gauge, register as defaultRegistry, type Registry } from 'prom-client';

export interface SubscriptionMetrics {
  readonly events: Counter<'subscription'>;
  readonly position: Gauge<'subscription'>;
  readonly heldBackSeconds: Gauge<'subscription'>;
  readonly failures: Counter<'subscription'>;
}

const byRegistry = new WeakMap<Registry, SubscriptionMetrics>();

/** Prometheus metrics of catch-up subscriptions, created once per registry. */
export function subscriptionMetrics(registry: Registry = defaultRegistry): SubscriptionMetrics {
  const existing = byRegistry.get(registry);
  if (existing) return existing;
  const registers = [registry];
  const metrics: SubscriptionMetrics = {
    events: new Counter({
      name: 'carenet_subscription_events_total',
      help: 'Events handled by a subscription of the global log',
      labelNames: ['subscription'],
      registers,
    }),
    position: new Gauge({
      name: 'carenet_subscription_global_position',
      help: 'Global position of the last event a subscription handled',
      labelNames: ['subscription'],
      registers,
    }),
    heldBackSeconds: new Gauge({
      name: 'carenet_subscription_held_back_seconds',
      help: 'How long committed events have been held back from a subscription by a long-running transaction (0 when none)',
      labelNames: ['subscription'],
      registers,
    }),
    failures: new Counter({
      name: 'carenet_subscription_handler_failures_total',
      help: 'Handler failures of a subscription (the batch is retried)',
      labelNames: ['subscription'],
      registers,
    }),
  };
  byRegistry.set(registry, metrics);
  return metrics;
}
