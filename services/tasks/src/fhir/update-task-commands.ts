import {
  type Actor,
  partyOfReference,
  partyReference,
  patientOfReference,
  patientReference,
  samePatient,
} from '@carenet/access';
import { BusinessRuleError, jsonEqual, ValidationIssues } from '@carenet/eventsourcing';
import type { Task } from 'fhir/r4.js';
import {
  commandForStatusChange,
  sameParty,
  TASK_DETAIL_KEYS,
  TASK_RULES,
  TASK_STATUSES,
  type ExistingTask,
  type Party,
  type TaskCommand,
  type TaskReference,
  type TaskStatus,
} from '../task/index.js';
import {
  containedTypeOf,
  givenInstant,
  intentOf,
  parentOf,
  statedCoOwner,
  statedMode,
  statedResponsibilityMoves,
} from './create-task-command.js';
import { TASK_EXTENSIONS } from './task-canonical.js';
import { instantPeriodOf, optional, taskDetailsOf } from './task-details-of-resource.js';
import { keptElementsOf, refuseModifiers } from './task-elements.js';
import { extensionPath } from './task-extension.js';

/** `Task.partOf` as given, when it names the same parent otherwise than it is served. */
function restatedParent(resource: Task, state: ExistingTask): TaskReference | undefined {
  const given = resource.partOf?.[0];
  if (given === undefined || state.partOf === undefined) return undefined;
  const served = state.partOfReference ?? { reference: `Task/${state.partOf}`, type: 'Task' };
  return jsonEqual(given, served) ? undefined : given;
}

function statusOf(resource: Task, issues: ValidationIssues): TaskStatus | undefined {
  const status = TASK_STATUSES.find((candidate) => candidate === resource.status);
  if (status === undefined) issues.add('Task.status', `is one of ${TASK_STATUSES.join(', ')}`);
  return status;
}

/**
 * The commands a PUT of a Task stands for, against its current state, in the order they run:
 *
 * 1. Elements fixed at creation must be as they are: `for`, `intent`, `requester`, `partOf`,
 *    `identifier`, and the mode, co-owner and responsibilityMoves extensions; a change is a
 *    BusinessRuleError `task-immutable-element` naming the elements (`Task.for`). The
 *    elements that have a default on create (requester, the three extensions) may be left
 *    out: absent means unchanged, not removed.
 * 2. Owner changed → ChangeTaskOwner (no reason: the domain records "owner changed by the
 *    requester"); an owner removed → BusinessRuleError `task-owner-required`.
 * 3. Request changed (code, description, focus, basedOn, instantiatesCanonical,
 *    restriction.period, priority, note, input) → ChangeTaskDetails with the full new details.
 * 3b. Elements kept as given changed (text, contained, businessStatus, encounter…), or the same
 *    patient or parties named with another reference, type or display → ChangeTaskElements.
 * 4. Status changed → the domain's transition command (`commandForStatusChange`), with the
 *    body's statusReason, and its outputs when completing. Always last.
 *
 * Order rule: reassignments and request changes run before the status moves, so a requester
 * may name the owner of a draft and submit it in one PUT, and a request is changed before it
 * can be frozen by the move (a request never changes after the move that accepts it).
 * `output` changed without a move to completed is a BusinessRuleError
 * `task-output-without-completion`; `executionPeriod` changed is `task-element-recorded-by-moves`;
 * `authoredOn` changed is `task-immutable-element` (absent: unchanged). Ignored, server-owned:
 * `meta`, `lastModified` (the instant of the change), the recordedBy extension, and
 * `statusReason` when the status does not change. Nothing changed → `[]`. The decider still
 * checks who may do each.
 */
