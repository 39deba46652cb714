// The audit of accesses to patient data (issue 18), what it costs and how fast it flows:
// (1) recording: the router's `AccessAudit.record` of one request's accesses (a search page of 20
// hits, as `eventStoreAccessAudit` appends them: one stream of 20 `AccessRecorded` events), at the
// concurrency of the HTTP workers, beside the raw multi-row INSERT of the same rows (the append
// ceiling); (2) end to end to AuditEvent: the audit relay publishes the records on a topic and
// shared-info's audit consumer (Kafka, inbox, search store) turns each into an AuditEvent; the
// time until the last one is searchable, beside raw kafkajs produce → consume of as many messages.
import { randomUUID } from 'node:crypto';
import {
  eventStoreAccessAudit,
  patientKeyOfResource,
  PostgresAccessFacts,
  type Actor,
} from '@carenet/access';
import { loadContractRegistry } from '@carenet/contracts';
import type { NewEvent } from '@carenet/eventsourcing';
import {
  PostgresSearchStore,
  SearchParameterRegistry,
  type AuditedAccess,
  type Principal,
} from '@carenet/fhir';
import { startEventSubscriber, startRelay } from '@carenet/messaging';
import { openSharedInfoService, SHARED_INFO_SEARCH_SUPPORT } from '@carenet/shared-info';
import { uniqueName } from '@carenet/testing';
import type { Task } from 'fhir/r4.js';
import { withFreshDatabase } from './bench-database.js';
import type { BenchContext, Benchmark } from './benchmark.js';
import { figureOf, type Figure } from './figure.js';
import { figureTable } from './figure-table.js';
import { createTopics, deleteTopics } from './kafka-topics.js';
import { startMemorySampler } from './memory-sampler.js';
import { phaseResult, type PhaseResult } from './phase-result.js';
import { RAW_EVENT_TABLE, rawInsert } from './raw-event-table.js';
import { withTimeout } from './with-timeout.js';

const BENCH = 'audit-throughput';
/** Accesses per request: a search page of 20 hits (reads are 1, a page of 100 is 100). */
const HITS = 20;
/** Requests recorded at once: the HTTP workers' concurrency of the mixed loads. */
const CONCURRENCY = 8;
const INS = 'urn:oid:1.2.250.1.213.1.4.8';
const TIMEOUT_MS = 600_000;

const NURSE: Actor = {
  kind: 'professional',
  identifier: { system: 'urn:oid:1.2.250.1.71.4.2.1', value: '810000000042' },
  profession: {
    system: 'https://mos.esante.gouv.fr/NOS/TRE_G15-ProfessionSante/FHIR/TRE-G15-ProfessionSante',
    code: '60',
  },
  sector: 'primary-care',
  name: 'Nurse',
};
const principal: Principal = { actor: NURSE, allows: () => true };

/** The accesses of request `request`: a page of Tasks of 20 patients. */
function pageOf(request: number): AuditedAccess[] {
  return Array.from({ length: HITS }, (_, hit) => {
    const resource: Task = {
      resourceType: 'Task',
      id: `t-${request}-${hit}`,
      meta: { versionId: '1' },
      status: 'requested',
      intent: 'order',
      for: {
        identifier: { system: INS, value: String(1_000_000_000_000 + ((request * HITS + hit) % 5_000)) },
      },
    };
    return {
      action: 'search',
      resource,
      outcome: 'permitted',
      reason: 'a hit among the patients the caller may see',
    };
  });
}

/** Runs `work(i)` for i < count, `CONCURRENCY` at a time; the latency of each. */
async function concurrently(count: number, work: (i: number) => Promise<void>): Promise<number[]> {
  const latencies: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let i = next++; i < count; i = next++) {
        const started = performance.now();
        await work(i);
        latencies.push(performance.now() - started);
      }
    }),
  );
  return latencies;
}

async function timed(
  count: number,
  events: number,
  work: (i: number) => Promise<void>,
): Promise<PhaseResult> {
  const memory = startMemorySampler();
  const started = performance.now();
  const latencies = await concurrently(count, work);
  return phaseResult(events, (performance.now() - started) / 1000, latencies, memory.stop());
}

/** The ceiling of the consuming side: a kafkajs consumer that only counts the topic's messages. */
async function rawConsume(context: BenchContext, topic: string, count: number): Promise<PhaseResult> {
  const consumer = context.kafka.consumer({ groupId: uniqueName('bench-audit-raw') });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    const memory = startMemorySampler();
    let seen = 0;
    let started = 0;
    const done = new Promise<void>((resolve) => {
      void consumer.run({
        eachBatch: ({ batch }) => {
          if (started === 0) started = performance.now();
          seen += batch.messages.length;
          if (seen >= count) resolve();
          return Promise.resolve();
        },
      });
    });
    await withTimeout(done, TIMEOUT_MS, `the raw consumer did not read ${count} messages`);
    return phaseResult(count, (performance.now() - started) / 1000, [], memory.stop());
  } finally {
    await consumer.disconnect();
  }
}

