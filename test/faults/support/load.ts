// A steady load of FHIR writes through the gateway: each client creates a Task and moves it
// through its statuses (accepted, in-progress, completed), and every fifth round drafts a PPCS,
// has it validated, agreed and activated (its action becomes a Task through the consumers). Every
// write that got a 2xx is an acknowledged write; anything else (503 during a fault, a refused
// connection, a timeout) is counted but not acknowledged.
import { randomInt } from 'node:crypto';
import { ppcsDraft } from '../../e2e/support/ppcs-draft.js';
import { sleep } from './platform.js';

export interface AcknowledgedWrite {
  readonly resourceType: 'Task' | 'CarePlan';
  readonly id: string;
  /** `meta.versionId` of the answer (0 when the answer carried none). */
  readonly versionId: number;
}

export interface LoadTokens {
  /** Creates the Tasks (a GP). */
  readonly gp: string;
  /** Owns them and moves their status (a nurse, 810000000002). */
  readonly nurse: string;
  /** Drafts and activates the PPCS (a nurse coordinator, 870000000001). */
  readonly coordinator: string;
  /** Validates the PPCS (its médecin traitant, doctor 810000000005). */
  readonly medecinTraitant: string;
}

export interface RunningLoad {
  readonly acknowledged: AcknowledgedWrite[];
  /** CarePlans whose activation was acknowledged: their action must become exactly one Task. */
  readonly activatedPlans: string[];
  /** Outcomes of every write: `201`, `503`, `network`, `timeout`… → count. */
  readonly outcomes: Map<string, number>;
  stop(): Promise<void>;
}

const NIR = 'urn:oid:1.2.250.1.213.1.4.8';
const IDNPS = 'urn:oid:1.2.250.1.71.4.2.1';
const PAUSE_MS = 200;
const professional = (value: string) => ({ identifier: { system: IDNPS, value } });
const randomIns = () => `2${String(randomInt(10 ** 13)).padStart(14, '0')}`;

export function startLoad(base: string, tokens: LoadTokens, clients = 4): RunningLoad {
  const acknowledged: AcknowledgedWrite[] = [];
  const activatedPlans: string[] = [];
  const outcomes = new Map<string, number>();
  const state = { running: true };
  const isRunning = () => state.running;
  const count = (outcome: string) => outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);

  /** One write; its resource when it was acknowledged. */
  async function write(
    bearer: string,
    method: string,
    path: string,
    body: unknown,
  ): Promise<{ id: string; status?: string } | undefined> {
    let response: Response;
    try {
      response = await fetch(`${base}/fhir/${path}`, {
        method,
        headers: {
          authorization: `Bearer ${bearer}`,
          'content-type': Array.isArray(body) ? 'application/json-patch+json' : 'application/fhir+json',
        },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(5_000),
      });
    } catch (error) {
      count((error as Error).name === 'TimeoutError' ? 'timeout' : 'network');
      return undefined;
    }
    count(String(response.status));
    let resource: { resourceType?: string; id?: string; status?: string; meta?: { versionId?: string } };
    try {
      resource = (await response.json()) as typeof resource;
    } catch {
      resource = {};
    }
    if (response.status < 200 || response.status > 299) return undefined;
    const type = resource.resourceType;
    if ((type === 'Task' || type === 'CarePlan') && resource.id !== undefined) {
      acknowledged.push({
        resourceType: type,
        id: resource.id,
        versionId: Number(resource.meta?.versionId ?? 0),
      });
      return { id: resource.id, ...(resource.status !== undefined && { status: resource.status }) };
    }
    // An operation's answer that is not the resource: acknowledged on the resource of the path.
    const [pathType, pathId] = path.split('/');
    if ((pathType === 'Task' || pathType === 'CarePlan') && pathId !== undefined) {
      acknowledged.push({ resourceType: pathType, id: pathId, versionId: 0 });
      return { id: pathId };
    }
    return undefined;
  }

  async function taskRound(): Promise<void> {
    const created = await write(tokens.gp, 'POST', 'Task', {
      resourceType: 'Task',
      status: 'requested',
      intent: 'order',
      code: { text: 'Wound care' },
      for: { identifier: { system: NIR, value: randomIns() } },
      owner: professional('810000000002'),
    });
    await sleep(PAUSE_MS);
    if (created === undefined) return;
    for (const status of ['accepted', 'in-progress', 'completed']) {
      if (!isRunning()) return;
      const moved = await write(tokens.nurse, 'PATCH', `Task/${created.id}`, [
        { op: 'replace', path: '/status', value: status },
      ]);
      await sleep(PAUSE_MS);
      // An unknown outcome leaves the Task where it may be: start a new one.
      if (moved === undefined) return;
    }
  }

  async function ppcsRound(): Promise<void> {
    const drafted = await write(
      tokens.coordinator,
      'POST',
      'CarePlan',
      ppcsDraft({
        patient: randomIns(),
        medecinTraitant: '810000000005',
        reviewDate: '2027-06-30',
        period: { start: '2027-01-04', end: '2027-01-18' },
      }),
    );
    await sleep(PAUSE_MS);
    if (drafted === undefined || !isRunning()) return;
    const id = drafted.id;
    const validated = await write(tokens.medecinTraitant, 'POST', `CarePlan/${id}/$validate-plan`, {
      resourceType: 'Parameters',
    });
    await sleep(PAUSE_MS);
    if (validated === undefined || !isRunning()) return;
    const agreed = await write(tokens.coordinator, 'POST', `CarePlan/${id}/$record-agreement`, {
      resourceType: 'Parameters',
      parameter: [
        { name: 'agreedBy', valueCode: 'patient' },
        { name: 'method', valueCode: 'oral' },
      ],
    });
    await sleep(PAUSE_MS);
    if (agreed === undefined || !isRunning()) return;
    const activated = await write(tokens.coordinator, 'PATCH', `CarePlan/${id}`, [
      { op: 'replace', path: '/status', value: 'active' },
    ]);
    await sleep(PAUSE_MS);
    if (activated !== undefined) activatedPlans.push(id);
  }

  async function client(): Promise<void> {
    for (let round = 1; isRunning(); round++) {
      if (round % 5 === 0) await ppcsRound();
      else await taskRound();
    }
  }

  const done = Promise.all(Array.from({ length: clients }, () => client()));
  return {
    acknowledged,
    activatedPlans,
    outcomes,
    async stop() {
      state.running = false;
      await done;
    },
  };
}
