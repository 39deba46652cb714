import { Counter, Gauge, register as defaultRegistry, type Registry } from 'prom-client';

export interface MessagingMetrics {
  readonly consumed: Counter<'group' | 'outcome'>;
  readonly retries: Counter<'group'>;
  readonly published: Counter<'relay'>;
  readonly relayActive: Gauge<'relay'>;
}

const byRegistry = new WeakMap<Registry, MessagingMetrics>();

/** Prometheus metrics of relays and consumers, created once per registry. */
export function messagingMetrics(registry: Registry = defaultRegistry): MessagingMetrics {
  const existing = byRegistry.get(registry);
  if (existing) return existing;
  const registers = [registry];
  const metrics: MessagingMetrics = {
    consumed: new Counter({
      name: 'carenet_consumer_messages_total',
      help: 'Messages handled by a consumer group, by outcome (applied, duplicate, dead_lettered)',
      labelNames: ['group', 'outcome'],
      registers,
    }),
    retries: new Counter({
      name: 'carenet_consumer_retries_total',
      help: 'Handler attempts that failed and were retried',
      labelNames: ['group'],
      registers,
    }),
    published: new Counter({
      name: 'carenet_relay_events_published_total',
      help: 'Events the relay published and the broker acknowledged',
      labelNames: ['relay'],
      registers,
    }),
    relayActive: new Gauge({
      name: 'carenet_relay_active',
      help: '1 when this relay instance holds the lock and publishes, 0 on standby',
      labelNames: ['relay'],
      registers,
    }),
  };
  byRegistry.set(registry, metrics);
  return metrics;
}
