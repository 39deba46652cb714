// Two replicas of the tasks service behind the gateway, under load (issue 16): every service a
// separate OS process on the test run's PostgreSQL and a Kafka broker of their own, the tasks
// service twice (one database, one relay lock, one consumer group per subscription), the gateway
// given both URLs (`CARENET_SERVICE_TASKS_URL=<one>,<two>`) and balancing across them.
//
// Eight clients create Tasks and move them through their statuses (POST, GET, PATCH, PUT with
// If-Match, PATCH) for 20 s at least; after 7 s, the replica whose relay publishes is SIGKILLed,
// left down 3 s, and started again; the load goes on 5 s at least after it is ready (which takes
// about 30 s: its consumers rejoin their groups once the killed member's session has timed out,
// though it serves FHIR as soon as it listens). Then: every acknowledged create is readable; both replicas
// served requests; never two relays of one id publishing at once (each replica's
// `carenet_relay_active`), the survivor taking over; and on `carenet.tasks`, every event of every
// acknowledged write, each `ce_id` in its stream's revision order (`ce_sequence`), the only
// repeats those of the batch the killed relay had in flight (the relay's contract: at least once,
// the in-flight batch at most re-sent after a failure). Figures are printed, no timing asserted.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Kafka, logLevel, type IHeaders } from 'kafkajs';
import {
  createRunDirectory,
  startLocalNetwork,
  type LocalNetwork,
  type NetworkProcess,
  type RunDirectory,
} from '@carenet/testing';
import { until } from './support/until.js';

const INS = 'urn:oid:1.2.250.1.213.1.4.8';
const IDNPS = 'urn:oid:1.2.250.1.71.4.2.1';
const NURSE = '810000000002';
const CLIENTS = 8;
const LOAD_MS = 20_000;
const KILL_AFTER_MS = 7_000;
/** …and not before this many creates were acknowledged (a loaded machine warms up slowly). */
const KILL_AFTER_CREATES = 40;
const DOWN_MS = 3_000;
/** Load kept on after the restart, however long the restart took: the restarted replica gets some. */
const AFTER_RESTART_MS = 5_000;
/** The relay's batch: what a relay killed between the broker's acknowledgement and its checkpoint re-sends. */
const RELAY_BATCH = 500;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One write or read through the gateway, as a client saw it. */
interface Outcome {
  readonly method: string;
  /** HTTP status, or 0 when the gateway did not answer. */
  readonly status: number;
  readonly startedAt: number;
  readonly endedAt: number;
}

interface TaskAnswer {
  readonly resourceType?: string;
  readonly id?: string;
  readonly status?: string;
  readonly meta?: { readonly versionId?: string };
}

/** `/metrics` of a process, or undefined when it does not answer (killed). */
async function metricsOf(proc: NetworkProcess): Promise<string | undefined> {
  try {
    const answer = await fetch(`${proc.base}/metrics`, { signal: AbortSignal.timeout(5_000) });
    return answer.ok ? await answer.text() : undefined;
  } catch {
    return undefined;
  }
}

/** FHIR requests a process answered (`carenet_http_requests_total` of the `/fhir…` routes). */
function fhirRequests(metrics: string | undefined): number {
  let total = 0;
  for (const [, labels, value] of (metrics ?? '').matchAll(
    /^carenet_http_requests_total\{([^}]*)\} (\d+(?:\.\d+)?)$/gm,
  )) {
    if ((labels ?? '').includes('route="/fhir')) total += Number(value);
  }
  return total;
}

/** The relays this process runs, and whether each holds its lock and publishes (`carenet_relay_active`). */
function activeRelays(metrics: string | undefined): Map<string, boolean> {
  const relays = new Map<string, boolean>();
  for (const [, relay, value] of (metrics ?? '').matchAll(
    /^carenet_relay_active\{relay="([^"]+)"\} (\d+)$/gm,
  )) {
    relays.set(relay ?? '', value === '1');
  }
  return relays;
}

