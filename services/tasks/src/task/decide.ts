import type { Actor } from '@carenet/access';
import { assertNever, BusinessRuleError, ForbiddenError, jsonEqual } from '@carenet/eventsourcing';
import { actsAs, sameParty, type Party } from '@carenet/access/party';
import {
  expectedAccountable,
  holdersForMode,
  ledgerKeepsInvariant,
  recordAssignments,
  responsibilityInLedger,
  type ResponsibilityAssignment,
  type ResponsibilityBasis,
  type ResponsibilityLedger,
  type ResponsibilityRole,
} from './responsibility.js';
import type {
  ChangeTaskDetails,
  ChangeTaskElements,
  ChangeTaskOwner,
  CreateTask,
  MarkTaskOverdue,
  TaskCommand,
  TaskStatusCommand,
  TransferTask,
} from './task-commands.js';
import { TASK_DETAIL_KEYS, type TaskContent, type TaskDetails } from './task-content.js';
import type { TaskEvent } from './task-events.js';
import {
  ownerAt,
  requireOwner,
  requireOwnerOrAccountable,
  requireParty,
  requireRequester,
  requireRequesterOrCreatingSystem,
  requireRequesterOrAdministrator,
  requireSystem,
} from './task-permissions.js';
import { TASK_RULES } from './task-rules.js';
import type { ExistingTask, TaskState } from './task-state.js';
import {
  INITIAL_STATUSES,
  isFinished,
  TASK_STATE_MACHINE,
  targetOf,
  type TaskStatus,
} from './task-state-machine.js';
import type { TaskCodeableConcept, TaskElements } from './task-values.js';

/** `{ key: value }`, or `{}` when the value is undefined (for optional properties). */
function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return (value === undefined ? {} : { [key]: value }) as Partial<Record<K, V>>;
}

function fact(task: ExistingTask, command: { actor: Actor; now: string }) {
  return { taskId: task.id, by: command.actor, at: command.now };
}

function illegalTransition(from: TaskStatus, to: TaskStatus): BusinessRuleError {
  return new BusinessRuleError(
    TASK_RULES.illegalTransition,
    `a task cannot go from ${from} to ${to} (FHIR R4 Task state machine)`,
  );
}

/** The status the command moves to, if the table allows it from the current status. */
function requireTransition(task: ExistingTask, command: TaskStatusCommand): TaskStatus {
  const to = targetOf(command.type);
  if (TASK_STATE_MACHINE[task.status][to] !== command.type) throw illegalTransition(task.status, to);
  return to;
}

function hasContent(reason: TaskCodeableConcept | undefined): reason is TaskCodeableConcept {
  return reason !== undefined && ((reason.text ?? '').trim() !== '' || (reason.coding?.length ?? 0) > 0);
}

function requireReason(reason: TaskCodeableConcept | undefined, to: TaskStatus): TaskCodeableConcept {
  if (!hasContent(reason)) {
    throw new BusinessRuleError(
      TASK_RULES.statusReasonRequired,
      `a task moving to ${to} needs a statusReason`,
    );
  }
  return reason;
}

function requireInvariant(task: Pick<TaskContent, 'mode'>, ledger: ResponsibilityLedger): void {
  const expected = expectedAccountable(task.mode);
  if (!ledgerKeepsInvariant(ledger, expected)) {
    throw new BusinessRuleError(
      TASK_RULES.responsibilityInvariant,
      `a ${task.mode} task has exactly ${expected} distinct accountable part${expected === 1 ? 'y' : 'ies'} at any instant`,
    );
  }
}

function requireOpen(task: ExistingTask, what: string): void {
  if (isFinished(task.status)) {
    throw new BusinessRuleError(
      TASK_RULES.finished,
      `task ${task.id} is ${task.status}: ${what} is no longer possible`,
    );
  }
}

/** The default basis: the protocol, else the care plan, else an agreement between the parties. */
function defaultBasis(details: TaskDetails): ResponsibilityBasis {
  if (details.instantiatesCanonical !== undefined)
    return { kind: 'protocol', reference: details.instantiatesCanonical };
  const carePlan = details.basedOn.find((ref) => ref.reference?.split('/').at(-2) === 'CarePlan');
  if (carePlan?.reference !== undefined) return { kind: 'care-plan', reference: carePlan.reference };
  return { kind: 'agreement' };
}

