import { Counter, Gauge, register as defaultRegistry, type Registry } from 'prom-client';

/** What a scrape asks of a relay: its backlog (computed then, never in the background). */
export interface RelayBacklogSource {
  backlog(): Promise<{ events: number; oldestSeconds: number }>;
}

export interface RelayMetrics {
  readonly errors: Counter<'relay' | 'error'>;
  readonly producerRestarts: Counter<'relay'>;
  /** Registers the relay whose lag the scrape reports (one per relay id). */
  watch(relay: string, source: RelayBacklogSource): () => void;
}

const byRegistry = new WeakMap<Registry, RelayMetrics>();

/**
 * Prometheus metrics of relays (besides `carenet_relay_events_published_total` and
 * `carenet_relay_active`): failures, producer restarts, and the lag, read from the store when
 * scraped.
 */
export function relayMetrics(registry: Registry = defaultRegistry): RelayMetrics {
  const existing = byRegistry.get(registry);
  if (existing) return existing;
  const registers = [registry];
  const sources = new Map<string, RelayBacklogSource>();
  const backlogs = new Map<string, Promise<{ events: number; oldestSeconds: number } | null>>();
  // One backlog query per relay and scrape, shared by the two gauges.
  const backlogOf = (relay: string, source: RelayBacklogSource) => {
    let pending = backlogs.get(relay);
    if (pending === undefined) {
      pending = source.backlog().catch(() => null);
      backlogs.set(relay, pending);
      void pending.finally(() => backlogs.delete(relay));
    }
    return pending;
  };
  const lagGauge = (
    name: string,
    help: string,
    pick: (b: { events: number; oldestSeconds: number }) => number,
  ) =>
    new Gauge({
      name,
      help,
      labelNames: ['relay'],
      registers,
      async collect() {
        this.reset();
        for (const [relay, source] of sources) {
          const backlog = await backlogOf(relay, source);
          if (backlog !== null) this.set({ relay }, pick(backlog));
        }
      },
    });
  lagGauge(
    'carenet_relay_lag_events',
    'Committed events of the relay categories not yet acknowledged by Kafka (counted up to 100,000)',
    (b) => b.events,
  );
  lagGauge(
    'carenet_relay_lag_seconds',
    'Age of the oldest committed event not yet acknowledged by Kafka (0 when caught up)',
    (b) => b.oldestSeconds,
  );
  const metrics: RelayMetrics = {
    errors: new Counter({
      name: 'carenet_relay_errors_total',
      help: 'Relay failures (publication or store), by error name; each one restarts the producer',
      labelNames: ['relay', 'error'],
      registers,
    }),
    producerRestarts: new Counter({
      name: 'carenet_relay_producer_restarts_total',
      help: 'Kafka producers the relay dropped and created anew after a failure',
      labelNames: ['relay'],
      registers,
    }),
    watch(relay, source) {
      sources.set(relay, source);
      return () => {
        if (sources.get(relay) === source) sources.delete(relay);
      };
    },
  };
  byRegistry.set(registry, metrics);
  return metrics;
}
