// Loads the demo territory through the public FHIR API of a gateway, as the professionals of the
// territory would (each request with the token of the one who does it), and moves each resource
// to the status it should have. Idempotent: every resource is created by a conditional create on
// its identifier (`If-None-Exist`), and a status is moved only when it is not yet where it should
// be, so a second load finds everything and changes nothing.
import type { Actor } from '@carenet/access';
import { carenetExtension } from '@carenet/fhir';
import { entriesOf, FhirSession, type FhirResource, type TokenSource } from './fhir-session.js';
import {
  demoScenario,
  type DemoPlan,
  type DemoScenario,
  type DemoTask,
  type FhirBody,
  type TaskMoves,
  type TaskTarget,
} from './scenario.js';
import {
  DEMO_IDENTIFIER_SYSTEM,
  demoCalendar,
  PATIENTS,
  PROFESSIONALS,
  references,
  type DemoCalendar,
  type Professional,
} from './territory.js';

/** The kinds of resource the territory holds, in the order the progress lines come. */
export const DEMO_KINDS = ['Patient', 'CareTeam', 'Goal', 'Consent', 'Task', 'CarePlan'] as const;
export type DemoKind = (typeof DEMO_KINDS)[number];

/** What a load did with one kind of resource. */
export interface KindReport {
  /** Resources of the territory of this kind. */
  readonly total: number;
  /** Created by this load. */
  readonly created: number;
  /** Created by the server in this load (the Tasks of the PPCS actions). */
  readonly createdByPlans: number;
  /** Found as an earlier load left them. */
  readonly found: number;
  /** Status changes, transfers, validations and agreements made by this load. */
  readonly changes: number;
}

export interface DemoLoadResult {
  readonly baseUrl: string;
  readonly kinds: Readonly<Record<DemoKind, KindReport>>;
  /** The nurse of the banner and the size of her work queue after the load. */
  readonly workQueue: { readonly nurse: Professional; readonly query: string; readonly size: number };
}

export interface DemoLoadOptions {
  /** The FHIR base URL to load through (`http://localhost:8080/fhir`). */
  readonly baseUrl: string;
  readonly tokens: TokenSource;
  /** Today, for the territory's relative dates (default: the clock). */
  readonly now?: Date;
  /** One line per kind of resource, when it is done. */
  readonly progress?: (line: string) => void;
  /** How long the Tasks of an activated PPCS may take to appear (default 120 s). */
  readonly planTasksWithinMs?: number;
}

/** The query of a professional's work queue, as the README's walk-through writes it. */
export function workQueueQuery(professional: Professional): string {
  const { system, value } = professional.actor.identifier;
  return `Task?owner:identifier=${system}|${value}&status=requested,received,accepted,in-progress&_sort=-priority,period`;
}

/** The Tasks of a PPCS did not appear in time. */
export class PlanTasksMissingError extends Error {
  constructor(plan: string, expected: number, found: number, waitedMs: number) {
    super(
      `the ${expected} actions of ${plan} did not all become Tasks within ${waitedMs / 1000} s (${found} found): ` +
        "is the gateway's background work running (consumer tasks.care-plan-actions)?",
    );
    this.name = 'PlanTasksMissingError';
  }
}

const ACTION_ID = carenetExtension('care-plan-action-id');
const VALIDATION = carenetExtension('care-plan-validation');
const AGREEMENT = carenetExtension('care-plan-agreement');
const ACTION_SYSTEM = 'https://carenet.example.org/fhir/NamingSystem/care-plan-action';
const OPEN_TASK = ['draft', 'requested', 'received', 'accepted', 'ready', 'in-progress', 'on-hold'];

/** The moves from `requested` to each target, by the owner. */
const TASK_PATHS: Readonly<Record<TaskTarget, readonly TaskTarget[]>> = {
  requested: [],
  accepted: ['accepted'],
  'in-progress': ['accepted', 'in-progress'],
  'on-hold': ['accepted', 'in-progress', 'on-hold'],
  completed: ['accepted', 'in-progress', 'completed'],
  rejected: ['rejected'],
};

type Counter = { -readonly [K in keyof KindReport]: KindReport[K] };
const counter = (): Counter => ({ total: 0, created: 0, createdByPlans: 0, found: 0, changes: 0 });

/** One line of progress: `Task       13  6 created, 7 created by the plans' actions, 9 changes`. */
export function progressLine(kind: DemoKind, report: KindReport): string {
  const parts = [
    report.created > 0 ? `${report.created} created` : '',
    report.createdByPlans > 0 ? `${report.createdByPlans} created by the plans' actions` : '',
    report.found > 0 ? `${report.found} already there` : '',
    report.changes > 0 ? `${report.changes} ${report.changes === 1 ? 'change' : 'changes'}` : '',
  ].filter((part) => part !== '');
  return `${kind.padEnd(9)}${String(report.total).padStart(3)}  ${parts.join(', ') || 'none'}`;
}

