import { migrate, silentLogger } from '@carenet/eventsourcing';
import type { Admin, Consumer, Kafka } from 'kafkajs';
import type { ComponentHealth } from './component-health.js';
import { kafkaDeadLetterSink } from './dead-letter-sink.js';
import { headersToStrings } from './kafka-envelope.js';
import { messageProcessor, type ConsumerOptions } from './message-processor.js';
import { messagingMetrics, type PartitionLag } from './messaging-metrics.js';
import { MESSAGING_MIGRATIONS } from './messaging-migrations.js';
import type { RunningConsumer } from './running-consumer.js';

export interface KafkaConsumerOptions extends ConsumerOptions {
  readonly kafka: Kafka;
  readonly topics: readonly string[];
  /** A new group starts at the beginning of the topics (default true). */
  readonly fromBeginning?: boolean;
  /** Partitions processed in parallel (order holds within a partition; default 3). */
  readonly partitionsConsumedConcurrently?: number;
  /**
   * How long the broker may hold a fetch when there is nothing new (default 500 ms). Messages are
   * returned as soon as they arrive whatever this is; it bounds how long `stop()` waits.
   */
  readonly maxWaitTimeInMs?: number;
  /**
   * Delays between the recreations of a consumer that stopped (a crash kafkajs does not restart,
   * a group it could not rejoin): `initialMs`, doubling up to `maxMs` (default 1 s to 30 s).
   * Back to `initialMs` once a message was processed, or after `maxMs` joined without a crash.
   */
  readonly restartBackoff?: { readonly initialMs: number; readonly maxMs: number };
  /**
   * A member not joined to its group, or joined but without any heartbeat or fetch, for this
   * long is recreated (default 60 s: twice kafkajs' session timeout).
   */
  readonly stallAfterMs?: number;
  /**
   * A joined member without any heartbeat or fetch (and no message in hand) for this long is
   * reported not ready, before the watchdog recreates it (default 10 s; fetches come every
   * `maxWaitTimeInMs` and heartbeats every 3 s when all is well).
   */
  readonly quietAfterMs?: number;
  /** How often the group's lag is measured for `carenet_consumer_lag` (default 5 s). */
  readonly lagIntervalMs?: number;
}

type ConsumerState =
  | { readonly kind: 'joining'; readonly since: number; readonly why: string }
  | { readonly kind: 'joined'; readonly since: number }
  | { readonly kind: 'crashed'; readonly since: number; readonly why: string; readonly restartAt: number }
  | { readonly kind: 'stopped' };

/**
 * What an error says in logs and health: kafkajs' own errors describe the broker and are given
 * in full; any other error (a handler's, which may quote a message) only by its name.
 */
function errorSummary(error: unknown): string {
  if (!(error instanceof Error)) return 'unknown error';
  let root: Error = error;
  while (root.cause instanceof Error) root = root.cause;
  return root.name.startsWith('KafkaJS') ? `${root.name}: ${root.message}` : root.name;
}

/**
 * A Kafka consumer group running the common pipeline (contract check, inbox dedupe, retries,
 * `<group>.dlq`). Offsets are committed only after a message was applied or dead-lettered, so a
 * rebalance or a crash redelivers at most what was in flight, and the inbox skips it.
 *
 * It never stops silently: a crash that kafkajs does not restart (`restart: false`), a member
 * that stays out of its group (lost coordinator) or idle for `stallAfterMs`, or a group that
 * cannot start (its topic not there yet), is logged and the kafkajs consumer recreated, with a
 * bounded exponential backoff; `health()` says not ready meanwhile. Only a start where no broker
 * answers at all throws.
 */
