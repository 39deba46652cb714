// Fault injection (issue 14): the gateway as a separate process on its own PostgreSQL cluster and
// Kafka broker, under a steady load of FHIR writes, through six faults. For each: every
// acknowledged write is stored, every stored event reaches Kafka once per ce_id (duplicates within
// one relay batch), in revision order per key, the consumers apply each event once, /readyz says
// not-ready during the fault and ready after, and the recovery time is measured.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CARE_PLANS_CATEGORIES } from '@carenet/care-plans';
import type { SqlDatabase } from '@carenet/eventsourcing';
import { TASKS_CATEGORIES } from '@carenet/tasks';
import {
  analyseDelivery,
  startKafkaCollector,
  storedEvents,
  type KafkaCollector,
} from './support/kafka-check.js';
import { startLoad, type LoadTokens, type RunningLoad } from './support/load.js';
import {
  adminDatabase,
  CONSUMER_GROUPS,
  devToken,
  say,
  sleep,
  startFaultPlatform,
  startGateway,
  TOPICS,
  type FaultPlatform,
  type GatewayProcess,
} from './support/platform.js';
import { pollReadiness } from './support/readiness.js';

const CATEGORIES = [...TASKS_CATEGORIES, ...CARE_PLANS_CATEGORIES];
/** The relay's batch: a batch re-sent after an unacknowledged send is the most one fault may duplicate. */
const RELAY_BATCH = 500;
const LOAD_BEFORE_FAULT_MS = 5_000;
const LOAD_AFTER_FAULT_MS = 10_000;
/** From the fault's end: the relay must have published everything stored by then. */
const RECOVERY_DEADLINE_MS = 60_000;
/** Consumer groups and the categories they read (their inbox must hold each event once). */
const CONSUMERS = [
  { group: CONSUMER_GROUPS[0], categories: TASKS_CATEGORIES },
  { group: CONSUMER_GROUPS[1], categories: ['CarePlan'] },
];

interface Scenario {
  /** Kills the gateway's process and starts another on the same port, database and data. */
  restartGateway(): Promise<void>;
  readonly admin: SqlDatabase;
  readonly notes: string[];
}

interface Fault {
  readonly name: string;
  /** Whether /readyz must answer 503 at some point between the fault's start and the recovery. */
  readonly mustGoNotReady: boolean;
  /** Injects the fault and returns when it is over (the dependency is back). */
  inject(platform: FaultPlatform, scenario: Scenario): Promise<void>;
}

interface Row {
  readonly fault: string;
  readonly acknowledged: number;
  readonly stored: number;
  readonly onKafka: number;
  readonly duplicates: number;
  readonly orderOk: boolean;
  readonly notReadySeen: string;
  readonly recoverySeconds: number | undefined;
  readonly failures: readonly string[];
  readonly details: string;
}