const versionOf = (resource: FhirResource): string => resource.meta?.versionId ?? '';
const extensionOf = (resource: Readonly<Record<string, unknown>>, url: string) =>
  (
    (resource.extension ?? []) as readonly {
      url: string;
      extension?: { url: string; valueBoolean?: boolean }[];
    }[]
  ).find((e) => e.url === url);
/** Whether a complex extension (validation, agreement) is there and covers the current actions. */
const isCurrent = (resource: FhirResource, url: string): boolean =>
  extensionOf(resource, url)?.extension?.some((e) => e.url === 'current' && e.valueBoolean === true) === true;

class TerritoryLoader {
  readonly kinds: Record<DemoKind, Counter> = {
    Patient: counter(),
    CareTeam: counter(),
    Goal: counter(),
    Consent: counter(),
    Task: counter(),
    CarePlan: counter(),
  };
  private readonly ids = new Map<string, string>();

  constructor(
    private readonly session: FhirSession,
    private readonly scenario: DemoScenario,
    private readonly calendar: DemoCalendar,
    private readonly options: DemoLoadOptions,
  ) {}

  private done(kind: DemoKind): void {
    this.options.progress?.(progressLine(kind, this.kinds[kind]));
  }

  /** A conditional create on `identifier`: the resource the server found (200) or created (201). */
  private async ensure(
    kind: DemoKind,
    actor: Actor,
    body: FhirBody,
    identifier: { readonly system: string; readonly value: string },
  ): Promise<FhirResource> {
    const answer = await this.session.as(actor, 'POST', kind, {
      body,
      headers: {
        'if-none-exist': `identifier=${encodeURIComponent(`${identifier.system}|${identifier.value}`)}`,
      },
    });
    const count = this.kinds[kind];
    count.total += 1;
    if (answer.status === 201) count.created += 1;
    else count.found += 1;
    return answer.body as FhirResource;
  }

  /**
   * A JSON Patch sent with `If-Match` until `done` holds: a 412 (the resource changed meanwhile, e.g.
   * a PPCS that follows its Tasks) reads it again and decides again.
   */
  private async patchUntil(
    kind: DemoKind,
    actor: Actor,
    start: FhirResource,
    done: (resource: FhirResource) => boolean,
    patch: (resource: FhirResource) => readonly unknown[],
  ): Promise<FhirResource> {
    let current = start;
    const path = `${kind}/${start.id}`;
    for (let attempt = 0; !done(current); attempt += 1) {
      if (attempt === 10) {
        throw new Error(
          `${path} changed under every one of 10 attempts to move it (412 each time): try again`,
        );
      }
      const answer = await this.session.as(actor, 'PATCH', path, {
        body: patch(current),
        headers: { 'if-match': `W/"${versionOf(current)}"` },
        accept: [412],
      });
      if (answer.status === 412) {
        current = (await this.session.as(actor, 'GET', path)).body as FhirResource;
      } else {
        current = answer.body as FhirResource;
        this.kinds[kind].changes += 1;
      }
    }
    return current;
  }

