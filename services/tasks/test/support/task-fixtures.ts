// Actors, parties and histories shared by the Task decider tests.
import type { ProfessionalActor, SystemActor } from '@carenet/access';
import { fold } from '@carenet/eventsourcing';
import {
  partyOfActor,
  taskDecider,
  type CreateTask,
  type Party,
  type TaskCommand,
  type TaskDetails,
  type TaskEvent,
  type TaskStatus,
  type TaskStatusCommand,
  type TransitionCommandType,
} from '../../src/task/index.js';

const IDNPS = 'urn:oid:1.2.250.1.71.4.2.1';
const PROFESSION = 'https://mos.esante.gouv.fr/NOS/TRE_G15-ProfessionSante/FHIR/TRE-G15-ProfessionSante';

function professional(value: string, code: string, name: string): ProfessionalActor {
  return {
    kind: 'professional',
    identifier: { system: IDNPS, value },
    profession: { system: PROFESSION, code },
    sector: 'primary-care',
    name,
  };
}

/** Dr A, GP (requester of the delegations). */
export const GP = professional('810000000001', '10', 'Dr A');
/** IDEL N1 (owner), IDEL N2 (her replacement during leave). */
export const NURSE_1 = professional('860000000001', '60', 'N1');
export const NURSE_2 = professional('860000000002', '60', 'N2');
export const PHARMACIST = professional('821000000001', '21', 'Ph');
/** DAC coordinator C (distributes work). */
export const COORDINATOR = professional('870000000001', '60', 'C');
export const CLOCK: SystemActor = { kind: 'system', clientId: 'carenet-clock' };
export const ADMIN: SystemActor = { kind: 'system', clientId: 'carenet-ops', administrator: true };
export const EHR: SystemActor = { kind: 'system', clientId: 'ehr-msp' };

export function party(actor: ProfessionalActor | SystemActor): Party {
  const result = partyOfActor(actor);
  if (result === undefined) throw new TypeError('not a party');
  return result;
}

export const SSIAD: Party = {
  kind: 'organization',
  identifier: { system: 'https://finess.esante.gouv.fr', value: '330000001' },
  display: 'SSIAD',
};

export const TASK_ID = 'task-1';
export const CREATED = '2026-05-20T08:00:00.000Z';
export const LATER = '2026-05-21T08:00:00.000Z';
export const DUE = '2026-05-31T18:00:00.000Z';
export const AFTER_DUE = '2026-06-01T08:00:00.000Z';
export const PATIENT = { system: 'urn:oid:1.2.250.1.213.1.4.8', value: '279035121518989' };
export const REASON = { text: 'patient hospitalised' };

export const DETAILS: TaskDetails = {
  code: { coding: [{ system: 'http://snomed.info/sct', code: '225358003', display: 'Wound care' }] },
  basedOn: [{ reference: 'CarePlan/ppcs-1' }],
  restrictionPeriod: { end: DUE },
  priority: 'routine',
  notes: [],
  inputs: [],
};

/** A delegation from the GP to nurse N1, created as `status`. */
export function createTask(overrides: Partial<CreateTask> = {}): CreateTask {
  return {
    type: 'CreateTask',
    taskId: TASK_ID,
    actor: GP,
    now: CREATED,
    status: 'requested',
    intent: 'order',
    mode: 'delegation',
    for: PATIENT,
    requester: party(GP),
    owner: party(NURSE_1),
    details: DETAILS,
    ...overrides,
  };
}

/** The transition command, issued by whoever may issue it in the default delegation. */
export function transition(type: TransitionCommandType, now = LATER): TaskStatusCommand {
  switch (type) {
    case 'SubmitTask':
    case 'CancelTask':
    case 'MarkTaskEnteredInError':
      return type === 'SubmitTask' ? { type, actor: GP, now } : { type, actor: GP, now, reason: REASON };
    case 'RejectTask':
    case 'FailTask':
    case 'PutTaskOnHold':
      return { type, actor: NURSE_1, now, reason: REASON };
    case 'CompleteTask':
      return { type, actor: NURSE_1, now, outputs: [{ type: { text: 'report' }, valueString: 'done' }] };
    case 'ReceiveTask':
    case 'AcceptTask':
    case 'StartTask':
    case 'ResumeTask':
      return { type, actor: NURSE_1, now };
  }
}

/** The events of running commands in order from an empty stream. */
export function run(commands: readonly TaskCommand[], given: readonly TaskEvent[] = []): TaskEvent[] {
  const events = [...given];
  for (const command of commands) events.push(...taskDecider.decide(command, fold(taskDecider, events)));
  return events;
}

/** A path through the state machine to each status. */
const PATHS: Record<TaskStatus, { create: CreateTask; then: TransitionCommandType[] }> = {
  draft: { create: createTask({ status: 'draft' }), then: [] },
  requested: { create: createTask(), then: [] },
  received: { create: createTask(), then: ['ReceiveTask'] },
  accepted: { create: createTask(), then: ['AcceptTask'] },
  rejected: { create: createTask(), then: ['RejectTask'] },
  ready: { create: createTask({ status: 'ready' }), then: [] },
  cancelled: { create: createTask(), then: ['CancelTask'] },
  'in-progress': { create: createTask(), then: ['AcceptTask', 'StartTask'] },
  'on-hold': { create: createTask(), then: ['AcceptTask', 'StartTask', 'PutTaskOnHold'] },
  failed: { create: createTask(), then: ['AcceptTask', 'StartTask', 'FailTask'] },
  completed: { create: createTask(), then: ['AcceptTask', 'StartTask', 'CompleteTask'] },
  'entered-in-error': { create: createTask(), then: ['MarkTaskEnteredInError'] },
};

/** The events of a delegation brought to `status`. */
export function historyOf(status: TaskStatus): TaskEvent[] {
  const path = PATHS[status];
  return run([path.create, ...path.then.map((type) => transition(type))]);
}