export function updateTaskCommands(
  state: ExistingTask,
  resource: Task,
  input: { readonly actor: Actor; readonly now: string },
): TaskCommand[] {
  const issues = new ValidationIssues();
  const status = statusOf(resource, issues);
  const intent = intentOf(resource, issues);
  const mode = statedMode(resource, issues);
  const contained = containedTypeOf(resource);
  const coOwner = statedCoOwner(resource, issues, contained);
  const responsibilityMoves = statedResponsibilityMoves(resource, issues);
  const patient = patientOfReference(resource.for, 'Task.for', issues, contained);
  const requester =
    resource.requester === undefined
      ? undefined
      : partyOfReference(resource.requester, 'Task.requester', issues, contained);
  const owner =
    resource.owner === undefined
      ? undefined
      : partyOfReference(resource.owner, 'Task.owner', issues, contained);
  const partOf = parentOf(resource, issues);
  const details = taskDetailsOf(resource, issues);
  const authoredOn = givenInstant(resource.authoredOn, 'Task.authoredOn', issues);
  refuseModifiers(resource, issues);
  issues.throwIfAny();
  if (status === undefined || intent === undefined || patient === undefined || details === undefined) {
    return issues.fail();
  }

  const changed = [
    ...(samePatient(patient, state.for) ? [] : ['Task.for']),
    ...(authoredOn === undefined || authoredOn === state.authoredOn ? [] : ['Task.authoredOn']),
    ...(intent === state.intent ? [] : ['Task.intent']),
    ...(requester === undefined || sameParty(requester, state.requester) ? [] : ['Task.requester']),
    ...(partOf === state.partOf ? [] : ['Task.partOf']),
    ...(jsonEqual(resource.identifier ?? [], state.identifiers ?? []) ? [] : ['Task.identifier']),
    ...(mode === undefined || mode === state.mode ? [] : [extensionPath(TASK_EXTENSIONS.cooperationMode)]),
    ...(coOwner === undefined || (state.coOwner !== undefined && sameParty(coOwner, state.coOwner))
      ? []
      : [extensionPath(TASK_EXTENSIONS.coOwner)]),
    ...(responsibilityMoves === undefined || responsibilityMoves === state.responsibilityMoves
      ? []
      : [extensionPath(TASK_EXTENSIONS.responsibilityMoves)]),
  ];
  if (changed.length > 0) {
    throw new BusinessRuleError(
      TASK_RULES.immutableElement,
      `${changed.join(', ')} ${changed.length === 1 ? 'is' : 'are'} set when the task is created and never change`,
    );
  }

  if (
    resource.executionPeriod !== undefined &&
    !jsonEqual(instantPeriodOf(resource.executionPeriod), state.executionPeriod ?? {})
  ) {
    throw new BusinessRuleError(
      TASK_RULES.recordedByMoves,
      'Task.executionPeriod is recorded by the moves of the task (start when started, end when completed, failed or cancelled), not changed by a request',
    );
  }

  const issued = { actor: input.actor, now: input.now };
  const commands: TaskCommand[] = [];
  if (owner === undefined && state.owner !== undefined) {
    throw new BusinessRuleError(TASK_RULES.ownerRequired, 'the owner of a task is reassigned, never removed');
  }
  if (owner !== undefined && (state.owner === undefined || !sameParty(owner, state.owner))) {
    commands.push({ type: 'ChangeTaskOwner', ...issued, owner });
  }
  if (TASK_DETAIL_KEYS.some((key) => !jsonEqual(details[key], state[key]))) {
    commands.push({ type: 'ChangeTaskDetails', ...issued, details });
  }
  const elements = keptElementsOf(resource);
  // The same patient and parties, perhaps with another reference, type or display: restated.
  // Compared as served (an identifier's `type` is served even when it was not given).
  const restatedParty = (given: Party | undefined, current: Party | undefined) =>
    given === undefined ||
    current === undefined ||
    !sameParty(given, current) ||
    jsonEqual(partyReference(given), partyReference(current))
      ? undefined
      : given;
  const restated = {
    ...(jsonEqual(patientReference(patient), patientReference(state.for)) ? {} : { for: patient }),
    ...optional('requester', restatedParty(requester, state.requester)),
    ...optional('owner', restatedParty(owner, state.owner)),
    ...optional('coOwner', restatedParty(coOwner, state.coOwner)),
    ...optional('partOfReference', restatedParent(resource, state)),
  };
  if (!jsonEqual(elements, state.elements ?? {}) || Object.keys(restated).length > 0) {
    commands.push({
      type: 'ChangeTaskElements',
      ...issued,
      elements,
      ...(Object.keys(restated).length === 0 ? {} : { restated }),
    });
  }

  const outputs = resource.output ?? [];
  const completing = status === 'completed' && state.status !== 'completed';
  if (!completing && !jsonEqual(outputs, state.outputs)) {
    throw new BusinessRuleError(
      TASK_RULES.outputWithoutCompletion,
      'Task.output is recorded when the owner completes the task (status completed), not changed otherwise',
    );
  }
  const move = commandForStatusChange(state, status, {
    ...issued,
    ...optional('statusReason', resource.statusReason),
    ...(completing ? { outputs } : {}),
  });
  if (move !== undefined) commands.push(move);
  return commands;
}