  async load(): Promise<DemoLoadResult> {
    const { scenario } = this;
    const gp = PROFESSIONALS.gp.actor;
    const coordinator = PROFESSIONALS.coordinator.actor;

    // The médecin traitant registers the patients (by INS): she is their first care relation.
    for (const patient of scenario.patients) {
      await this.ensure('Patient', gp, patient.body, {
        system: references.patient(patient.key).identifier.system,
        value: PATIENTS[patient.key].nir,
      });
    }
    this.done('Patient');

    // The coordinator forms each care team (she is its coordinator), sets the goals with the
    // patient and records the consents the patients gave her.
    for (const team of scenario.careTeams) {
      const resource = await this.ensure('CareTeam', coordinator, team.body, this.identifierOf(team.key));
      this.ids.set(team.key, resource.id);
    }
    this.done('CareTeam');
    for (const goal of scenario.goals) {
      const resource = await this.ensure('Goal', coordinator, goal.body, this.identifierOf(goal.key));
      this.ids.set(goal.key, resource.id);
      const then = goal.then;
      if (then === undefined) continue;
      await this.patchUntil(
        'Goal',
        coordinator,
        resource,
        (r) => r.lifecycleStatus === then.lifecycleStatus || r.lifecycleStatus !== 'active',
        () => [
          { op: 'replace', path: '/lifecycleStatus', value: then.lifecycleStatus },
          ...(then.achieved === true
            ? [
                {
                  op: 'add',
                  path: '/achievementStatus',
                  value: {
                    coding: [
                      { system: 'http://terminology.hl7.org/CodeSystem/goal-achievement', code: 'achieved' },
                    ],
                  },
                },
              ]
            : []),
        ],
      );
    }
    this.done('Goal');
    for (const consent of scenario.consents) {
      await this.ensure('Consent', coordinator, consent.body, this.identifierOf(consent.key));
    }
    this.done('Consent');

    // The PPCS: drafted by the coordinator, validated by the médecin traitant, agreed by the
    // patient, activated; their actions become Tasks (the tasks service's consumer).
    const plans = new Map<string, FhirResource>();
    const activatedNow = new Set<string>();
    for (const plan of scenario.plans) {
      const body = plan.body({
        careTeam: this.idOf(plan.careTeam),
        goals: plan.goals.map((key) => this.idOf(key)),
      });
      let resource = await this.ensure('CarePlan', coordinator, body, this.identifierOf(plan.key));
      if (plan.target !== 'draft' && resource.status === 'draft') {
        resource = await this.activate(resource);
        activatedNow.add(plan.key);
      }
      plans.set(plan.key, resource);
    }

    // The Tasks the professionals exchange directly, then those of the plans' actions.
    for (const task of scenario.tasks) await this.directTask(task);
    for (const plan of scenario.plans) {
      if (plan.target === 'draft') continue;
      const resource = plans.get(plan.key);
      if (resource === undefined) continue;
      const tasks = await this.planTasks(plan, resource);
      for (const [index, action] of plan.actions.entries()) {
        const task = tasks[index];
        if (task === undefined) continue;
        const count = this.kinds.Task;
        count.total += 1;
        if (activatedNow.has(plan.key)) count.createdByPlans += 1;
        else count.found += 1;
        await this.moveTask(task, action.task);
      }
    }
    this.done('Task');

    // Then the plans that have moved on: one suspended (its patient is in hospital), one completed.
    for (const plan of scenario.plans) {
      const resource = plans.get(plan.key);
      if (resource === undefined) continue;
      const target = plan.target;
      if (target !== 'on-hold' && target !== 'completed') continue;
      await this.patchUntil(
        'CarePlan',
        coordinator,
        resource,
        (r) => r.status === target || (r.status !== 'active' && r.status !== 'on-hold'),
        () => [{ op: 'replace', path: '/status', value: target }],
      );
    }
    this.done('CarePlan');

    const nurse = PROFESSIONALS.nurse;
    const query = workQueueQuery(nurse);
    const queue = await this.session.as(nurse.actor, 'GET', query);
    return {
      baseUrl: this.session.baseUrl,
      kinds: this.kinds,
      workQueue: { nurse, query, size: entriesOf(queue.body).length },
    };
  }

  private identifierOf(key: string) {
    return { system: DEMO_IDENTIFIER_SYSTEM, value: key };
  }

  private idOf(key: string): string {
    const id = this.ids.get(key);
    if (id === undefined) throw new Error(`the demo territory names ${key} before loading it`);
    return id;
  }

  /** Validation by the médecin traitant, the patient's agreement, activation: what is still missing. */
  private async activate(plan: FhirResource): Promise<FhirResource> {
    const gp = PROFESSIONALS.gp.actor;
    const coordinator = PROFESSIONALS.coordinator.actor;
    let current = plan;
    if (!isCurrent(current, VALIDATION)) {
      const note = 'Plan relu et validé en consultation.';
      current = (
        await this.session.as(gp, 'POST', `CarePlan/${current.id}/$validate-plan`, {
          body: { resourceType: 'Parameters', parameter: [{ name: 'note', valueString: note }] },
        })
      ).body as FhirResource;
      this.kinds.CarePlan.changes += 1;
    }
    if (!isCurrent(current, AGREEMENT)) {
      current = (
        await this.session.as(coordinator, 'POST', `CarePlan/${current.id}/$record-agreement`, {
          body: {
            resourceType: 'Parameters',
            parameter: [
              { name: 'agreedBy', valueCode: 'patient' },
              { name: 'method', valueCode: 'oral' },
            ],
          },
        })
      ).body as FhirResource;
      this.kinds.CarePlan.changes += 1;
    }
    return this.patchUntil(
      'CarePlan',
      coordinator,
      current,
      (r) => r.status !== 'draft',
      () => [{ op: 'replace', path: '/status', value: 'active' }],
    );
  }