export async function startKafkaConsumer(options: KafkaConsumerOptions): Promise<RunningConsumer> {
  await migrate(options.db, MESSAGING_MIGRATIONS, 'messaging');
  const group = options.groupId;
  const logger = options.logger ?? silentLogger;
  const metrics = messagingMetrics(options.metrics);
  const backoff = options.restartBackoff ?? { initialMs: 1_000, maxMs: 30_000 };
  const stallAfterMs = options.stallAfterMs ?? 60_000;
  const quietAfterMs = Math.min(options.quietAfterMs ?? 10_000, stallAfterMs);
  const producer = options.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  // Fails the start when no broker can be reached at all (a configuration error, said at once).
  await producer.connect();
  const process = messageProcessor(options, kafkaDeadLetterSink(producer));

  let state: ConsumerState = { kind: 'joining', since: Date.now(), why: 'starting' };
  let current: Consumer | undefined;
  let detach: (() => void)[] = [];
  let failures = 0;
  let restartTimer: NodeJS.Timeout | undefined;
  let restarting: Promise<void> | undefined;
  let lastActivity = Date.now();
  let inFlight = 0;
  let resolveReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => {
    resolveReady = resolve;
  });

  /** Creates, connects and runs a kafkajs consumer; its events drive `state`. */
  async function launch(): Promise<void> {
    const consumer = options.kafka.consumer({
      groupId: group,
      retry: { retries: 10 },
      maxWaitTimeInMs: options.maxWaitTimeInMs ?? 500,
    });
    current = consumer;
    const mine = () => current === consumer;
    const { GROUP_JOIN, REBALANCING, HEARTBEAT, FETCH_START, CRASH } = consumer.events;
    detach.push(
      consumer.on(GROUP_JOIN, () => {
        if (!mine()) return;
        if (state.kind !== 'joined' && failures > 0) logger.info({ group }, 'consumer rejoined its group');
        state = { kind: 'joined', since: Date.now() };
        lastActivity = Date.now();
        resolveReady();
      }),
      consumer.on(REBALANCING, () => {
        if (mine()) state = { kind: 'joining', since: Date.now(), why: 'rebalancing' };
      }),
      consumer.on(HEARTBEAT, () => {
        lastActivity = Date.now();
      }),
      consumer.on(FETCH_START, () => {
        lastActivity = Date.now();
      }),
      consumer.on(CRASH, (event) => {
        if (!mine()) return;
        const why = errorSummary(event.payload.error);
        if (event.payload.restart) {
          // kafkajs restarts this one itself; the watchdog recreates it if it does not rejoin.
          logger.warn({ group, error: why }, 'consumer crashed; kafkajs restarts it');
          state = { kind: 'joining', since: Date.now(), why: `restarting after ${why}` };
        } else {
          recreate(`crashed (${why})`);
        }
      }),
    );
    await consumer.connect();
    await consumer.subscribe({ topics: [...options.topics], fromBeginning: options.fromBeginning ?? true });
    await consumer.run({
      autoCommit: true,
      partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 3,
      eachMessage: async (payload) => {
        const { topic, partition, message } = payload;
        inFlight += 1;
        try {
          await process(
            {
              topic,
              partition,
              offset: message.offset,
              key: message.key?.toString('utf8') ?? null,
              value: message.value,
              headers: headersToStrings(message.headers),
            },
            () => payload.heartbeat(),
          );
          failures = 0;
        } finally {
          inFlight -= 1;
          lastActivity = Date.now();
        }
      },
    });
  }

  /** Drops the current kafkajs consumer and creates another after the backoff. */
  function recreate(why: string): void {
    if (state.kind === 'stopped' || restartTimer !== undefined) return;
    failures += 1;
    const delay = Math.min(backoff.maxMs, backoff.initialMs * 2 ** (failures - 1));
    state = { kind: 'crashed', since: Date.now(), why, restartAt: Date.now() + delay };
    metrics.consumerRestarts.inc({ group });
    logger.error(
      { group, reason: why, attempt: failures, restartInMs: delay },
      'consumer stopped; recreating it',
    );
    const old = current;
    current = undefined;
    for (const off of detach) off();
    detach = [];
    restartTimer = setTimeout(() => {
      restarting = (async () => {
        await old?.disconnect().catch(() => undefined);
        restartTimer = undefined;
        if (state.kind === 'stopped') return;
        state = { kind: 'joining', since: Date.now(), why: `recreated after: ${why}` };
        try {
          await launch();
        } catch (error) {
          recreate(`could not start (${errorSummary(error)})`);
        }
      })().finally(() => {
        restarting = undefined;
      });
    }, delay);
  }

  const watchdog = setInterval(
    () => {
      const now = Date.now();
      if (state.kind === 'joining' && now - state.since > stallAfterMs) {
        recreate(`not joined to its group for ${Math.round((now - state.since) / 1000)} s (${state.why})`);
      } else if (state.kind === 'joined' && inFlight === 0 && now - lastActivity > stallAfterMs) {
        recreate(`no heartbeat or fetch for ${Math.round((now - lastActivity) / 1000)} s`);
      } else if (state.kind === 'joined' && failures > 0 && now - state.since > backoff.maxMs) {
        failures = 0;
      }
    },
    Math.min(1_000, stallAfterMs / 4),
  );
  watchdog.unref();

  const lag = kafkaLagMonitor(options, options.lagIntervalMs ?? 5_000);
  const unwatchLag = metrics.watchLag(group, lag);

  // Joining the group goes on in the background: after a crash of this process the group waits
  // for the dead member's session to time out (30 s) before it rebalances, and the service must
  // not wait for that to serve (health() says `joining` meanwhile; `ready` resolves once joined).
  // A group that cannot start yet (a topic still being created…) is retried like a crash.
  launch().catch((error: unknown) => {
    recreate(`could not start (${errorSummary(error)})`);
  });

  return {
    ready,
    health(): ComponentHealth {
      const name = `consumer ${group}`;
      switch (state.kind) {
        case 'joined': {
          const quietMs = Date.now() - lastActivity;
          if (inFlight === 0 && quietMs > quietAfterMs) {
            return {
              name,
              ready: false,
              reason: `no heartbeat or fetch for ${Math.round(quietMs / 1000)} s`,
            };
          }
          return { name, ready: true };
        }
        case 'joining':
          return { name, ready: false, reason: `not joined to its group (${state.why})` };
        case 'crashed':
          return {
            name,
            ready: false,
            reason: `${state.why}; recreating it in ${Math.max(0, state.restartAt - Date.now())} ms`,
          };
        case 'stopped':
          return { name, ready: false, reason: 'stopped' };
      }
    },
    async stop() {
      state = { kind: 'stopped' };
      clearInterval(watchdog);
      clearTimeout(restartTimer);
      // A recreation under way finishes first, so that the consumer it starts is the one stopped.
      await restarting;
      unwatchLag();
      await lag.stop();
      await current?.disconnect();
      await producer.disconnect();
    },
  };
}

