// `pnpm bench distributed-gateway` (issue 16): the distributed mode on this machine (every service
// a process, the gateway a proxy; `startLocalNetwork` of @carenet/testing on the run's PostgreSQL
// and Kafka). Prints:
//   - what the gateway adds: read by id and the work-queue search, through the gateway beside
//     straight to the tasks service (the ceiling), p50/p99 and req/s, rounds interleaved;
//   - how long a service decides on old facts: a CareTeam formed in care-plans → the tasks service
//     lets its nurse read the patient's Task (care-plans' events read from Kafka), p50/p99;
//   - the Tasks mixed load (reads, work queues, creates) through the distributed gateway beside the
//     embedded gateway (one process, the same PostgreSQL, no Kafka), rounds interleaved.
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createRunDirectory,
  createTestDatabase,
  devToken,
  startGatewayProcess,
  startLocalNetwork,
  type LocalNetwork,
  type RunningGateway,
} from '@carenet/testing';
import type { BenchContext, Benchmark } from './benchmark.js';
import { below, type Figure } from './figure.js';
import { quantile, runLoad, type LoadRequest, type LoadResult } from './http-load.js';
import { IDNPS, INS } from './tasks-load-model.js';

const NAME = 'distributed-gateway';
const NURSES = 10;
/** The mixed load's clients; the overhead is measured with one (latency, not queueing on 2 cores). */
const CONNECTIONS = 8;
const nurse = (n: number) => `8600000${String(n).padStart(5, '0')}`;
const patient = (n: number) => `2${String(n).padStart(14, '0')}`;

const taskBody = (n: number) =>
  JSON.stringify({
    resourceType: 'Task',
    status: 'requested',
    intent: 'order',
    priority: n % 5 === 0 ? 'urgent' : 'routine',
    code: { text: `Wound care ${n}` },
    for: { identifier: { system: INS, value: patient(n % 500) } },
    requester: { identifier: { system: IDNPS, value: '810100000001' } },
    owner: { identifier: { system: IDNPS, value: nurse(n % NURSES) } },
    restriction: { period: { end: new Date(Date.now() + (10 + (n % 20)) * 86_400_000).toISOString() } },
  });

interface Target {
  readonly name: string;
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  /** The FHIR base path on it (`/fhir`). */
  readonly token: string;
}

const headers = (token: string, json = false) => ({
  authorization: `Bearer ${token}`,
  accept: 'application/fhir+json',
  ...(json && { 'content-type': 'application/fhir+json' }),
});

async function seed(target: Target, count: number): Promise<string[]> {
  const ids: string[] = [];
  let n = 0;
  await runLoad(target.origin, CONNECTIONS, 600, () => {
    if (n >= count) return undefined;
    const body = taskBody(n++);
    return {
      method: 'POST',
      path: '/fhir/Task',
      headers: headers(target.token, true),
      body,
      parse: true,
      done: (status, answer) => {
        if (status === 201) ids.push((answer as { id: string }).id);
      },
    };
  });
  return ids;
}

const summary = (r: LoadResult) =>
  `${(r.requests / r.seconds).toFixed(0).padStart(6)} req/s  p50 ${quantile(r.latencies, 0.5).toFixed(2).padStart(6)} ms  p99 ${quantile(r.latencies, 0.99).toFixed(2).padStart(7)} ms  failures ${r.failures}`;

/** Rounds interleaved between targets; the latencies of each target's rounds merged. */
async function interleaved(
  targets: readonly Target[],
  rounds: number,
  seconds: number,
  next: (target: Target) => () => LoadRequest | undefined,
  connections = CONNECTIONS,
): Promise<Map<string, LoadResult>> {
  const merged = new Map<
    string,
    { requests: number; seconds: number; failures: number; latencies: number[] }
  >();
  for (let round = 0; round < rounds; round++) {
    for (const target of round % 2 === 0 ? targets : [...targets].reverse()) {
      const result = await runLoad(target.origin, connections, seconds, next(target));
      const so = merged.get(target.name) ?? { requests: 0, seconds: 0, failures: 0, latencies: [] };
      so.requests += result.requests;
      so.seconds += result.seconds;
      so.failures += result.failures;
      so.latencies.push(...result.latencies);
      merged.set(target.name, so);
    }
  }
  return new Map(
    [...merged].map(([name, r]) => [
      name,
      { ...r, failureSamples: [], latencies: Float64Array.from(r.latencies).sort() },
    ]),
  );
}

