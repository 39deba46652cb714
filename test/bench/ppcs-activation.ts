// Scenario S2 under load (issue 7): PPCS of 5 actions each, prepared (created, validated by the
// médecin traitant, agreed by the patient), then activated at a steady 10 plans/s by HTTP PUT;
// each activation is timed until `Task?based-on=CarePlan/<id>` returns its 5 Tasks, created by
// the tasks service from the care-plans events it consumed over Kafka. Beside it, measured in the
// same run: raw kafkajs produce → consume of a message of the same size at the same rate, and a
// trivial PUT of the same body on the same server.
import { randomUUID } from 'node:crypto';
import type { CarePlan, Reference } from 'fhir/r4.js';
import type { Actor } from '@carenet/access';
import { CARE_PLAN_EXTENSIONS } from '@carenet/care-plans';
import { headersToStrings } from '@carenet/messaging';
import { uniqueName } from '@carenet/testing';
import type { IHeaders, Message } from 'kafkajs';
import { activity } from '../e2e/support/ppcs-scenario.js';
import { batchingSender } from './batching-sender.js';
import type { BenchContext, Benchmark } from './benchmark.js';
import { deliveryTracker } from './delivery-tracker.js';
import { below, figureOf, type Figure } from './figure.js';
import { figureTable } from './figure-table.js';
import { createTopics, deleteTopics } from './kafka-topics.js';
import { latencyStats } from './latency-stats.js';
import { startMemorySampler } from './memory-sampler.js';
import { runPaced } from './paced-schedule.js';
import { phaseResult, type PhaseResult } from './phase-result.js';
import { startPpcsBenchPlatform } from './ppcs-bench-platform.js';

const BENCH = 'ppcs-activation';
/** Activations per second, as the issue asks. */
const RATE = 10;
const ACTIONS = 5;
/** Plans activated (and waited for) before measuring: connections, JIT, consumer fetch loops. */
const WARM_UP_PLANS = 10;
/** Concurrent requests while preparing the plans. */
const PREPARE_CONCURRENCY = 8;
/** Each plan's visibility poll: one search every POLL_MS at most… */
const POLL_MS = 10;
/** …and no more than this many searches in flight for all plans together. */
const SEARCH_CONCURRENCY = 8;
const DRAIN_TIMEOUT_MS = 60_000;
/** What startKafkaConsumer uses by default, given to the raw consumer too. */
const CONSUMER = { maxWaitTimeInMs: 500, partitionsConsumedConcurrently: 3 } as const;

const IDNPS = 'urn:oid:1.2.250.1.71.4.2.1';
const INS = 'urn:oid:1.2.250.1.213.1.4.8';
const FINESS = 'https://finess.esante.gouv.fr';
const PROFESSION = 'https://mos.esante.gouv.fr/NOS/TRE_G15-ProfessionSante/FHIR/TRE-G15-ProfessionSante';
const D = '2026-05-20T08:00:00.000Z';

function professional(idnps: string, code: '10' | '21' | '60', name: string): Actor {
  return {
    kind: 'professional',
    identifier: { system: IDNPS, value: idnps },
    profession: { system: PROFESSION, code },
    sector: 'primary-care',
    name,
  };
}

const COORDINATOR = professional('870000000001', '60', 'C (DAC coordinator)');
const MEDECIN_TRAITANT = professional('810000000002', '10', 'Dr B');
const practitioner = (idnps: string): Reference => ({
  type: 'Practitioner',
  identifier: { system: IDNPS, value: idnps },
});