/**
 * The lag of a group on its topics, measured every `intervalMs` with an admin client: per
 * partition, the high watermark minus the committed offset (the log start when nothing is
 * committed yet). A scrape reads the last measure; none while the broker cannot be asked.
 */
function kafkaLagMonitor(options: KafkaConsumerOptions, intervalMs: number) {
  let admin: Admin | undefined;
  let last: readonly PartitionLag[] = [];
  let running = true;
  let measuring: Promise<void> = Promise.resolve();

  async function measure(): Promise<void> {
    try {
      admin ??= options.kafka.admin();
      await admin.connect();
      const committed = await admin.fetchOffsets({ groupId: options.groupId, topics: [...options.topics] });
      const lags: PartitionLag[] = [];
      for (const topic of options.topics) {
        const offsets = await admin.fetchTopicOffsets(topic);
        const done = committed.find((c) => c.topic === topic)?.partitions ?? [];
        for (const { partition, high, low } of offsets) {
          const offset = Number(done.find((p) => p.partition === partition)?.offset ?? -1);
          lags.push({
            topic,
            partition,
            lag: Math.max(0, Number(high) - (offset >= 0 ? offset : Number(low))),
          });
        }
      }
      last = lags;
    } catch {
      last = [];
    }
  }

  let busy = false;
  const timer = setInterval(() => {
    if (!running || busy) return;
    busy = true;
    measuring = measure().finally(() => {
      busy = false;
    });
  }, intervalMs);
  timer.unref();
  measuring = measure();
  return {
    lag: () => Promise.resolve(last),
    async stop() {
      running = false;
      clearInterval(timer);
      await measuring;
      await admin?.disconnect().catch(() => undefined);
    },
  };
}