export const distributedGateway: Benchmark = {
  name: NAME,
  title: 'Distributed mode: the gateway proxy, facts across services, mixed load beside the embedded mode',
  async run(context: BenchContext): Promise<Figure[]> {
    const quick = context.quick;
    const rounds = quick ? 2 : 6;
    const seconds = quick ? 4 : 10;
    const seeded = quick ? 400 : 2_000;
    const run = createRunDirectory();
    const dataDir = mkdtempSync(join(tmpdir(), 'carenet-bench-network-'));
    let network: LocalNetwork | undefined;
    let embedded: RunningGateway | undefined;
    const embeddedDb = await createTestDatabase('bench-embedded');
    try {
      context.progress('starting the distributed mode: 3 services and the gateway as processes');
      network = await startLocalNetwork({
        run,
        dataDir,
        log: (line) => {
          context.progress(`network: ${line}`);
        },
        ...(process.env.DATABASE_URL !== undefined && { databaseUrl: process.env.DATABASE_URL }),
        ...(process.env.KAFKA_BROKERS !== undefined && { kafkaBrokers: process.env.KAFKA_BROKERS }),
        databasePrefix: `bench_${Date.now().toString(36)}`,
        dropDatabasesOnStop: true,
        env: { CARENET_LOG_LEVEL: 'warn' },
      });
      const gpArgs = ['--professional', '810100000001', '--profession', 'doctor', '--name', 'Dr A'];
      const gpToken = network.token(...gpArgs);
      const tasksOrigin = network.services.tasks[0]?.base ?? '';
      const gateway: Target = { name: 'through the gateway', origin: network.gateway.base, token: gpToken };
      const direct: Target = { name: 'straight to tasks', origin: tasksOrigin, token: gpToken };

      context.progress(`seeding ${seeded} Tasks through the gateway`);
      const ids = await seed(gateway, seeded);
      let i = 0;
      const readNext = (target: Target) => () => ({
        method: 'GET' as const,
        path: `/fhir/Task/${ids[i++ % ids.length] ?? ''}`,
        headers: headers(target.token),
      });
      const searchNext = (target: Target) => () => ({
        method: 'GET' as const,
        path: `/fhir/Task?owner:identifier=${encodeURIComponent(`${IDNPS}|${nurse(i++ % NURSES)}`)}&status=requested,accepted,in-progress&_count=20`,
        headers: headers(target.token),
      });
      context.progress(`gateway overhead: ${rounds} rounds of ${seconds} s per target, one connection`);
      const reads = await interleaved([direct, gateway], rounds, seconds, readNext, 1);
      const searches = await interleaved([direct, gateway], rounds, seconds, searchNext, 1);

      // How long the tasks service decides on old facts: a CareTeam formed in care-plans → its
      // nurse reads the patient's Task in the tasks service.
      const samples = quick ? 10 : 40;
      context.progress(
        `facts across services: ${samples} care teams formed, the Task read polled every 5 ms`,
      );
      const coordinatorToken = network.token(
        '--professional',
        '870000000001',
        '--profession',
        'nurse',
        '--name',
        'C',
      );
      const lags: number[] = [];
      for (let s = 0; s < samples; s++) {
        const memberIdnps = `8650000${String(s).padStart(5, '0')}`;
        const memberToken = network.token(
          '--professional',
          memberIdnps,
          '--profession',
          'nurse',
          '--name',
          `N${s}`,
        );
        const ins = `1${String(900_000 + s).padStart(14, '0')}`;
        const created = await fetch(`${network.fhirBase}/Task`, {
          method: 'POST',
          headers: headers(gpToken, true),
          body: JSON.stringify({
            resourceType: 'Task',
            status: 'requested',
            intent: 'order',
            code: { text: 'Dressing' },
            for: { identifier: { system: INS, value: ins } },
            requester: { identifier: { system: IDNPS, value: '810100000001' } },
            owner: { identifier: { system: IDNPS, value: '860000099999' } },
          }),
        });
        const task = (await created.json()) as { id: string };
        const member = (idnps: string, role: string) => ({
          role: [
            {
              coding: [{ system: 'https://carenet.example.org/fhir/CodeSystem/care-team-role', code: role }],
            },
          ],
          member: { type: 'Practitioner', identifier: { system: IDNPS, value: idnps } },
          period: { start: new Date(Date.now() - 86_400_000).toISOString() },
        });
        const team = await fetch(`${network.fhirBase}/CareTeam`, {
          method: 'POST',
          headers: headers(coordinatorToken, true),
          body: JSON.stringify({
            resourceType: 'CareTeam',
            status: 'active',
            subject: { type: 'Patient', identifier: { system: INS, value: ins } },
            participant: [member('870000000001', 'coordinator'), member(memberIdnps, 'nurse')],
          }),
        });
        if (team.status !== 201) throw new Error(`CareTeam: ${team.status} ${await team.text()}`);
        const formed = performance.now();
        for (;;) {
          const read = await fetch(`${tasksOrigin}/fhir/Task/${task.id}`, { headers: headers(memberToken) });
          await read.arrayBuffer();
          if (read.status === 200) break;
          if (performance.now() - formed > 30_000)
            throw new Error('the care team never reached the tasks service');
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
        lags.push(performance.now() - formed);
      }
      const lagSorted = Float64Array.from(lags).sort();

      // The mixed load: the distributed gateway beside the embedded one (one process, PostgreSQL, no Kafka).
      context.progress('starting the embedded gateway on PostgreSQL for the mixed load');
      embedded = await startGatewayProcess({
        env: { DATABASE_URL: embeddedDb.url, CARENET_LOG_LEVEL: 'warn' },
        dataDirPrefix: 'carenet-bench-embedded-',
      });
      const embeddedTarget: Target = {
        name: 'embedded gateway',
        origin: embedded.base,
        token: devToken(embedded, ...gpArgs),
      };
      const distributedTarget: Target = { ...gateway, name: 'distributed gateway' };
      const embeddedIds = await seed(embeddedTarget, seeded);
      let m = 0;
      const mixedNext = (target: Target) => {
        const own = target === embeddedTarget ? embeddedIds : ids;
        return (): LoadRequest => {
          const k = m++;
          if (k % 10 === 0)
            return {
              method: 'POST',
              path: '/fhir/Task',
              headers: headers(target.token, true),
              body: taskBody(k),
            };
          if (k % 10 < 3) return searchNext(target)();
          return {
            method: 'GET',
            path: `/fhir/Task/${own[k % own.length] ?? ''}`,
            headers: headers(target.token),
          };
        };
      };
      context.progress(
        `mixed load (70% reads, 20% work queues, 10% creates): ${rounds} rounds of ${seconds} s each`,
      );
      const mixed = await interleaved([embeddedTarget, distributedTarget], rounds, seconds, mixedNext);

      const print = (title: string, results: Map<string, LoadResult>) => [
        title,
        ...[...results].map(([name, r]) => `  ${name.padEnd(22)} ${summary(r)}`),
      ];
      const p50 = (r: LoadResult | undefined) => (r === undefined ? Number.NaN : quantile(r.latencies, 0.5));
      const p99 = (r: LoadResult | undefined) => (r === undefined ? Number.NaN : quantile(r.latencies, 0.99));
      const rate = (r: LoadResult | undefined) => (r === undefined ? Number.NaN : r.requests / r.seconds);
      context.report([
        `machine load average ${loadavg()[0]?.toFixed(1) ?? '?'} on 2 cores; ${seeded} Tasks`,
        ...print('read by id (one connection):', reads),
        ...print('work-queue search (one connection):', searches),
        `  the gateway adds: read p50 ${(p50(reads.get(gateway.name)) - p50(reads.get(direct.name))).toFixed(2)} ms, search p50 ${(p50(searches.get(gateway.name)) - p50(searches.get(direct.name))).toFixed(2)} ms`,
        `facts across services (CareTeam formed in care-plans → its nurse reads in tasks): p50 ${quantile(lagSorted, 0.5).toFixed(0)} ms, p99 ${quantile(lagSorted, 0.99).toFixed(0)} ms, max ${lagSorted[lagSorted.length - 1]?.toFixed(0) ?? '?'} ms over ${samples}`,
        ...print(`Tasks mixed load (${CONNECTIONS} connections):`, mixed),
      ]);
      const figure = (
        name: string,
        unit: string,
        value: number,
        ceiling: number,
        higherIsBetter: boolean,
        target?: Figure['target'],
      ): Figure => ({
        benchmark: NAME,
        name,
        unit,
        value,
        ceiling,
        higherIsBetter,
        ...(target && { target }),
      });
      return [
        figure(
          'read p50 added by the gateway',
          'ms',
          p50(reads.get(gateway.name)) - p50(reads.get(direct.name)),
          0,
          false,
          below(2, 'ms'),
        ),
        figure(
          'search p50 added by the gateway',
          'ms',
          p50(searches.get(gateway.name)) - p50(searches.get(direct.name)),
          0,
          false,
          below(2, 'ms'),
        ),
        figure(
          'read p99 through the gateway',
          'ms',
          p99(reads.get(gateway.name)),
          p99(reads.get(direct.name)),
          false,
        ),
        figure('facts across services p99', 'ms', quantile(lagSorted, 0.99), 0, false, below(1000, 'ms')),
        figure(
          'mixed load, distributed gateway',
          'req/s',
          rate(mixed.get(distributedTarget.name)),
          rate(mixed.get(embeddedTarget.name)),
          true,
        ),
      ];
    } finally {
      await embedded?.stop();
      await network?.stop();
      await embeddedDb.drop();
      run.remove();
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
};