function contentOf(task: ExistingTask): TaskContent {
  const {
    exists: _exists,
    id: _id,
    status: _status,
    statusReason: _statusReason,
    accepted: _accepted,
    outputs: _outputs,
    overdueNotifiedFor: _overdue,
    lastModified: _lastModified,
    lastModifiedBy: _lastModifiedBy,
    createdBy: _createdBy,
    executionPeriod: _executionPeriod,
    responsibility: _responsibility,
    ...content
  } = task;
  return content;
}

interface AssignmentContext {
  readonly mode: TaskContent['mode'];
  readonly basis: ResponsibilityBasis;
  readonly validFrom: string;
  readonly validTo?: string;
  readonly reason: TaskCodeableConcept;
  readonly actor: Actor;
  readonly now: string;
}

function assign(
  holder: Party,
  role: ResponsibilityRole,
  context: AssignmentContext,
): ResponsibilityAssignment {
  return {
    holder,
    role,
    mode: context.mode,
    basis: context.basis,
    validFrom: context.validFrom,
    ...optional('validTo', context.validTo),
    reason: context.reason,
    recordedBy: context.actor,
    recordedAt: context.now,
  };
}

function createTask(command: CreateTask, state: TaskState): TaskEvent[] {
  if (state.exists) throw new BusinessRuleError(TASK_RULES.alreadyExists, `task ${state.id} exists already`);
  if (!(INITIAL_STATUSES as readonly string[]).includes(command.status)) {
    throw new BusinessRuleError(
      TASK_RULES.initialStatus,
      `a task is created as draft, requested or ready, not ${command.status}`,
    );
  }
  if (!actsAs(command.actor, command.requester) && command.actor.kind !== 'system') {
    throw new ForbiddenError('a task is created by its requester, or by a system on the requester’s behalf');
  }
  if (command.owner === undefined && command.status !== 'draft') {
    throw new BusinessRuleError(TASK_RULES.ownerRequired, `a ${command.status} task needs an owner`);
  }
  if (command.mode === 'sharing' && command.coOwner === undefined) {
    throw new BusinessRuleError(
      TASK_RULES.coOwnerRequired,
      'a sharing task names its second accountable party',
    );
  }
  if (command.mode !== 'sharing' && command.coOwner !== undefined) {
    throw new BusinessRuleError(TASK_RULES.coOwnerOnlyForSharing, `a ${command.mode} task has no co-owner`);
  }
  if (command.mode === 'transfer' && command.responsibilityMoves === undefined) {
    throw new BusinessRuleError(
      TASK_RULES.responsibilityMovesRequired,
      'a transfer task says whether responsibility moves to the owner',
    );
  }
  if (command.mode !== 'transfer' && command.responsibilityMoves !== undefined) {
    throw new BusinessRuleError(
      TASK_RULES.responsibilityMovesOnlyForTransfer,
      `whether responsibility moves is said of a transfer, not of a ${command.mode}`,
    );
  }
  const task: TaskContent = {
    ...command.details,
    intent: command.intent,
    mode: command.mode,
    for: command.for,
    requester: command.requester,
    ...optional('owner', command.owner),
    ...optional('coOwner', command.coOwner),
    ...optional('responsibilityMoves', command.responsibilityMoves),
    ...optional('partOf', command.partOf),
    ...optional('partOfReference', command.partOfReference),
    ...optional('identifiers', command.identifiers),
    authoredOn: command.authoredOn ?? command.now,
    ...optional('lastModified', command.lastModified),
    ...optional('elements', nonEmptyElements(command.elements)),
  };
  const holders = holdersForMode({ ...task, isPart: task.partOf !== undefined });
  const context: AssignmentContext = {
    mode: command.mode,
    basis: command.basis ?? defaultBasis(command.details),
    validFrom: command.now,
    reason: { text: `task created (${command.mode})` },
    actor: command.actor,
    now: command.now,
  };
  const assignments = [
    ...holders.accountable.map((party) => assign(party, 'accountable', context)),
    ...(holders.performer === undefined ? [] : [assign(holders.performer, 'performer', context)]),
  ];
  requireInvariant(task, recordAssignments([], assignments));
  const data = { taskId: command.taskId, by: command.actor, at: command.now, task, assignments };
  switch (command.status) {
    case 'draft':
      return [{ type: 'TaskDrafted', data }];
    case 'requested':
      return [{ type: 'TaskRequested', data }];
    case 'ready':
      return [{ type: 'TaskReadied', data }];
  }
}

