import { type Actor, partyOfReference, patientOfReference } from '@carenet/access';
import { BusinessRuleError, ValidationIssues } from '@carenet/eventsourcing';
import type { Reference, Task } from 'fhir/r4.js';
import {
  INITIAL_STATUSES,
  partyOfActor,
  TASK_INTENTS,
  TASK_RULES,
  type CooperationMode,
  type CreateTask,
  type InitialTaskStatus,
  type Party,
  type TaskIntent,
} from '../task/index.js';
import { cooperationModeOf } from './cooperation-mode-coding.js';
import { TASK_EXTENSIONS } from './task-canonical.js';
import { optional, taskDetailsOf } from './task-details-of-resource.js';
import { extensionPath, singleExtension } from './task-extension.js';

/** The mode a Task without the cooperation-mode extension is created in. */
export const DEFAULT_COOPERATION_MODE: CooperationMode = 'delegation';

/** `Task.intent`: carenet's cooperation Tasks are proposals, plans or orders (a profile constraint). */
export function intentOf(resource: Task, issues: ValidationIssues): TaskIntent | undefined {
  const intent = TASK_INTENTS.find((candidate) => candidate === resource.intent);
  if (intent === undefined) {
    issues.add(
      'Task.intent',
      `${resource.intent} is not taken here: a cooperation task is a ${TASK_INTENTS.join(', ')}`,
    );
  }
  return intent;
}

/** The cooperation mode stated by the extension, or `undefined` when the extension is absent. */
export function statedMode(resource: Task, issues: ValidationIssues): CooperationMode | undefined {
  const url = TASK_EXTENSIONS.cooperationMode;
  const extension = singleExtension(resource, url, issues);
  if (extension === undefined) return undefined;
  return cooperationModeOf(extension.valueCoding, `${extensionPath(url)}.valueCoding`, issues);
}

/** The co-owner stated by the extension (sharing), `undefined` when absent. */
export function statedCoOwner(resource: Task, issues: ValidationIssues): Party | undefined {
  const url = TASK_EXTENSIONS.coOwner;
  const extension = singleExtension(resource, url, issues);
  if (extension === undefined) return undefined;
  return partyOfReference(extension.valueReference, `${extensionPath(url)}.valueReference`, issues);
}

/** Whether responsibility moves, stated by the extension (transfer), `undefined` when absent. */
export function statedResponsibilityMoves(resource: Task, issues: ValidationIssues): boolean | undefined {
  const url = TASK_EXTENSIONS.responsibilityMoves;
  const extension = singleExtension(resource, url, issues);
  if (extension === undefined) return undefined;
  if (extension.valueBoolean === undefined) {
    issues.add(`${extensionPath(url)}.valueBoolean`, 'is required: whether responsibility moves');
    return;
  }
  return extension.valueBoolean;
}

const TASK_REFERENCE = /^Task\/([A-Za-z0-9\-.]{1,64})$/;

/** The parent Task (`Task.partOf`): one literal reference `Task/<id>`, or none. */
export function parentOf(resource: Task, issues: ValidationIssues): string | undefined {
  const partOf: readonly Reference[] = resource.partOf ?? [];
  if (partOf.length === 0) return undefined;
  if (partOf.length > 1) {
    issues.add('Task.partOf', 'a task is part of one task at most');
    return;
  }
  const id = TASK_REFERENCE.exec(partOf[0]?.reference ?? '')?.[1];
  if (id === undefined)
    issues.add('Task.partOf[0].reference', 'is a literal reference Task/<id> to the parent task');
  return id;
}

/** A party element given by reference, or the acting party when absent (`undefined` + issue if a patient). */
function partyOrActor(
  reference: Reference | undefined,
  path: string,
  actor: Actor,
  issues: ValidationIssues,
) {
  if (reference !== undefined) return partyOfReference(reference, path, issues);
  const party = partyOfActor(actor);
  if (party === undefined) issues.add(path, 'is required: a patient is not a party of the cooperation');
  return party;
}

/**
 * The CreateTask a POSTed FHIR Task stands for.
 *
 * - `status`: draft, requested or ready (else BusinessRuleError `task-initial-status`).
 * - `intent`: proposal, plan or order; another R4 intent is a ValidationError on `Task.intent`
 *   (it is valid R4 but outside carenet's Task profile: the body is refused as invalid content,
 *   like a patient not given by INS, rather than as a rule of the Task's life).
 * - mode: the cooperation-mode extension; absent, `delegation`. Co-owner and
 *   responsibilityMoves from their extensions (the decider checks they fit the mode).
 * - `for`: required, by INS or NAM identifier (`Task.for.identifier`).
 * - `requester`: by identifier; absent, the acting party. `owner`: by identifier (the decider
 *   requires it unless draft). Reference.type (Practitioner, Organization, Device) gives the
 *   kind of party; absent, the identifier system does.
 * - `partOf`: `Task/<id>`; `basedOn`, `focus`, `note`, `input`, `identifier` kept as given;
 *   `instantiatesCanonical` (the protocol), `restriction.period`, `priority` (default routine),
 *   `code` (required), `description`.
 * - Ignored, server-owned: `id`, `meta`, `authoredOn` (= now), `lastModified`, `statusReason`,
 *   `output`, `executionPeriod`, and the recordedBy extension. Other R4 elements carenet does
 *   not model (businessStatus, performerType, location, encounter, restriction.recipient…)
 *   are not kept either.
 * Every content issue is reported at once in one ValidationError.
 */
export function createTaskCommand(
  resource: Task,
  input: { readonly taskId: string; readonly actor: Actor; readonly now: string },
): CreateTask {
  const issues = new ValidationIssues();
  const intent = intentOf(resource, issues);
  const mode = statedMode(resource, issues) ?? DEFAULT_COOPERATION_MODE;
  const coOwner = statedCoOwner(resource, issues);
  const responsibilityMoves = statedResponsibilityMoves(resource, issues);
  const patient = patientOfReference(resource.for, 'Task.for', issues);
  const requester = partyOrActor(resource.requester, 'Task.requester', input.actor, issues);
  const owner =
    resource.owner === undefined ? undefined : partyOfReference(resource.owner, 'Task.owner', issues);
  const partOf = parentOf(resource, issues);
  const details = taskDetailsOf(resource, issues);
  issues.throwIfAny();
  if (intent === undefined || patient === undefined || requester === undefined || details === undefined) {
    return issues.fail();
  }
  const status = resource.status as string;
  if (!(INITIAL_STATUSES as readonly string[]).includes(status)) {
    throw new BusinessRuleError(
      TASK_RULES.initialStatus,
      `a task is created as draft, requested or ready, not ${status}`,
    );
  }
  return {
    type: 'CreateTask',
    taskId: input.taskId,
    actor: input.actor,
    now: input.now,
    status: status as InitialTaskStatus,
    intent,
    mode,
    for: patient,
    requester,
    ...optional('owner', owner),
    ...optional('coOwner', coOwner),
    ...optional('responsibilityMoves', responsibilityMoves),
    ...optional('partOf', partOf),
    ...(resource.identifier === undefined || resource.identifier.length === 0
      ? {}
      : { identifiers: resource.identifier }),
    details,
  };
}