/** The S2 plan with two more actions (5 in all), for patient n (a distinct INS each). */
function ppcs(n: number): CarePlan {
  return {
    resourceType: 'CarePlan',
    extension: [
      { url: CARE_PLAN_EXTENSIONS.coordinator, valueReference: practitioner('870000000001') },
      { url: CARE_PLAN_EXTENSIONS.medecinTraitant, valueReference: practitioner('810000000002') },
      { url: CARE_PLAN_EXTENSIONS.reviewDate, valueDate: '2026-06-19' },
    ],
    status: 'draft',
    intent: 'plan',
    category: [
      {
        coding: [{ system: 'https://carenet.example.org/fhir/CodeSystem/care-plan-category', code: 'ppcs' }],
      },
    ],
    title: `PPCS of patient ${n} after discharge from the CHU`,
    subject: { identifier: { system: INS, value: `2${String(n).padStart(14, '0')}` } },
    activity: [
      activity(practitioner('860000000001'), 'Wound care', {
        scheduledTiming: {
          repeat: {
            frequency: 3,
            period: 1,
            periodUnit: 'wk',
            boundsPeriod: { start: D, end: '2026-06-03T18:00:00.000Z' },
          },
        },
      }),
      activity(
        practitioner('821000000001'),
        'Medication reconciliation',
        { scheduledPeriod: { start: D, end: '2026-05-22T08:00:00.000Z' } },
        'urgent',
      ),
      activity(
        { type: 'Organization', identifier: { system: FINESS, value: '330000002' }, display: 'SAD' },
        'Daily help at home',
        { scheduledTiming: { repeat: { frequency: 1, period: 1, periodUnit: 'd' } } },
      ),
      activity(practitioner('842000000001'), 'Physiotherapy, gait and balance', {
        scheduledTiming: { repeat: { frequency: 2, period: 1, periodUnit: 'wk' } },
      }),
      activity(practitioner('810000000002'), 'Follow-up consultation', {
        scheduledPeriod: { start: '2026-06-01T08:00:00.000Z', end: '2026-06-05T18:00:00.000Z' },
      }),
    ],
  };
}

interface Http {
  readonly base: string;
  readonly coordinator: string;
  readonly medecinTraitant: string;
}

const headers = (token: string, body = false) => ({
  Authorization: `Bearer ${token}`,
  Accept: 'application/fhir+json',
  ...(body && { 'Content-Type': 'application/fhir+json' }),
});