function changeDetails(command: ChangeTaskDetails, task: ExistingTask): TaskEvent[] {
  const changed: Partial<Record<keyof TaskDetails, unknown>> = {};
  const removed: (keyof TaskDetails)[] = [];
  for (const key of TASK_DETAIL_KEYS) {
    // A priority given where none was is `priorityGiven: true`, not a removal.
    const given = key === 'priorityGiven';
    const before = given ? (task[key] ?? true) : task[key];
    const after = given ? (command.details[key] ?? true) : command.details[key];
    if (jsonEqual(before, after)) continue;
    if (after === undefined) removed.push(key);
    else changed[key] = after;
  }
  if (removed.length === 0 && Object.keys(changed).length === 0) return [];
  requireOpen(task, 'changing the request');
  if (task.accepted) {
    const elements = [...Object.keys(changed), ...removed].join(', ');
    throw new BusinessRuleError(
      TASK_RULES.immutableAfterAcceptance,
      `the owner accepted task ${task.id}: its request is frozen (attempted to change ${elements})`,
    );
  }
  requireRequesterOrCreatingSystem(task, command.actor, 'changes the request');
  return [
    {
      type: 'TaskDetailsChanged',
      data: { ...fact(task, command), changed: changed as Partial<TaskDetails>, removed },
    },
  ];
}

/** The elements kept as given, or `undefined` when there are none. */
function nonEmptyElements(elements: TaskElements | undefined): TaskElements | undefined {
  return elements === undefined || Object.keys(elements).length === 0 ? undefined : elements;
}

function changeElements(command: ChangeTaskElements, task: ExistingTask): TaskEvent[] {
  const before = task.elements ?? {};
  const changed: Record<string, TaskElements[string]> = {};
  for (const [key, value] of Object.entries(command.elements)) {
    if (!jsonEqual(before[key], value)) changed[key] = value;
  }
  const removed = Object.keys(before).filter((key) => !(key in command.elements));
  const given = command.restated ?? {};
  if (
    given.for !== undefined &&
    (given.for.system !== task.for.system || given.for.value !== task.for.value)
  ) {
    throw new BusinessRuleError(TASK_RULES.immutableElement, 'a restated patient is the same patient');
  }
  if (
    given.partOfReference !== undefined &&
    (task.partOf === undefined || given.partOfReference.reference !== `Task/${task.partOf}`)
  ) {
    throw new BusinessRuleError(TASK_RULES.immutableElement, 'a restated partOf names the same parent task');
  }
  const restated = {
    ...optional('for', given.for !== undefined && !jsonEqual(given.for, task.for) ? given.for : undefined),
    ...optional(
      'partOfReference',
      given.partOfReference !== undefined && !jsonEqual(given.partOfReference, task.partOfReference)
        ? given.partOfReference
        : undefined,
    ),
    ...(['requester', 'owner', 'coOwner'] as const).reduce<
      Partial<Record<'requester' | 'owner' | 'coOwner', Party>>
    >((out, role) => {
      const party = given[role];
      const current = task[role];
      if (party === undefined || current === undefined || jsonEqual(party, current)) return out;
      if (!sameParty(party, current)) {
        throw new BusinessRuleError(
          TASK_RULES.immutableElement,
          `a restated ${role} names the same party (${role} changes by its own command)`,
        );
      }
      return { ...out, [role]: party };
    }, {}),
  };
  if (Object.keys(changed).length === 0 && removed.length === 0 && Object.keys(restated).length === 0) {
    return [];
  }
  requireOpen(task, 'changing its elements');
  requireParty(task, command.actor, command.now, 'changes its elements');
  return [
    {
      type: 'TaskElementsChanged',
      data: {
        ...fact(task, command),
        changed,
        removed,
        ...(Object.keys(restated).length === 0 ? {} : { restated }),
      },
    },
  ];
}

