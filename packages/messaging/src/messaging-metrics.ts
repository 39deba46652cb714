import { Counter, Gauge, register as defaultRegistry, type Registry } from 'prom-client';

/** The lag of one partition a consumer reads (the store log is one partition). */
export interface PartitionLag {
  readonly topic: string;
  readonly partition: number;
  /** Messages (Kafka) or events (store log) not yet processed. */
  readonly lag: number;
}

/** Where the lag gauge reads a consumer's lag when scraped. */
export interface ConsumerLagSource {
  lag(): Promise<readonly PartitionLag[]>;
}

export interface MessagingMetrics {
  readonly consumed: Counter<'group' | 'outcome'>;
  readonly retries: Counter<'group'>;
  /** Consumers recreated after they stopped (kafkajs crash it would not restart, lost group). */
  readonly consumerRestarts: Counter<'group'>;
  readonly published: Counter<'relay'>;
  readonly relayActive: Gauge<'relay'>;
  /** Registers a running consumer whose lag the scrape reports; returns the unregistration. */
  watchLag(group: string, source: ConsumerLagSource): () => void;
}

const byRegistry = new WeakMap<Registry, MessagingMetrics>();

/** Prometheus metrics of relays and consumers, created once per registry. */
export function messagingMetrics(registry: Registry = defaultRegistry): MessagingMetrics {
  const existing = byRegistry.get(registry);
  if (existing) return existing;
  const registers = [registry];
  const lagSources = new Set<{ readonly group: string; readonly source: ConsumerLagSource }>();
  new Gauge({
    name: 'carenet_consumer_lag',
    help: 'Messages of a partition not yet processed by a consumer group: high watermark minus committed offset (Kafka), or committed events after the consumer position, counted up to 100,000 (store log: topic "store-log", partition 0)',
    labelNames: ['group', 'topic', 'partition'],
    registers,
    async collect() {
      this.reset();
      const measured = await Promise.all(
        [...lagSources].map(async ({ group, source }) => ({
          group,
          lags: await source.lag().catch(() => [] as readonly PartitionLag[]),
        })),
      );
      for (const { group, lags } of measured) {
        for (const { topic, partition, lag } of lags) {
          this.set({ group, topic, partition: String(partition) }, lag);
        }
      }
    },
  });
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
    consumerRestarts: new Counter({
      name: 'carenet_consumer_restarts_total',
      help: 'Consumers recreated after they stopped (a crash kafkajs does not restart, a group they could not rejoin)',
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
    watchLag(group, source) {
      const entry = { group, source };
      lagSources.add(entry);
      return () => {
        lagSources.delete(entry);
      };
    },
  };
  byRegistry.set(registry, metrics);
  return metrics;
}