export const auditThroughput: Benchmark = {
  name: BENCH,
  title: 'audit of accesses: recording per request, and end to end to AuditEvent over Kafka',
  async run(context: BenchContext): Promise<Figure[]> {
    const requests = context.quick ? 250 : 2_500;
    const total = requests * HITS;
    return withFreshDatabase('audit', async (db) => {
      const registry = SearchParameterRegistry.r4({ supported: { ...SHARED_INFO_SEARCH_SUPPORT } });
      const search = await PostgresSearchStore.open(db, { patientKeyOf: patientKeyOfResource });
      const sharedInfo = await openSharedInfoService({
        db,
        search,
        registry,
        accessFacts: new PostgresAccessFacts('access'),
      });
      const audit = eventStoreAccessAudit({ store: sharedInfo.store, serviceOf: () => 'tasks' });
      await db.query(RAW_EVENT_TABLE);

      // (1) Recording, interleaved with its ceiling (raw rows of the same size), twice each.
      const record: PhaseResult[] = [];
      const raw: PhaseResult[] = [];
      const rawEvents = (request: number): NewEvent[] =>
        pageOf(request).map((access) => ({
          id: randomUUID(),
          type: 'AccessRecorded',
          data: {
            action: access.action,
            entity: { type: 'Task', id: access.resource.id ?? '' },
            at: new Date().toISOString(),
          },
        }));
      const half = Math.ceil(requests / 2);
      for (const round of [0, 1]) {
        context.progress(
          `audit: recording round ${round + 1}/2, ${half} requests of ${HITS} accesses, ${CONCURRENCY} at once`,
        );
        record.push(await timed(half, half * HITS, (i) => audit.record(principal, pageOf(round * half + i))));
        raw.push(
          await timed(half, half * HITS, (i) =>
            rawInsert(db, `AccessAudit-${randomUUID()}`, rawEvents(i), 0),
          ),
        );
      }
      const best = (phases: PhaseResult[]) => phases.reduce((a, b) => (b.throughput > a.throughput ? b : a));
      const recorded = best(record);
      const rawBest = best(raw);
      const recordFigure = figureOf(BENCH, recorded, rawBest);

      // (2) End to end: relay → topic → shared-info's audit consumer → AuditEvent.
      const topic = uniqueName('bench-audit');
      await createTopics(context.kafka, [topic]);
      const contracts = loadContractRegistry();
      const [auditSubscriber] = sharedInfo.subscribers;
      if (auditSubscriber === undefined) throw new Error('shared-info has no audit consumer');
      const stored = async () => {
        const [row] = await db.query<{ n: string }>(
          "SELECT count(*) AS n FROM fhir.resources WHERE resource_type = 'AuditEvent'",
        );
        return Number(row?.n ?? 0);
      };
      const written = requests * HITS;
      context.progress(
        `audit: ${written.toLocaleString('en-US')} records in the log; relay and consumer started`,
      );
      const memory = startMemorySampler();
      const started = performance.now();
      const relay = startRelay({
        store: sharedInfo.store,
        kafka: context.kafka,
        relayId: uniqueName('bench-audit-relay'),
        categories: ['AccessAudit'],
        topicOf: () => topic,
        contracts,
        logger: context.logger,
      });
      const consumer = await startEventSubscriber(
        { ...auditSubscriber, groupId: uniqueName('bench-audit-group') },
        { kind: 'kafka', kafka: context.kafka, topicOf: () => topic },
        { db, contracts, logger: context.logger },
      );
      const progressAt: number[] = [];
      let delivered: PhaseResult;
      try {
        await withTimeout(
          (async () => {
            for (let seen = 0; seen < written;) {
              await new Promise((resolve) => setTimeout(resolve, 250));
              seen = await stored();
              progressAt.push(performance.now());
              if (progressAt.length % 20 === 0) context.progress(`audit: ${seen}/${written} AuditEvents`);
            }
          })(),
          TIMEOUT_MS,
          `shared-info did not store ${written} AuditEvents in ${TIMEOUT_MS / 1000} s`,
        );
        delivered = phaseResult(written, (performance.now() - started) / 1000, [], memory.stop());
      } finally {
        await consumer.stop();
        await relay.stop();
      }
      context.progress(`audit: ceiling, a raw kafkajs consumer of the same ${written} records`);
      const ceiling = await rawConsume(context, topic, written);
      await deleteTopics(context.kafka, [topic]);
      const endToEnd = figureOf(BENCH, delivered, ceiling);

      const figures = [
        recordFigure('recording, accesses/s', 'accesses/s', (p) => p.throughput, true),
        recordFigure(`recording, p50 per request of ${HITS}`, 'ms', (p) => p.latency.p50, false),
        recordFigure(`recording, p99 per request of ${HITS}`, 'ms', (p) => p.latency.p99, false),
        endToEnd('end to end to AuditEvent, records/s', 'records/s', (p) => p.throughput, true),
      ];
      context.report([
        `audit: ${requests} requests of ${HITS} accesses (${total.toLocaleString('en-US')} records), ${CONCURRENCY} requests at once`,
        `recording: ${recorded.throughput.toFixed(0)} accesses/s (p50 ${recorded.latency.p50.toFixed(2)} ms, p99 ${recorded.latency.p99.toFixed(2)} ms per request) beside raw INSERT ${rawBest.throughput.toFixed(0)} rows/s (p50 ${rawBest.latency.p50.toFixed(2)} ms)`,
        `end to end (relay → Kafka → inbox → AuditEvent): ${delivered.throughput.toFixed(0)} records/s in ${delivered.seconds.toFixed(1)} s beside a raw kafkajs consumer of the topic ${ceiling.throughput.toFixed(0)} msg/s`,
        ...figureTable(figures, { withBenchmark: false }),
      ]);
      await sharedInfo.stop();
      return figures;
    });
  },
};