/** The assignments of the roles whose holders change, from `validFrom` on. */
function changedHolders(
  task: ExistingTask,
  next: { accountable: readonly Party[]; performer?: Party },
  context: AssignmentContext,
): ResponsibilityAssignment[] {
  const current = responsibilityInLedger(task.responsibility, context.validFrom);
  const sameSet = (a: readonly Party[], b: readonly Party[]) =>
    a.length === b.length && a.every((party) => b.some((other) => sameParty(party, other)));
  const assignments: ResponsibilityAssignment[] = [];
  if (current === undefined || !sameSet(current.accountable, next.accountable)) {
    assignments.push(...next.accountable.map((party) => assign(party, 'accountable', context)));
  }
  if (
    next.performer !== undefined &&
    (current?.performer === undefined || !sameParty(current.performer, next.performer))
  ) {
    assignments.push(assign(next.performer, 'performer', context));
  }
  return assignments;
}

function currentBasis(task: ExistingTask, at: string): ResponsibilityBasis {
  return responsibilityInLedger(task.responsibility, at)?.basis ?? defaultBasis(task);
}

function changeOwner(command: ChangeTaskOwner, task: ExistingTask): TaskEvent[] {
  requireOpen(task, 'reassigning the owner');
  if (task.status !== 'draft' && task.status !== 'requested') {
    throw new BusinessRuleError(
      TASK_RULES.ownerChangeAfterReceipt,
      `task ${task.id} is ${task.status}: its owner is no longer reassigned (use $transfer)`,
    );
  }
  requireRequesterOrCreatingSystem(task, command.actor, 'reassigns it');
  if (task.owner !== undefined && sameParty(task.owner, command.owner)) return [];
  const context: AssignmentContext = {
    mode: task.mode,
    basis: currentBasis(task, command.now),
    validFrom: command.now,
    reason: command.reason ?? { text: 'owner changed by the requester' },
    actor: command.actor,
    now: command.now,
  };
  const next = holdersForMode({ ...task, owner: command.owner, isPart: task.partOf !== undefined });
  const assignments = changedHolders(task, next, context);
  requireInvariant(task, recordAssignments(task.responsibility, assignments));
  return [
    {
      type: 'TaskOwnerChanged',
      data: {
        ...fact(task, command),
        ...optional('previousOwner', task.owner),
        owner: command.owner,
        ...optional('reason', command.reason),
        assignments,
      },
    },
  ];
}

function transfer(command: TransferTask, task: ExistingTask): TaskEvent[] {
  requireOpen(task, '$transfer');
  if (task.status === 'draft') {
    throw new BusinessRuleError(
      TASK_RULES.transferFromDraft,
      'a draft is reassigned by its requester, not transferred',
    );
  }
  requireOwnerOrAccountable(task, command.actor, command.now, 'transfers it');
  const start = command.period?.start ?? command.now;
  const end = command.period?.end;
  if (Date.parse(start) < Date.parse(command.now)) {
    throw new BusinessRuleError(
      TASK_RULES.transferRetroactive,
      `a transfer starts now or later (${start} is before ${command.now})`,
    );
  }
  if (end !== undefined && Date.parse(end) <= Date.parse(start)) {
    throw new BusinessRuleError(
      TASK_RULES.transferPeriodInvalid,
      `the transfer period ends (${end}) before it starts`,
    );
  }
  const current = responsibilityInLedger(task.responsibility, start);
  const from = current?.performer ?? ownerAt(task, command.now);
  if (from === undefined)
    throw new BusinessRuleError(TASK_RULES.ownerRequired, 'a task without owner is not transferred');
  if (sameParty(from, command.to)) {
    throw new BusinessRuleError(
      TASK_RULES.transferToSameOwner,
      'the task is transferred to the party performing it',
    );
  }
  const basis = command.basis ?? currentBasis(task, start);
  const context: AssignmentContext = {
    mode: 'transfer',
    basis,
    validFrom: start,
    ...optional('validTo', end),
    reason: command.reason,
    actor: command.actor,
    now: command.now,
  };
  const assignments = [assign(command.to, 'performer', context)];
  if (command.responsibilityMoves) {
    const accountable = current?.accountable ?? [task.requester];
    let kept: readonly Party[] = [];
    if (task.mode === 'sharing') {
      // The share of the party handing over moves; the other accountable party keeps hers.
      const withoutFrom = accountable.filter((party) => !sameParty(party, from));
      kept =
        withoutFrom.length < accountable.length
          ? withoutFrom
          : accountable.filter((party) => sameParty(party, task.requester));
    }
    assignments.push(...[...kept, command.to].map((party) => assign(party, 'accountable', context)));
  }
  requireInvariant(task, recordAssignments(task.responsibility, assignments));
  return [
    {
      type: 'ResponsibilityTransferred',
      data: {
        ...fact(task, command),
        from,
        to: command.to,
        reason: command.reason,
        responsibilityMoves: command.responsibilityMoves,
        ...optional('period', command.period === undefined ? undefined : { start, ...optional('end', end) }),
        basis,
        assignments,
      },
    },
  ];
}