async function call<T>(url: string, init: RequestInit, what: string): Promise<T> {
  const response = await fetch(url, init);
  const text = await response.text();
  if (!response.ok) throw new Error(`${what}: ${response.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

/** Created, validated by the médecin traitant, agreed by the patient: the body to activate. */
async function prepare(http: Http, n: number): Promise<CarePlan> {
  const created = await call<CarePlan>(
    `${http.base}/CarePlan`,
    { method: 'POST', headers: headers(http.coordinator, true), body: JSON.stringify(ppcs(n)) },
    'create',
  );
  const id = created.id ?? '';
  await call(
    `${http.base}/CarePlan/${id}/$validate-plan`,
    {
      method: 'POST',
      headers: headers(http.medecinTraitant, true),
      body: JSON.stringify({ resourceType: 'Parameters' }),
    },
    '$validate-plan',
  );
  await call(
    `${http.base}/CarePlan/${id}/$record-agreement`,
    {
      method: 'POST',
      headers: headers(http.coordinator, true),
      body: JSON.stringify({
        resourceType: 'Parameters',
        parameter: [
          { name: 'agreedBy', valueCode: 'patient' },
          { name: 'method', valueCode: 'oral' },
        ],
      }),
    },
    '$record-agreement',
  );
  const current = await call<CarePlan>(
    `${http.base}/CarePlan/${id}`,
    { headers: headers(http.coordinator) },
    'read',
  );
  return { ...current, status: 'active' };
}

async function prepareAll(
  context: BenchContext,
  http: Http,
  from: number,
  count: number,
): Promise<CarePlan[]> {
  const plans: CarePlan[] = new Array<CarePlan>(count);
  let next = 0;
  let done = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: PREPARE_CONCURRENCY }, async () => {
      while (next < count) {
        const i = next++;
        plans[i] = await prepare(http, from + i);
        done += 1;
        if (done % Math.max(1, Math.floor(count / 4)) === 0 || done === count) {
          const seconds = (performance.now() - started) / 1000;
          context.progress(
            `ppcs activation: prepared ${done}/${count} plans (create, $validate-plan, $record-agreement, read; ${(done / seconds).toFixed(1)} plans/s)`,
          );
        }
      }
    }),
  );
  return plans;
}

/** At most `limit` of the calls run at once; the others wait their turn (in order). */
function limiter(limit: number): <T>(work: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (work) => {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    running += 1;
    try {
      return await work();
    } finally {
      running -= 1;
      waiting.shift()?.();
    }
  };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** One activation, as measured (performance.now() times). */
interface Activation {
  readonly id: string;
  readonly putCalled: number;
  putAnswered?: number;
  putStatus?: number;
  /** The first search answer that held the 5 Tasks. */
  visible?: number;
  /** The relay's sendBatch carrying this plan's CarePlanActionsScheduled: called, acknowledged. */
  sendCalled?: number;
  acknowledged?: number;
  /** The tasks consumer's handler of that event: called, returned (the 5 Tasks appended). */
  handlerCalled?: number;
  handlerReturned?: number;
}

interface ActivationPhase {
  readonly activations: Activation[];
  readonly seconds: number;
  readonly searches: number[];
  readonly phase: PhaseResult;
}

/** Activates the plans at RATE, each polled until its Tasks are visible; returns when all are. */
async function activate(
  http: Http,
  plans: readonly CarePlan[],
  byPlan: Map<string, Activation>,
): Promise<ActivationPhase> {
  const search = limiter(SEARCH_CONCURRENCY);
  const searches: number[] = [];
  const activations: Activation[] = [];
  const pending: Promise<void>[] = [];
  const memory = startMemorySampler();
  const started = performance.now();
  const one = async (plan: CarePlan) => {
    const id = plan.id ?? '';
    const activation: Activation = { id, putCalled: performance.now() };
    activations.push(activation);
    byPlan.set(id, activation);
    const response = await fetch(`${http.base}/CarePlan/${id}`, {
      method: 'PUT',
      headers: headers(http.coordinator, true),
      body: JSON.stringify(plan),
    });
    await response.arrayBuffer();
    activation.putAnswered = performance.now();
    activation.putStatus = response.status;
    if (response.status !== 200) return;
    const url = `${http.base}/Task?based-on=${encodeURIComponent(`CarePlan/${id}`)}&_count=20`;
    const deadline = activation.putCalled + DRAIN_TIMEOUT_MS;
    while (performance.now() < deadline) {
      const pollStarted = performance.now();
      const found = await search(async () => {
        const searchStarted = performance.now();
        const bundle = await call<{ entry?: unknown[] }>(
          url,
          { headers: headers(http.coordinator) },
          'search',
        );
        searches.push(performance.now() - searchStarted);
        return bundle.entry?.length ?? 0;
      });
      if (found >= ACTIONS) {
        activation.visible = performance.now();
        return;
      }
      await sleep(Math.max(0, pollStarted + POLL_MS - performance.now()));
    }
  };
  await runPaced(RATE, plans.length, (i) => {
    pending.push(one(plans[i]!));
  });
  await Promise.all(pending);
  const seconds = (performance.now() - started) / 1000;
  const latencies = activations.flatMap((a) => (a.visible === undefined ? [] : [a.visible - a.putCalled]));
  return {
    activations,
    seconds,
    searches,
    phase: phaseResult(latencies.length, seconds, latencies, memory.stop()),
  };
}

/**
 * The Kafka ceiling: kafkajs produce (queued, one sendBatch at a time, idempotent, acks -1) →
 * kafkajs consume, `count` copies of `sample` (new ce_id each) at RATE, after a warm-up.
 */
async function rawKafka(context: BenchContext, sample: Message, count: number): Promise<PhaseResult> {
  const topic = uniqueName('bench-ppcs-raw');
  await createTopics(context.kafka, [topic]);
  const tracker = deliveryTracker();
  const producer = context.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  const consumer = context.kafka.consumer({
    groupId: uniqueName('bench-ppcs-raw-group'),
    maxWaitTimeInMs: CONSUMER.maxWaitTimeInMs,
  });
  const joined = new Promise<void>((resolve) => {
    consumer.on(consumer.events.GROUP_JOIN, () => {
      resolve();
    });
  });
  await producer.connect();
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      autoCommit: true,
      partitionsConsumedConcurrently: CONSUMER.partitionsConsumedConcurrently,
      eachMessage: ({ message }) => {
        tracker.received(headersToStrings(message.headers).ce_id ?? '');
        return Promise.resolve();
      },
    });
    await joined;
    let sender = batchingSender(producer, topic);
    const send = () => {
      const id = randomUUID();
      tracker.sent(id);
      const messageHeaders: IHeaders = { ...sample.headers, ce_id: id };
      sender.push({ key: `CarePlan-${randomUUID()}`, value: sample.value, headers: messageHeaders });
    };
    await runPaced(RATE, WARM_UP_PLANS, send);
    await tracker.allReceived(DRAIN_TIMEOUT_MS);
    tracker.reset();
    const memory = startMemorySampler();
    const started = performance.now();
    await runPaced(RATE, count, send);
    await sender.close();
    sender = batchingSender(producer, topic);
    await tracker.allReceived(DRAIN_TIMEOUT_MS);
    const seconds = (performance.now() - started) / 1000;
    const latencies = tracker.deliveries().map((d) => d.received - d.sent);
    return phaseResult(latencies.length, seconds, latencies, memory.stop());
  } finally {
    await consumer.disconnect();
    await producer.disconnect();
    await deleteTopics(context.kafka, [topic]);
  }
}

/** The HTTP floor: a PUT of the same body to a route that parses and answers it, at RATE. */
async function trivialPut(echoUrl: string, token: string, plans: readonly CarePlan[]): Promise<PhaseResult> {
  const latencies: number[] = [];
  const pending: Promise<void>[] = [];
  const memory = startMemorySampler();
  const started = performance.now();
  await runPaced(RATE, plans.length, (i) => {
    pending.push(
      (async () => {
        const putCalled = performance.now();
        const response = await fetch(echoUrl, {
          method: 'PUT',
          headers: headers(token, true),
          body: JSON.stringify(plans[i]),
        });
        await response.arrayBuffer();
        latencies.push(performance.now() - putCalled);
      })(),
    );
  });
  await Promise.all(pending);
  return phaseResult(latencies.length, (performance.now() - started) / 1000, latencies, memory.stop());
}

function stageLine(label: string, samples: readonly number[]): string {
  const s = latencyStats(samples);
  const f = (v: number) => v.toFixed(1).padStart(7);
  return `${label.padEnd(58)} p50 ${f(s.p50)} ms   p99 ${f(s.p99)} ms   max ${f(s.max)} ms`;
}

/** 200 PPCS of 5 actions (quick: 40) activated at 10/s, until their Tasks are found by search. */
export const ppcsActivation: Benchmark = {
  name: BENCH,
  title: `PPCS activation to all Tasks visible (${ACTIONS} actions per plan, ${RATE} plans/s, over Kafka)`,
  async run(context) {
    const count = context.quick ? 40 : 200;
    const byPlan = new Map<string, Activation>();
    const samples: Message[] = [];
    const platform = await startPpcsBenchPlatform(context, {
      sent(startedAt, endedAt, batch) {
        for (const { messages } of batch.topicMessages ?? []) {
          for (const message of messages) {
            const h = headersToStrings(message.headers);
            if (!(h.ce_type ?? '').includes('CarePlanActionsScheduled')) continue;
            if (samples.length === 0) samples.push(message);
            const activation = byPlan.get((h.ce_subject ?? '').replace(/^CarePlan-/, ''));
            if (activation === undefined) continue;
            activation.sendCalled = startedAt;
            activation.acknowledged = endedAt;
          }
        }
      },
      handled(event, startedAt, endedAt) {
        if (!event.type.includes('CarePlanActionsScheduled')) return;
        const activation = byPlan.get(event.subject.replace(/^CarePlan-/, ''));
        if (activation === undefined || activation.handlerCalled !== undefined) return;
        activation.handlerCalled = startedAt;
        activation.handlerReturned = endedAt;
      },
    });
    try {
      const http: Http = {
        base: platform.base,
        coordinator: await platform.tokenFor(COORDINATOR),
        medecinTraitant: await platform.tokenFor(MEDECIN_TRAITANT),
      };
      context.progress(
        `ppcs activation: preparing ${WARM_UP_PLANS} + ${count} PPCS of ${ACTIONS} actions (distinct patients), ${PREPARE_CONCURRENCY} at once`,
      );
      const warmUp = await prepareAll(context, http, 0, WARM_UP_PLANS);
      const plans = await prepareAll(context, http, WARM_UP_PLANS, count);
      context.progress(`ppcs activation: warm-up, ${WARM_UP_PLANS} activations at ${RATE}/s`);
      await activate(http, warmUp, new Map());
      const sample = samples[0];
      if (sample === undefined) throw new Error('no CarePlanActionsScheduled message was seen by the relay');
      byPlan.clear();

      context.progress(
        `ppcs activation: ${count} activations at ${RATE}/s (PUT status=active), each polled every ${POLL_MS} ms until Task?based-on returns its ${ACTIONS} Tasks`,
      );
      const warningsBefore = platform.warnings();
      const product = await activate(http, plans, byPlan);
      const warnings = [...platform.warnings()]
        .map(([key, n]): [string, number] => [key, n - (warningsBefore.get(key) ?? 0)])
        .filter(([, n]) => n > 0);
      const failed = product.activations.filter((a) => a.putStatus !== 200);
      const invisible = product.activations.filter((a) => a.putStatus === 200 && a.visible === undefined);

      const messageBytes = sample.value?.length ?? 0;
      context.progress(
        `ppcs activation: ceiling, raw kafkajs produce -> consume of a ${messageBytes}-byte message (the CarePlanActionsScheduled envelope) at ${RATE}/s, ${count} messages`,
      );
      const kafkaCeiling = await rawKafka(context, sample, count);
      context.progress(
        `ppcs activation: ceiling, trivial PUT of the same CarePlan bodies on the same server, ${RATE}/s`,
      );
      const putCeiling = await trivialPut(platform.echoUrl, http.coordinator, plans);

      const ok = product.activations.filter((a) => a.putAnswered !== undefined && a.putStatus === 200);
      const puts = ok.map((a) => a.putAnswered! - a.putCalled);
      const putPhase = phaseResult(puts.length, product.seconds, puts, product.phase.memory);
      const figure = figureOf(BENCH, product.phase, kafkaCeiling);
      const putFigure = figureOf(BENCH, putPhase, putCeiling);
      const tasksPerSecond = (product.phase.events * ACTIONS) / product.seconds;
      const figures: Figure[] = [
        figure('activation -> 5 Tasks visible p50 (ceiling: raw Kafka)', 'ms', (r) => r.latency.p50, false),
        figure('activation -> 5 Tasks visible p99', 'ms', (r) => r.latency.p99, false, below(2_000, 'ms')),
        figure('activation -> 5 Tasks visible max', 'ms', (r) => r.latency.max, false),
        figure('activations/s achieved (ceiling: raw Kafka msg/s)', 'plans/s', (r) => r.throughput, true),
        {
          benchmark: BENCH,
          name: 'Tasks created/s',
          unit: 'Tasks/s',
          value: tasksPerSecond,
          ceiling: Number.NaN,
          higherIsBetter: true,
        },
        putFigure('activation PUT alone p50 (ceiling: trivial PUT)', 'ms', (r) => r.latency.p50, false),
        putFigure('activation PUT alone p99', 'ms', (r) => r.latency.p99, false),
        {
          benchmark: BENCH,
          name: 'activations failed or never visible',
          unit: 'plans',
          value: failed.length + invisible.length,
          ceiling: Number.NaN,
          higherIsBetter: false,
        },
        figure('peak RSS', 'MiB', (r) => r.memory.rssMb, false),
        figure('peak heap used', 'MiB', (r) => r.memory.heapUsedMb, false),
      ];

      // Where the time goes, per plan (all from this process's monotonic clock).
      const traced = ok.filter(
        (a) =>
          a.visible !== undefined &&
          a.sendCalled !== undefined &&
          a.acknowledged !== undefined &&
          a.handlerCalled !== undefined &&
          a.handlerReturned !== undefined,
      );
      const stage = (of: (a: Activation) => number) => traced.map(of);
      const searchStats = latencyStats(product.searches);
      context.report([
        `ppcs activation: ${count} PPCS of ${ACTIONS} actions (distinct patients), prepared beforehand; ` +
          `${product.activations.length} PUT status=active at ${RATE}/s after ${WARM_UP_PLANS} warm-up activations; ` +
          `${failed.length} PUT not 200${failed.length > 0 ? ` (${[...new Set(failed.map((a) => a.putStatus))].join(', ')})` : ''}, ` +
          `${invisible.length} never visible within ${DRAIN_TIMEOUT_MS / 1000} s`,
        `visible = the first answer of GET Task?based-on=CarePlan/<id> holding the ${ACTIONS} Tasks; each plan polled ` +
          `from its PUT answer, every ${POLL_MS} ms at most, ${SEARCH_CONCURRENCY} searches in flight at most for all plans: ` +
          `${product.searches.length.toLocaleString('en-US')} searches (${(product.searches.length / product.activations.length).toFixed(1)} per plan, ` +
          `${Math.round(product.searches.length / product.seconds)}/s), search p50 ${searchStats.p50.toFixed(1)} ms, p99 ${searchStats.p99.toFixed(1)} ms`,
        `ceilings: raw kafkajs produce -> consume of ${count} ${messageBytes}-byte messages at ${RATE}/s (idempotent producer, acks -1, ` +
          `consumer maxWait ${CONSUMER.maxWaitTimeInMs} ms as startKafkaConsumer); trivial express PUT (JSON parse + answer) of the same bodies`,
        ...figureTable(figures, { withBenchmark: false }),
        '',
        `warnings of the relays and consumers during the activations:${warnings.length === 0 ? ' none' : ''}`,
        ...warnings.map(([key, n]) => `    ${n.toLocaleString('en-US')} x ${key}`),
        '',
        `where the time goes, per activation (${traced.length} traced: the relay's sendBatch and the tasks consumer's handler of the plan's CarePlanActionsScheduled):`,
        `    ${stageLine(
          'PUT called -> PUT answered (decider, append, read model)',
          stage((a) => a.putAnswered! - a.putCalled),
        )}`,
        `    ${stageLine(
          'PUT called -> relay sendBatch called (relay pick-up)',
          stage((a) => a.sendCalled! - a.putCalled),
        )}`,
        `    ${stageLine(
          'sendBatch called -> broker acknowledged',
          stage((a) => a.acknowledged! - a.sendCalled!),
        )}`,
        `    ${stageLine(
          'broker acknowledged -> tasks handler called (consumer)',
          stage((a) => a.handlerCalled! - a.acknowledged!),
        )}`,
        `    ${stageLine(
          `tasks handler called -> returned (${ACTIONS} Tasks appended)`,
          stage((a) => a.handlerReturned! - a.handlerCalled!),
        )}`,
        `    ${stageLine(
          'handler returned -> search saw the Tasks (observation)',
          stage((a) => a.visible! - a.handlerReturned!),
        )}`,
        `    ${stageLine(
          'PUT answered -> search saw the Tasks',
          stage((a) => a.visible! - a.putAnswered!),
        )}`,
      ]);
      return figures;
    } finally {
      await platform.close();
    }
  },
};