const FAULTS: readonly Fault[] = [
  {
    name: 'broker SIGKILL, down 20 s, restarted',
    mustGoNotReady: true,
    async inject(platform, scenario) {
      await platform.kafka.kill();
      await sleep(20_000);
      const restarted = Date.now();
      await platform.kafka.start();
      scenario.notes.push(`broker ready ${((Date.now() - restarted) / 1000).toFixed(1)} s after its restart`);
    },
  },
  {
    name: 'broker SIGSTOP 20 s, SIGCONT',
    mustGoNotReady: true,
    async inject(platform) {
      platform.kafka.pause();
      await sleep(20_000);
      platform.kafka.resume();
    },
  },
  {
    name: 'gateway SIGKILL mid-load, restarted',
    mustGoNotReady: false,
    async inject(_platform, scenario) {
      await scenario.restartGateway();
    },
  },
  {
    name: 'PostgreSQL fast shutdown, down 5 s, restarted',
    mustGoNotReady: true,
    async inject(platform) {
      await platform.postgresControl.stopFast();
      await sleep(5_000);
      await platform.postgresControl.start();
    },
  },
  {
    name: 'Kafka connection cut (proxy stopped 10 s)',
    mustGoNotReady: true,
    async inject(platform, scenario) {
      scenario.notes.push(`cut ${platform.kafkaProxy.connectionCount()} connections`);
      await platform.kafkaProxy.stop();
      await sleep(10_000);
      await platform.kafkaProxy.start();
    },
  },
  {
    name: "service's PostgreSQL backends terminated, twice",
    // The database answers again at once: a truthful /readyz may stay ready throughout.
    mustGoNotReady: false,
    async inject(_platform, scenario) {
      for (let round = 0; round < 2; round++) {
        if (round > 0) await sleep(3_000);
        const rows = await scenario.admin.query<{ pid: number }>(
          `SELECT pid FROM pg_stat_activity
            WHERE application_name = 'carenet' AND datname = current_database() AND pid <> pg_backend_pid()`,
        );
        await scenario.admin.query(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
            WHERE application_name = 'carenet' AND datname = current_database() AND pid <> pg_backend_pid()`,
        );
        scenario.notes.push(`terminated ${rows.length} backends`);
        if (rows.length === 0)
          throw new Error('no backend of the service (application_name carenet) to terminate');
      }
    },
  },
];

/** Brings back what an earlier scenario may have left down (its fault failed half-way), so that one failure stays one. */
async function restoreDependencies(platform: FaultPlatform): Promise<void> {
  platform.kafka.resume();
  if (!platform.kafka.isRunning()) await platform.kafka.start();
  await platform.kafkaProxy.start();
  if (!platform.postgresControl.isRunning()) await platform.postgresControl.start();
}

/** Polls `probe` every 250 ms until it is true or the deadline passes; true if it became true. */
async function until(deadline: number, probe: () => Promise<boolean>): Promise<boolean> {
  for (;;) {
    try {
      if (await probe()) return true;
    } catch {
      // the dependency may still be coming back
    }
    if (Date.now() > deadline) return false;
    await sleep(250);
  }
}

describe('fault injection: the gateway under load keeps its promises', () => {
  let started: FaultPlatform | undefined;
  let tokens: LoadTokens | undefined;
  const rows: Row[] = [];

  beforeAll(async () => {
    started = await startFaultPlatform();
  }, 180_000);

  afterAll(async () => {
    printSummary(rows);
    const failed = rows.length < FAULTS.length || rows.some((r) => r.failures.length > 0);
    // The gateways' and the broker's logs of a failed run are kept for a look.
    await started?.teardown(failed ? join(tmpdir(), `carenet-faults-logs-${process.pid}`) : undefined);
  }, 60_000);

  async function runScenario(index: number, fault: Fault): Promise<Row> {
    const begun = Date.now();
    const platform = started;
    if (platform === undefined) throw new Error('the platform did not start');
    await restoreDependencies(platform);
    const databaseUrl = await platform.createDatabase(`faults_${index}`);
    const admin = adminDatabase(databaseUrl);
    const base = `http://127.0.0.1:${platform.gatewayPort}`;
    let gateway: GatewayProcess | undefined;
    const failures: string[] = [];
    const notes: string[] = [];
    let collector: KafkaCollector | undefined;
    let load: RunningLoad | undefined;
    const readiness = pollReadiness(base);
    try {
      gateway = await startGateway(platform, databaseUrl, `gateway-${index}.log`);
      tokens ??= {
        gp: devToken(platform, '--professional', '810000000001', '--profession', 'doctor'),
        nurse: devToken(platform, '--professional', '810000000002', '--profession', 'nurse'),
        coordinator: devToken(platform, '--professional', '870000000001', '--profession', 'nurse'),
        medecinTraitant: devToken(platform, '--professional', '810000000005', '--profession', 'doctor'),
      };
      if (!(await until(Date.now() + 15_000, () => Promise.resolve(readiness.last()?.status === 200))))
        failures.push(`/readyz not 200 before the fault (last ${readiness.last()?.status})`);
      load = startLoad(base, tokens);
      const running = load;
      await sleep(LOAD_BEFORE_FAULT_MS);

      const scenario: Scenario = {
        async restartGateway() {
          gateway?.kill('SIGKILL');
          await gateway?.exited;
          const restarted = Date.now();
          gateway = await startGateway(platform, databaseUrl, `gateway-${index}.log`);
          notes.push(`gateway healthy ${((Date.now() - restarted) / 1000).toFixed(1)} s after its restart`);
        },
        admin,
        notes,
      };
      const faultStart = Date.now();
      say(`${index}. ${fault.name}: injecting`);
      await fault.inject(platform, scenario);
      const faultEnd = Date.now();
      say(`${index}. ${fault.name}: over after ${((faultEnd - faultStart) / 1000).toFixed(1)} s`);
      const crashed = () => gateway?.exitReason();

      // Recovery: from the fault's end until every event stored (1 s before each probe) is on Kafka.
      collector = await startKafkaCollector(platform.kafka.brokers, TOPICS);
      const seen = collector.seen;
      const recoveryDeadline = faultEnd + RECOVERY_DEADLINE_MS;
      let recoverySeconds: number | undefined;
      const recovery = until(recoveryDeadline, async () => {
        if (crashed() !== undefined) return true;
        const stored = await storedEvents(admin, CATEGORIES, true);
        if (!stored.every((e) => seen.has(e.id))) return false;
        recoverySeconds = (Date.now() - faultEnd) / 1000;
        return true;
      });
      await sleep(LOAD_AFTER_FAULT_MS);
      await running.stop();
      await recovery;
      if (crashed() !== undefined) failures.push(`the gateway ${crashed()} during the fault`);

      // Everything stored, once the load stopped, must reach Kafka.
      const finalDeadline = crashed() ? Date.now() : Math.max(recoveryDeadline, Date.now() + 10_000);
      await until(finalDeadline, async () =>
        (await storedEvents(admin, CATEGORIES)).every((e) => seen.has(e.id)),
      );
      const stored = await storedEvents(admin, CATEGORIES);
      const delivery = analyseDelivery(stored, collector.messages);

      // Acknowledged writes are stored, at their acknowledged version or later.
      const streams = [...new Set(running.acknowledged.map((w) => `${w.resourceType}-${w.id}`))];
      const revisions = new Map(
        (
          await admin.query<{ stream_id: string; revision: string }>(
            `SELECT stream_id, max(stream_revision)::text AS revision FROM eventstore.events
              WHERE stream_id = ANY($1::text[]) GROUP BY stream_id`,
            [streams],
          )
        ).map((r) => [r.stream_id, Number(r.revision)]),
      );
      const lostWrites = running.acknowledged.filter((w) => {
        const revision = revisions.get(`${w.resourceType}-${w.id}`);
        return revision === undefined || revision + 1 < w.versionId;
      });

      // Consumers: each event of their categories in their inbox (once: the key is (group, ce_id)),
      // and their effect: each activated PPCS has its action carried out by one Task, linked once.
      const consumersDeadline = crashed() ? Date.now() : Date.now() + 40_000;
      const inboxGaps = async () => {
        const gaps: string[] = [];
        for (const { group, categories } of CONSUMERS) {
          const expected = stored.filter((e) => categories.includes(e.category)).map((e) => e.id);
          const [row] = await admin.query<{ n: string }>(
            `SELECT count(*)::text AS n FROM messaging.inbox
              WHERE consumer_group = $1 AND message_id = ANY($2::text[])`,
            [group, expected],
          );
          const missing = expected.length - Number(row?.n ?? 0);
          if (missing > 0) gaps.push(`${group}: ${missing} of ${expected.length} events not applied`);
        }
        return gaps;
      };
      const effectGaps = async () => {
        const plans = running.activatedPlans.map((id) => `CarePlan-${id}`);
        const links = await admin.query<{ stream_id: string; n: string }>(
          `SELECT stream_id, count(*)::text AS n FROM eventstore.events
            WHERE event_type = 'CarePlanActionLinked' AND stream_id = ANY($1::text[]) GROUP BY stream_id`,
          [plans],
        );
        const linked = new Map(links.map((r) => [r.stream_id, Number(r.n)]));
        const tasks = await admin.query<{ plan: string; n: string }>(
          `SELECT data #>> '{task,basedOn,0,reference}' AS plan, count(DISTINCT stream_id)::text AS n
             FROM eventstore.events
            WHERE category = 'Task' AND stream_revision = 0
              AND data #>> '{task,basedOn,0,reference}' = ANY($1::text[])
            GROUP BY 1`,
          [running.activatedPlans.map((id) => `CarePlan/${id}`)],
        );
        const carriedBy = new Map(tasks.map((r) => [r.plan, Number(r.n)]));
        return running.activatedPlans.flatMap((id) => {
          const gaps: string[] = [];
          if (linked.get(`CarePlan-${id}`) !== 1)
            gaps.push(
              `CarePlan/${id}: ${linked.get(`CarePlan-${id}`) ?? 0} CarePlanActionLinked (1 expected)`,
            );
          if (carriedBy.get(`CarePlan/${id}`) !== 1)
            gaps.push(`CarePlan/${id}: ${carriedBy.get(`CarePlan/${id}`) ?? 0} action Tasks (1 expected)`);
          return gaps;
        });
      };
      let consumerGaps: string[] = [];
      await until(consumersDeadline, async () => {
        consumerGaps = [...(await inboxGaps()), ...(await effectGaps())];
        return consumerGaps.length === 0;
      });
      consumerGaps = [...(await inboxGaps()), ...(await effectGaps())];

      // Readiness: 503 seen during the fault (when the fault must show), 200 after.
      const readyAfter = await until(crashed() ? Date.now() : Date.now() + 30_000, () =>
        Promise.resolve(readiness.last()?.status === 200),
      );
      const notReadySeen = readiness.notReadySeen(faultStart);

      if (lostWrites.length > 0)
        failures.push(
          `${lostWrites.length} acknowledged writes not stored, e.g. ${JSON.stringify(lostWrites.slice(0, 3))}`,
        );
      if (delivery.missing.length > 0)
        failures.push(
          `${delivery.missing.length} of ${stored.length} stored events never reached Kafka ` +
            `(within ${RECOVERY_DEADLINE_MS / 1000} s of the fault's end)`,
        );
      if (delivery.duplicates > RELAY_BATCH)
        failures.push(`${delivery.duplicates} duplicates (more than one relay batch, ${RELAY_BATCH})`);
      if (delivery.violations.length > 0) failures.push(`order/envelope: ${delivery.violations.join('; ')}`);
      if (delivery.withoutSequence > 0)
        failures.push(
          `${delivery.withoutSequence} messages without ce_sequence (DESIGN §4: each carries its revision)`,
        );
      if (consumerGaps.length > 0) failures.push(`consumers: ${consumerGaps.slice(0, 4).join('; ')}`);
      if (fault.mustGoNotReady && !notReadySeen) failures.push('/readyz never answered 503 during the fault');
      if (!readyAfter) failures.push(`/readyz not 200 after the fault (last ${readiness.last()?.status})`);
      if (recoverySeconds === undefined && crashed() === undefined)
        failures.push(`relay lag not back to 0 within ${RECOVERY_DEADLINE_MS / 1000} s of the fault's end`);

      const outcomes = [...running.outcomes].map(([k, v]) => `${k}:${v}`).join(' ');
      const notReadyBody = readiness.firstNotReadyBody();
      const row: Row = {
        fault: `${index}. ${fault.name}`,
        acknowledged: running.acknowledged.length,
        stored: stored.length,
        onKafka: delivery.delivered,
        duplicates: delivery.duplicates,
        orderOk: delivery.violations.length === 0,
        notReadySeen: notReadySeen ? 'yes' : fault.mustGoNotReady ? 'NO' : 'no (not required)',
        recoverySeconds,
        failures,
        details:
          `writes ${outcomes}; PPCS activated ${running.activatedPlans.length}; ` +
          `ce_sequence on ${delivery.withSequence}/${delivery.withSequence + delivery.withoutSequence} messages; ` +
          `${((Date.now() - begun) / 1000).toFixed(0)} s; ` +
          `/readyz from the fault on ${readiness.summary(faultStart)}` +
          (notes.length > 0 ? `; ${notes.join(', ')}` : '') +
          (notReadyBody !== undefined ? `; first 503: ${notReadyBody}` : ''),
      };
      return row;
    } catch (error) {
      failures.push(`harness: ${(error as Error).message}`);
      return {
        fault: `${index}. ${fault.name}`,
        acknowledged: load?.acknowledged.length ?? 0,
        stored: 0,
        onKafka: 0,
        duplicates: 0,
        orderOk: false,
        notReadySeen: '?',
        recoverySeconds: undefined,
        failures,
        details: gateway?.tail().slice(-500) ?? '',
      };
    } finally {
      await load?.stop();
      await readiness.stop();
      await collector?.stop();
      await gateway?.stop();
      await admin.close();
    }
  }

  FAULTS.forEach((fault, i) => {
    it(`${i + 1}. ${fault.name}`, async () => {
      const row = await runScenario(i + 1, fault);
      rows.push(row);
      say(`${row.fault}: ${row.failures.length === 0 ? 'pass' : `FAIL: ${row.failures.join(' | ')}`}`);
      expect(row.failures).toEqual([]);
    }, 300_000);
  });
});

function printSummary(rows: readonly Row[]): void {
  const header = [
    'fault',
    'ack writes',
    'stored',
    'on Kafka',
    'dups',
    'order ok',
    'readyz 503 seen',
    'recovery s',
    'verdict',
  ];
  const table = rows.map((r) => [
    r.fault,
    String(r.acknowledged),
    String(r.stored),
    String(r.onKafka),
    String(r.duplicates),
    r.orderOk ? 'yes' : 'NO',
    r.notReadySeen,
    r.recoverySeconds === undefined ? '-' : r.recoverySeconds.toFixed(1),
    r.failures.length === 0 ? 'pass' : 'FAIL',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  const out = [
    '',
    'fault-injection summary',
    line(header),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...table.map(line),
    '',
    ...rows.flatMap((r) => [`${r.fault}: ${r.details}`, ...r.failures.map((f) => `    FAIL ${f}`)]),
    '',
  ];
  process.stderr.write(`${out.join('\n')}\n`);
}