function markOverdue(command: MarkTaskOverdue, task: ExistingTask): TaskEvent[] {
  requireSystem(command.actor, 'reports a task overdue');
  if (isFinished(task.status)) return [];
  const due = task.restrictionPeriod?.end;
  if (due === undefined || Date.parse(command.now) <= Date.parse(due)) {
    throw new BusinessRuleError(
      TASK_RULES.notOverdue,
      due === undefined
        ? `task ${task.id} has no due date`
        : `task ${task.id} is due ${due}, not overdue at ${command.now}`,
    );
  }
  if (task.overdueNotifiedFor === due) return [];
  return [{ type: 'TaskOverdue', data: { ...fact(task, command), due, status: task.status } }];
}

function changeStatus(command: TaskStatusCommand, task: ExistingTask): TaskEvent[] {
  const to = requireTransition(task, command);
  const data = fact(task, command);
  switch (command.type) {
    case 'SubmitTask':
      requireRequester(task, command.actor, 'submits it');
      if (task.owner === undefined)
        throw new BusinessRuleError(TASK_RULES.ownerRequired, 'a requested task needs an owner');
      return [{ type: 'TaskRequested', data: { ...data, task: contentOf(task), assignments: [] } }];
    case 'ReceiveTask':
      requireOwner(task, command.actor, command.now, 'receives it');
      return [{ type: 'TaskReceived', data }];
    case 'AcceptTask':
      requireOwner(task, command.actor, command.now, 'accepts it');
      return [{ type: 'TaskAccepted', data }];
    case 'RejectTask':
      requireOwner(task, command.actor, command.now, 'rejects it');
      return [{ type: 'TaskRejected', data: { ...data, reason: requireReason(command.reason, to) } }];
    case 'StartTask':
      requireOwner(task, command.actor, command.now, 'starts it');
      return [{ type: 'TaskStarted', data }];
    case 'PutTaskOnHold':
      requireOwner(task, command.actor, command.now, 'puts it on hold');
      return [{ type: 'TaskPutOnHold', data: { ...data, ...optional('reason', command.reason) } }];
    case 'ResumeTask':
      requireOwner(task, command.actor, command.now, 'resumes it');
      return [{ type: 'TaskResumed', data }];
    case 'CompleteTask':
      requireOwner(task, command.actor, command.now, 'completes it');
      return [{ type: 'TaskCompleted', data: { ...data, outputs: command.outputs } }];
    case 'FailTask':
      requireOwner(task, command.actor, command.now, 'fails it');
      return [{ type: 'TaskFailed', data: { ...data, reason: requireReason(command.reason, to) } }];
    case 'CancelTask':
      requireRequesterOrCreatingSystem(task, command.actor, 'cancels it');
      return [{ type: 'TaskCancelled', data: { ...data, reason: requireReason(command.reason, to) } }];
    case 'MarkTaskEnteredInError':
      requireRequesterOrAdministrator(task, command.actor, 'marks it entered-in-error');
      return [
        {
          type: 'TaskEnteredInError',
          data: { ...data, previousStatus: task.status, ...optional('reason', command.reason) },
        },
      ];
    default:
      return assertNever(command);
  }
}

/** Decides what a command means for a Task: the events, or a typed error. Pure. */
export function decide(command: TaskCommand, state: TaskState): TaskEvent[] {
  if (command.type === 'CreateTask') return createTask(command, state);
  if (!state.exists) throw new BusinessRuleError(TASK_RULES.notCreated, 'the task does not exist');
  switch (command.type) {
    case 'ChangeTaskDetails':
      return changeDetails(command, state);
    case 'ChangeTaskElements':
      return changeElements(command, state);
    case 'ChangeTaskOwner':
      return changeOwner(command, state);
    case 'TransferTask':
      return transfer(command, state);
    case 'MarkTaskOverdue':
      return markOverdue(command, state);
    default:
      return changeStatus(command, state);
  }
}
