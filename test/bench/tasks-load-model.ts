// What the Tasks mixed load works with: the GP and nurses, the delegations the GP sends, the open
// Tasks a nurse moves on, and the fill of the store before the load. Shared by the load (the
// benchmark process) and the service (its own process, tasks-service-child.ts).
import type { Actor } from '@carenet/access';
import type { Principal, RequestContext } from '@carenet/fhir';
import type { TasksService } from '@carenet/tasks';

export const NURSES = 200;
export const PATIENTS = 20_000;
export const IDNPS = 'urn:oid:1.2.250.1.71.4.2.1';
export const INS = 'urn:oid:1.2.250.1.213.1.4.8';
const PROFESSION = 'https://mos.esante.gouv.fr/NOS/TRE_G15-ProfessionSante/FHIR/TRE-G15-ProfessionSante';
const DAY_MS = 86_400_000;
/** Concurrent `provider.create` chains while filling. */
export const FILL_CONCURRENCY = 8;

export type Task = Parameters<NonNullable<TasksService['provider']['create']>>[0];
export type Status = Task['status'];

/** The statuses a filled Task goes through after creation (one path per Task, 1 in 20 each). */
const FILL_PATHS: readonly (readonly Status[])[] = [
  ...Array.from({ length: 8 }, () => []),
  ...Array.from({ length: 2 }, () => ['received'] as const),
  ...Array.from({ length: 4 }, () => ['accepted'] as const),
  ...Array.from({ length: 2 }, () => ['accepted', 'in-progress'] as const),
  ...Array.from({ length: 3 }, () => ['accepted', 'in-progress', 'completed'] as const),
  ['cancelled'],
];
const OPEN: readonly Status[] = ['requested', 'received', 'accepted', 'in-progress'];

const PRIORITIES = ['routine', 'routine', 'routine', 'urgent', 'asap', 'stat'] as const;
const CODES = [
  ['225358003', 'Wound care'],
  ['18629005', 'Administration of medication'],
  ['385763009', 'Hospice care'],
  ['33879002', 'Administration of vaccine'],
  ['395170001', 'Medication monitoring'],
] as const;

/** A small seeded generator (mulberry32): the same Tasks and requests from run to run. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export const pick = <T>(next: () => number, items: readonly T[]): T =>
  items[Math.floor(next() * items.length)]!;
export const nurseIdnps = (n: number) => `8100000${String(n).padStart(5, '0')}`;
/** The INS of patient `n`. */
export const patientIns = (n: number) => `2${String(n).padStart(14, '0')}`;

function professional(idnps: string, code: '10' | '60', name: string): Actor {
  return {
    kind: 'professional',
    identifier: { system: IDNPS, value: idnps },
    profession: { system: PROFESSION, code },
    sector: 'primary-care',
    name,
  };
}

export const GP = professional('810100000001', '10', 'Dr Anne Martin');
export const NURSE_ACTORS = Array.from({ length: NURSES }, (_, n) =>
  professional(nurseIdnps(n), '60', `Nurse ${n}`),
);

/** A delegation from the GP to nurse `nurse`, for one of `patients` patients, due within two months. */
export function delegation(next: () => number, nurse: number, now: number, patients = PATIENTS): Task {
  const end = now + Math.floor((next() * 65 - 5) * DAY_MS);
  const start = end - Math.floor((1 + next() * 6) * DAY_MS);
  const [code, display] = pick(next, CODES);
  return {
    resourceType: 'Task',
    status: 'requested',
    intent: 'order',
    priority: pick(next, PRIORITIES),
    code: { coding: [{ system: 'http://snomed.info/sct', code, display }] },
    description: 'Soin infirmier à domicile selon le protocole de coopération.',
    for: { identifier: { system: INS, value: patientIns(Math.floor(next() * patients)) } },
    owner: { type: 'Practitioner', identifier: { system: IDNPS, value: nurseIdnps(nurse) } },
    restriction: {
      period: { start: new Date(start).toISOString(), end: new Date(end).toISOString() },
    },
    note: [{ text: 'Patient à jeun non requis.' }],
  };
}