  /** The Task of each action of an active plan, in the order of the actions, once they all exist. */
  private async planTasks(plan: DemoPlan, resource: FhirResource): Promise<(FhirResource | undefined)[]> {
    const coordinator = PROFESSIONALS.coordinator.actor;
    const activities = (resource.activity ?? []) as readonly Readonly<Record<string, unknown>>[];
    const actionIds = activities.map(
      (activity) => (extensionOf(activity, ACTION_ID) as { valueString?: string } | undefined)?.valueString,
    );
    const waitMs = this.options.planTasksWithinMs ?? 120_000;
    const deadline = Date.now() + waitMs;
    for (;;) {
      const answer = await this.session.as(
        coordinator,
        'GET',
        `Task?based-on=CarePlan/${resource.id}&_count=100`,
      );
      const byAction = new Map<string, FhirResource>();
      for (const task of entriesOf(answer.body)) {
        const ids = (task.identifier ?? []) as readonly { system?: string; value?: string }[];
        const value = ids.find((i) => i.system === ACTION_SYSTEM)?.value;
        if (value !== undefined) byAction.set(value, task);
      }
      const tasks = actionIds.map((id) =>
        id === undefined ? undefined : byAction.get(`${resource.id}#${id}`),
      );
      if (tasks.every((task) => task !== undefined)) return tasks;
      if (Date.now() > deadline) {
        throw new PlanTasksMissingError(plan.key, plan.actions.length, byAction.size, waitMs);
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  /** A Task the professionals exchange directly: created by its requester, moved by its owner. */
  private async directTask(task: DemoTask): Promise<void> {
    const requester = PROFESSIONALS[task.requester].actor;
    let resource = await this.ensure('Task', requester, task.body, this.identifierOf(task.key));
    resource = await this.moveTask(resource, task.moves);
    const transfer = task.transfer;
    if (transfer === undefined || !OPEN_TASK.includes(String(resource.status))) return;
    const to = references.professional(transfer.to);
    const owner = (resource.owner ?? {}) as { identifier?: { system?: string; value?: string } };
    if (owner.identifier?.system === to.identifier.system && owner.identifier.value === to.identifier.value) {
      return;
    }
    await this.session.as(PROFESSIONALS[task.moves.by].actor, 'POST', `Task/${resource.id}/$transfer`, {
      body: {
        resourceType: 'Parameters',
        parameter: [
          { name: 'owner', valueReference: to },
          { name: 'reason', valueString: transfer.reason },
          { name: 'responsibilityMoves', valueBoolean: false },
          { name: 'period', valuePeriod: { end: this.calendar.at(transfer.untilDays, 20) } },
        ],
      },
    });
    this.kinds.Task.changes += 1;
  }

  /**
   * Moves a Task along the R4 state machine to its target, by its owner, from wherever it is; a
   * Task already past its path (cancelled, or moved by hand since) is left as it is.
   */
  private async moveTask(task: FhirResource, moves: TaskMoves): Promise<FhirResource> {
    const path = TASK_PATHS[moves.status];
    const actor = PROFESSIONALS[moves.by].actor;
    const remaining = (resource: FhirResource): readonly TaskTarget[] => {
      const status = String(resource.status);
      if (status === 'requested' || status === 'received') return path;
      const at = path.indexOf(status as TaskTarget);
      return at < 0 ? [] : path.slice(at + 1);
    };
    return this.patchUntil(
      'Task',
      actor,
      task,
      (resource) => remaining(resource).length === 0,
      (resource) => {
        const next = remaining(resource)[0] ?? moves.status;
        return [
          { op: 'replace', path: '/status', value: next },
          ...(next === 'completed' && moves.output !== undefined
            ? [
                {
                  op: 'add',
                  path: '/output',
                  value: [{ type: { text: 'compte rendu' }, valueString: moves.output }],
                },
              ]
            : []),
          ...((next === 'rejected' || next === 'on-hold') && moves.reason !== undefined
            ? [{ op: 'add', path: '/statusReason', value: { text: moves.reason } }]
            : []),
        ];
      },
    );
  }
}

/**
 * Loads the demo territory through `options.baseUrl`, each request with the token `options.tokens`
 * gives for the professional who makes it. Throws GatewayUnreachableError when nothing answers,
 * GatewayRefusedError (with the OperationOutcome's diagnostics) when a request is refused.
 */
export async function loadDemoTerritory(options: DemoLoadOptions): Promise<DemoLoadResult> {
  const calendar = demoCalendar(options.now ?? new Date());
  const session = new FhirSession(options.baseUrl, options.tokens);
  return new TerritoryLoader(session, demoScenario(calendar), calendar, options).load();
}