/** Events a relay of this process published (`carenet_relay_events_published_total`). */
function published(metrics: string | undefined, relay: string): number {
  const line = new RegExp(`^carenet_relay_events_published_total\\{relay="${relay}"\\} (\\d+)$`, 'm');
  return Number(line.exec(metrics ?? '')?.[1] ?? 0);
}

function header(headers: IHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
}

describe('two replicas of the tasks service behind the gateway, under load', () => {
  let run: RunDirectory;
  let dataDir: string;
  let network: LocalNetwork;

  beforeAll(async () => {
    run = createRunDirectory();
    dataDir = mkdtempSync(join(tmpdir(), 'carenet-replicas-test-'));
    network = await startLocalNetwork({
      run,
      dataDir,
      log: (line) => process.stderr.write(`[network] ${line}\n`),
      // The test run's PostgreSQL server, databases of this test's own; a Kafka broker of its own.
      ...(process.env.DATABASE_URL !== undefined && { databaseUrl: process.env.DATABASE_URL }),
      databasePrefix: `rep_${randomBytes(3).toString('hex')}`,
      dropDatabasesOnStop: true,
      replicas: { tasks: 2 },
      env: { CARENET_LOG_LEVEL: 'warn' },
    });
  }, 240_000);
  afterAll(async () => {
    await (network as LocalNetwork | undefined)?.stop();
    (run as RunDirectory | undefined)?.remove();
    if ((dataDir as string | undefined) !== undefined) rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('balances the load across both, loses no acknowledged write and publishes each event once per takeover', async () => {
    const replicas = network.services.tasks;
    expect(replicas).toHaveLength(2);
    const gp = network.token('--professional', '810000000001', '--profession', 'doctor');
    const nurse = network.token('--professional', NURSE, '--profession', 'nurse');

    // The gateway lists each replica as a component of its readiness.
    const gatewayReadiness = async () =>
      (await (await fetch(`${network.gateway.base}/readyz`)).json()) as {
        status: string;
        components: { name: string; ready: boolean; reason?: string }[];
      };
    const componentOf = (proc: NetworkProcess) => `service tasks (${proc.base}/fhir)`;
    expect((await gatewayReadiness()).components).toEqual(
      expect.arrayContaining(replicas.map((r) => ({ name: componentOf(r), ready: true }))),
    );

    // One tasks relay publishes, the other stands by.
    const leaderIndex = await until(
      async () => {
        const flags = await Promise.all(
          replicas.map(async (r) => activeRelays(await metricsOf(r)).get('tasks-relay') === true),
        );
        return flags.filter(Boolean).length === 1 ? flags.indexOf(true) : undefined;
      },
      'one tasks relay active',
      60_000,
    );
    const leader = replicas[leaderIndex];
    const survivor = replicas[1 - leaderIndex];
    if (leader === undefined || survivor === undefined) throw new Error('two replicas');

    // Every 200 ms, which replica's relays publish: never two of one relay id at once. Paused
    // around the kill, so that no sample straddles it.
    const sampler = {
      running: true,
      paused: false,
      samples: 0,
      /** relay id → replicas active in one sample, when more than one. */
      violations: [] as string[],
      /** The replica whose tasks relay was active, sample by sample, when it changed. */
      tasksLeaders: [] as string[],
      inFlight: Promise.resolve(),
    };
    const sample = async () => {
      const byReplica = await Promise.all(replicas.map(async (r) => activeRelays(await metricsOf(r))));
      sampler.samples += 1;
      const relayIds = new Set(byReplica.flatMap((relays) => [...relays.keys()]));
      for (const relay of relayIds) {
        const active = replicas.filter((_r, i) => byReplica[i]?.get(relay) === true).map((r) => r.name);
        if (active.length > 1) sampler.violations.push(`${relay}: ${active.join(' and ')}`);
        if (relay === 'tasks-relay' && active.length === 1 && sampler.tasksLeaders.at(-1) !== active[0]) {
          sampler.tasksLeaders.push(active[0] ?? '');
        }
      }
    };
    const sampling = (async () => {
      while (sampler.running) {
        if (!sampler.paused) {
          sampler.inFlight = sample();
          await sampler.inFlight;
        }
        await sleep(200);
      }
    })();

    // The load: eight clients, each creating a Task and moving it through its statuses.
    const outcomes: Outcome[] = [];
    /** Task id → the highest `meta.versionId` an acknowledged write of it answered. */
    const acknowledged = new Map<string, number>();
    let createsAcknowledged = 0;
    const load = { running: true };
    const call = async (
      bearer: string,
      method: string,
      path: string,
      body?: unknown,
      headers: Record<string, string> = {},
    ): Promise<TaskAnswer | undefined> => {
      const startedAt = Date.now();
      let status = 0;
      let resource: TaskAnswer = {};
      try {
        const response = await fetch(`${network.fhirBase}/${path}`, {
          method,
          headers: {
            authorization: `Bearer ${bearer}`,
            ...(body !== undefined && {
              'content-type': Array.isArray(body) ? 'application/json-patch+json' : 'application/fhir+json',
            }),
            ...headers,
          },
          ...(body !== undefined && { body: JSON.stringify(body) }),
          signal: AbortSignal.timeout(30_000),
        });
        status = response.status;
        resource = (await response.json().catch(() => ({}))) as TaskAnswer;
      } catch {
        status = 0;
      }
      outcomes.push({ method, status, startedAt, endedAt: Date.now() });
      if (status < 200 || status > 299 || resource.resourceType !== 'Task' || resource.id === undefined) {
        return undefined;
      }
      if (method !== 'GET') {
        const version = Number(resource.meta?.versionId ?? 0);
        acknowledged.set(resource.id, Math.max(acknowledged.get(resource.id) ?? 0, version));
      }
      return resource;
    };
    const client = async (n: number) => {
      for (let round = 0; load.running; round++) {
        await sleep(20);
        const created = await call(gp, 'POST', 'Task', {
          resourceType: 'Task',
          status: 'requested',
          intent: 'order',
          code: { text: `Wound care ${n}.${round}` },
          for: { identifier: { system: INS, value: `2${String(n * 1_000_000 + round).padStart(14, '0')}` } },
          owner: { identifier: { system: IDNPS, value: NURSE } },
        });
        if (created?.id === undefined) continue;
        createsAcknowledged += 1;
        const path = `Task/${created.id}`;
        if ((await call(gp, 'GET', path)) === undefined) continue;
        const accepted = await call(nurse, 'PATCH', path, [
          { op: 'replace', path: '/status', value: 'accepted' },
        ]);
        if (accepted === undefined) continue;
        const started = await call(
          nurse,
          'PUT',
          path,
          { ...accepted, status: 'in-progress' },
          {
            'if-match': `W/"${accepted.meta?.versionId ?? ''}"`,
          },
        );
        if (started === undefined) continue;
        await call(nurse, 'PATCH', path, [{ op: 'replace', path: '/status', value: 'completed' }]);
      }
    };
    const loadStarted = Date.now();
    const clients = Promise.all(Array.from({ length: CLIENTS }, (_, n) => client(n)));

    // Midway, the publishing replica is killed, left down a few seconds, and started again.
    await sleep(KILL_AFTER_MS);
    await until(
      () => Promise.resolve(createsAcknowledged >= KILL_AFTER_CREATES ? true : undefined),
      `${KILL_AFTER_CREATES} creates acknowledged`,
      120_000,
    );
    sampler.paused = true;
    await sampler.inFlight;
    const [leaderMetrics, survivorMetrics] = await Promise.all([metricsOf(leader), metricsOf(survivor)]);
    const leaderBeforeKill = fhirRequests(leaderMetrics);
    const survivorBeforeKill = fhirRequests(survivorMetrics);
    const survivorPublishedBeforeKill = published(survivorMetrics, 'tasks-relay');
    const downFrom = Date.now();
    await network.kill(leader);
    sampler.paused = false;
    const whileDown = await until(
      async () => {
        const readiness = await gatewayReadiness();
        return readiness.components.some((c) => c.name === componentOf(leader) && !c.ready)
          ? readiness
          : undefined;
      },
      "the killed replica not ready in the gateway's /readyz",
      30_000,
    );
    await sleep(DOWN_MS);
    await network.restart(leader);
    const upAt = Date.now();
    // It serves once it listens; ready once its consumers rejoined their groups (after the killed
    // member's session timed out).
    const [leaderAtUp, survivorAtUp] = (await Promise.all([metricsOf(leader), metricsOf(survivor)])).map(
      fhirRequests,
    );
    await sleep(Math.max(AFTER_RESTART_MS, loadStarted + LOAD_MS - Date.now()));
    load.running = false;
    await clients;
    const loadEnded = Date.now();
    sampler.running = false;
    await sampling;
    await sample();

    const [leaderAfter, survivorAfter] = await Promise.all([metricsOf(leader), metricsOf(survivor)]);
    /** FHIR requests each replica answered: before the kill, until the restarted one was ready, after. */
    const phases = {
      leader: [leaderBeforeKill, leaderAtUp ?? 0, fhirRequests(leaderAfter) - (leaderAtUp ?? 0)],
      survivor: [
        survivorBeforeKill,
        (survivorAtUp ?? 0) - survivorBeforeKill,
        fhirRequests(survivorAfter) - (survivorAtUp ?? 0),
      ],
    };
    const notOk = (o: Outcome) => o.status < 200 || o.status > 299;
    const duringOutage = (o: Outcome) => o.endedAt >= downFrom && o.startedAt <= upAt;
    const refusedDown = outcomes.filter((o) => notOk(o) && duringOutage(o));
    const refusedOtherwise = outcomes.filter((o) => notOk(o) && !duringOutage(o));
    const tally = (list: readonly Outcome[]) => {
      const counts: Record<string, number> = {};
      for (const o of list) counts[`${o.method} ${o.status}`] = (counts[`${o.method} ${o.status}`] ?? 0) + 1;
      return counts;
    };

    // Every acknowledged create is there, at least at the version acknowledged.
    const reads = await Promise.all(
      [...acknowledged].map(async ([id, version]) => {
        const answer = await fetch(`${network.fhirBase}/Task/${id}`, {
          headers: { authorization: `Bearer ${gp}` },
        });
        const task = (await answer.json()) as TaskAnswer;
        return answer.status === 200 && Number(task.meta?.versionId ?? 0) >= version ? undefined : id;
      }),
    );

    // carenet.tasks, from the beginning: every revision of every acknowledged write.
    const kafka = new Kafka({
      clientId: 'tasks-replicas-test',
      brokers: network.kafkaBrokers.split(','),
      logLevel: logLevel.NOTHING,
    });
    const consumer = kafka.consumer({ groupId: `tasks-replicas-${randomBytes(4).toString('hex')}` });
    /** stream id → `ce_sequence` of each message, in the order of its partition. */
    const byKey = new Map<string, { id: string; sequence: number }[]>();
    let messages = 0;
    await consumer.connect();
    await consumer.subscribe({ topics: ['carenet.tasks'], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        messages += 1;
        const key = message.key?.toString('utf8') ?? '';
        const list = byKey.get(key) ?? [];
        list.push({
          id: header(message.headers, 'ce_id') ?? '',
          sequence: Number(header(message.headers, 'ce_sequence') ?? -1),
        });
        byKey.set(key, list);
        await Promise.resolve();
      },
    });
    const missing = () =>
      [...acknowledged].filter(([id, version]) => {
        const seen = new Set(byKey.get(`Task-${id}`)?.map((m) => m.sequence));
        return Array.from({ length: version }, (_, revision) => revision).some((r) => !seen.has(r));
      });
    try {
      await until(
        () => Promise.resolve(missing().length === 0 ? true : undefined),
        'every acknowledged revision on carenet.tasks',
        120_000,
      );
      // A moment more: a repeat would have come by now.
      await sleep(2_000);
    } finally {
      await consumer.disconnect();
    }
    let duplicates = 0;
    const inconsistent: string[] = [];
    const outOfOrder: string[] = [];
    const firstOf = new Map<string, { key: string; sequence: number }>();
    for (const [key, list] of byKey) {
      const firsts: number[] = [];
      for (const { id, sequence } of list) {
        const first = firstOf.get(id);
        if (first === undefined) {
          firstOf.set(id, { key, sequence });
          firsts.push(sequence);
        } else {
          duplicates += 1;
          if (first.key !== key || first.sequence !== sequence) inconsistent.push(id);
        }
      }
      if (firsts.some((sequence, i) => sequence !== i)) outOfOrder.push(`${key}: ${firsts.join(',')}`);
    }

    process.stdout.write(
      [
        `[replicas] load: ${CLIENTS} clients for ${((loadEnded - loadStarted) / 1000).toFixed(1)} s; ` +
          `${leader.name} (the publishing replica) killed after ${((downFrom - loadStarted) / 1000).toFixed(1)} s, ` +
          `restarted after ${DOWN_MS / 1000} s, ready ${((upAt - downFrom) / 1000).toFixed(1)} s after the kill`,
        `[replicas] ${createsAcknowledged} creates acknowledged, ${outcomes.length - refusedDown.length - refusedOtherwise.length} ` +
          `of ${outcomes.length} requests answered 2xx; ${acknowledged.size} Tasks with acknowledged writes`,
        `[replicas] refused while ${leader.name} was down: ${refusedDown.length} ${JSON.stringify(tally(refusedDown))}; ` +
          `otherwise: ${refusedOtherwise.length} ${JSON.stringify(tally(refusedOtherwise))}`,
        `[replicas] FHIR requests per replica (before the kill / kill to ready / after): ` +
          `${leader.name} ${phases.leader.join(' / ')}; ${survivor.name} ${phases.survivor.join(' / ')}`,
        `[replicas] relays sampled ${sampler.samples} times: ${sampler.violations.length} samples with two active; ` +
          `tasks relay publishing: ${sampler.tasksLeaders.join(' → ')}; events published by ${survivor.name}'s tasks relay ` +
          `${survivorPublishedBeforeKill} before the kill, ${published(survivorAfter, 'tasks-relay')} in all; ` +
          `by ${leader.name}'s after its restart ${published(leaderAfter, 'tasks-relay')}`,
        `[replicas] carenet.tasks: ${messages} messages, ${firstOf.size} event ids, ${duplicates} repeats ` +
          `(${inconsistent.length} not exact), ${outOfOrder.length} streams out of order`,
        '',
      ].join('\n'),
    );

    // Nothing acknowledged is lost.
    expect(reads.filter((id) => id !== undefined)).toEqual([]);
    expect(createsAcknowledged).toBeGreaterThan(0);
    // Both replicas served, the restarted one too.
    expect(phases.leader[0]).toBeGreaterThan(0);
    expect(phases.leader[1]! + phases.leader[2]!).toBeGreaterThan(0);
    expect(phases.survivor[0]).toBeGreaterThan(0);
    expect(phases.survivor[2]).toBeGreaterThan(0);
    // With both replicas up, the gateway answered everything; while one was down it stayed ready
    // and said which replica was not.
    expect(refusedOtherwise).toEqual([]);
    expect(whileDown.status).toBe('ready');
    expect(whileDown.components).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: componentOf(leader), ready: false }),
        { name: componentOf(survivor), ready: true },
      ]),
    );
    // A GET is never refused: one the killed replica had under way, or one sent to it while it was
    // down, went to the other replica. (POST and PATCH are never sent again; nor is a PUT whose
    // connection broke under it: the killed replica may have acted on it.)
    expect(refusedDown.filter((o) => o.method === 'GET')).toEqual([]);
    // One publishing relay at a time, the survivor taking over from the killed one and keeping it.
    expect(sampler.violations).toEqual([]);
    expect(sampler.tasksLeaders).toEqual([leader.name, survivor.name]);
    // On Kafka: every event of every acknowledged write, in revision order per stream; repeats only
    // exact ones, of the batch the killed relay had in flight at most.
    expect(missing()).toEqual([]);
    expect(outOfOrder).toEqual([]);
    expect(inconsistent).toEqual([]);
    expect(duplicates).toBeLessThanOrEqual(RELAY_BATCH);
  }, 300_000);
});