/** An open Task of a nurse's, as the load knows it: what a status change needs (If-Match). */
export interface OpenTask {
  readonly id: string;
  version: number;
  status: Status;
}

/** The next status the owner moves an open Task to (requested: accepted, or received first). */
export function nextStatus(status: Status, next: () => number): Status {
  switch (status) {
    case 'requested':
      return next() < 0.3 ? 'received' : 'accepted';
    case 'received':
      return 'accepted';
    case 'accepted':
      return 'in-progress';
    default:
      return 'completed';
  }
}

/** The Tasks the load works on: every id, and each nurse's open Tasks. */
export interface TaskPool {
  readonly ids: string[];
  readonly open: OpenTask[][];
}

/** Takes a Task out of its nurse's open list once it is finished. */
export function settle(pool: TaskPool, nurse: number, task: OpenTask): void {
  if (OPEN.includes(task.status)) return;
  const list = pool.open[nurse]!;
  const at = list.indexOf(task);
  if (at < 0) return;
  list[at] = list[list.length - 1]!;
  list.pop();
}

export interface Filled {
  readonly pool: TaskPool;
  readonly seconds: number;
  readonly commands: number;
  /** Status → count. */
  readonly statuses: Record<string, number>;
}

/**
 * Stores `total` Tasks through the service's own provider (decider, event store, read model and
 * search index in each append), `FILL_CONCURRENCY` chains at once; a share of them driven through
 * status changes by their nurse (or cancelled by the GP) so that statuses are mixed.
 */
export async function fill(
  tasks: TasksService,
  total: number,
  progress: (line: string) => void,
  /** How many patients the Tasks are spread over. */
  patients = PATIENTS,
): Promise<Filled> {
  const create = tasks.provider.create?.bind(tasks.provider);
  const update = tasks.provider.update?.bind(tasks.provider);
  if (create === undefined || update === undefined) throw new Error('the Task provider has no create/update');
  const contextOf = (actor: Actor): RequestContext => ({
    baseUrl: 'http://bench/fhir',
    requestId: 'fill',
    principal: { actor, allows: () => true } satisfies Principal,
  });
  const gp = contextOf(GP);
  const nurses = NURSE_ACTORS.map(contextOf);
  const pool: TaskPool = { ids: [], open: Array.from({ length: NURSES }, () => []) };
  const statuses: Record<string, number> = {};
  const now = Date.now();
  let done = 0;
  let reported = 0;
  let commands = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: FILL_CONCURRENCY }, async (_, worker) => {
      const next = random(1_000 + worker);
      for (let i = worker; i < total; i += FILL_CONCURRENCY) {
        const nurse = Math.floor(next() * NURSES);
        let stored = await create(delegation(next, nurse, now, patients), gp);
        commands += 1;
        for (const status of pick(next, FILL_PATHS)) {
          const by = status === 'cancelled' ? gp : nurses[nurse]!;
          const body: Task = {
            ...stored.resource,
            status,
            ...(status === 'cancelled' && { statusReason: { text: 'soins arrêtés' } }),
          };
          const id = stored.resource.id ?? '';
          ({ stored } = await update(id, body, { ifMatch: stored.versionId }, by));
          commands += 1;
        }
        const { id = '', status } = stored.resource;
        pool.ids.push(id);
        statuses[status] = (statuses[status] ?? 0) + 1;
        if (OPEN.includes(status)) pool.open[nurse]!.push({ id, version: Number(stored.versionId), status });
        done += 1;
        if (done - reported >= total / 5 || done === total) {
          reported = done;
          const seconds = (performance.now() - started) / 1000;
          progress(
            `tasks mixed load: filled ${done.toLocaleString('en-US')} Tasks (${Math.round(done / seconds)} Tasks/s, ${Math.round(commands / seconds)} commands/s)`,
          );
        }
      }
    }),
  );
  return { pool, seconds: (performance.now() - started) / 1000, commands, statuses };
}
