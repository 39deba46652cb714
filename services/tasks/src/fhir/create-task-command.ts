import { type Actor, type ContainedTypeOf, partyOfReference, patientOfReference } from '@carenet/access';
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
import { isInstant, optional, taskDetailsOf } from './task-details-of-resource.js';
import { keptElementsOf, refuseModifiers } from './task-elements.js';
import { extensionPath, singleExtension } from './task-extension.js';

/** The mode a Task without the cooperation-mode extension is created in. */
export const DEFAULT_COOPERATION_MODE: CooperationMode = 'delegation';

/**
 * `Task.intent`: carenet's cooperation Tasks are proposals, plans or orders (rule `task-intent`).
 * The other R4 intents (filler-order, original-order, reflex-order, instance-order, option,
 * directive, unknown) are refused with 422 on `Task.intent`: a filler's own order for work it
 * received is not a cooperation between professionals, and the events record only these three.
 */
export function intentOf(resource: Task, issues: ValidationIssues): TaskIntent | undefined {
  const intent = TASK_INTENTS.find((candidate) => candidate === resource.intent);
  if (intent === undefined) {
    issues.add(
      'Task.intent',
      `${resource.intent.slice(0, 40)} is valid R4 but refused by the network's rule ${TASK_RULES.intent}: a cooperation task is a ${TASK_INTENTS.join(', ')}`,
    );
  }
  return intent;
}

/** How `#id` references of the Task name its contained resources (their resourceType). */
export function containedTypeOf(resource: Task): ContainedTypeOf {
  const contained = resource.contained ?? [];
  return (reference) => contained.find((r) => r.id !== undefined && `#${r.id}` === reference)?.resourceType;
}

/**
 * A client-given date-time kept as given (`authoredOn`, `lastModified`): a full instant (a date
 * alone, `2016-03-10`, is valid R4 but the events record instants: 422 on the element).
 */
export function givenInstant(
  value: string | undefined,
  path: string,
  issues: ValidationIssues,
): string | undefined {
  if (value === undefined) return undefined;
  if (!isInstant(value)) {
    issues.add(
      path,
      `${value.slice(0, 40)} is kept as given only as a full date-time with seconds and time zone`,
    );
    return;
  }
  return value;
}

/**
 * Elements the Task's life records, refused in a create (rule `task-element-recorded-by-moves`):
 * `executionPeriod` (start and end come with the moves of the owner), `statusReason` (recorded
 * with a rejection, hold, failure, cancellation or entered-in-error), `output` (with completion).
 */
function refuseRecordedByMoves(resource: Task): void {
  const given = (['executionPeriod', 'statusReason', 'output'] as const).filter(
    (key) => resource[key] !== undefined,
  );
  if (given.length === 0) return;
  throw new BusinessRuleError(
    TASK_RULES.recordedByMoves,
    `${given.map((key) => `Task.${key}`).join(', ')} ${given.length === 1 ? 'is' : 'are'} recorded by the moves of the task's life (started, completed, rejected, on hold, failed, cancelled), not given when it is created`,
  );
}

/** The cooperation mode stated by the extension, or `undefined` when the extension is absent. */
export function statedMode(resource: Task, issues: ValidationIssues): CooperationMode | undefined {
  const url = TASK_EXTENSIONS.cooperationMode;
  const extension = singleExtension(resource, url, issues);
  if (extension === undefined) return undefined;
  return cooperationModeOf(extension.valueCoding, `${extensionPath(url)}.valueCoding`, issues);
}

/** The co-owner stated by the extension (sharing), `undefined` when absent. */
export function statedCoOwner(
  resource: Task,
  issues: ValidationIssues,
  contained?: ContainedTypeOf,
): Party | undefined {
  const url = TASK_EXTENSIONS.coOwner;
  const extension = singleExtension(resource, url, issues);
  if (extension === undefined) return undefined;
  return partyOfReference(
    extension.valueReference,
    `${extensionPath(url)}.valueReference`,
    issues,
    contained,
  );
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
  contained: ContainedTypeOf,
) {
  if (reference !== undefined) return partyOfReference(reference, path, issues, contained);
  const party = partyOfActor(actor);
  if (party === undefined) issues.add(path, 'is required: a patient is not a party of the cooperation');
  return party;
}

/**
 * The CreateTask a POSTed FHIR Task stands for.
 *
 * - `status`: draft, requested or ready (else BusinessRuleError `task-initial-status`).
 * - `intent`: proposal, plan or order; another R4 intent is a ValidationError on `Task.intent`
 *   (422: valid R4, refused by the network's rule `task-intent`).
 * - mode: the cooperation-mode extension; absent, `delegation`. Co-owner and
 *   responsibilityMoves from their extensions (the decider checks they fit the mode).
 * - `for`: required, by INS or NAM identifier, or by literal reference to a Patient (`Patient/x`,
 *   an absolute URL, `#id` of a contained Patient); kept as given (reference, type, display).
 * - `requester`: by identifier or literal reference; absent, the acting party. `owner`: the same
 *   (the decider requires it unless draft). Reference.type, the identifier system or the
 *   literal reference's type gives the kind of party; a Patient or RelatedPerson is refused.
 * - `partOf`: `Task/<id>`; `basedOn`, `focus`, `note`, `input`, `identifier` kept as given;
 *   `instantiatesCanonical` (the protocol), `restriction.period`, `priority` (default routine),
 *   `code` (required), `description`.
 * - `authoredOn`, `lastModified`: kept as given (full date-times), default now.
 * - Refused (422 `task-element-recorded-by-moves`): `executionPeriod`, `statusReason`, `output`.
 * - Refused (422 on the element): `modifierExtension`, `implicitRules`.
 * - Server-owned, ignored: `id`, `meta.versionId`, `meta.lastUpdated`, the recordedBy extension.
 * - Every other element (meta.profile/tag/security, text, contained, groupIdentifier, businessStatus, encounter,
 *   performerType, reasonCode, location, restriction.repetitions/recipient, other extensions…)
 *   is kept as given (`keptElementsOf`).
 * Every content issue is reported at once in one ValidationError.
 */
export function createTaskCommand(
  resource: Task,
  input: { readonly taskId: string; readonly actor: Actor; readonly now: string },
): CreateTask {
  const issues = new ValidationIssues();
  const intent = intentOf(resource, issues);
  const mode = statedMode(resource, issues) ?? DEFAULT_COOPERATION_MODE;
  const contained = containedTypeOf(resource);
  const coOwner = statedCoOwner(resource, issues, contained);
  const responsibilityMoves = statedResponsibilityMoves(resource, issues);
  const patient = patientOfReference(resource.for, 'Task.for', issues, contained);
  const requester = partyOrActor(resource.requester, 'Task.requester', input.actor, issues, contained);
  const owner =
    resource.owner === undefined
      ? undefined
      : partyOfReference(resource.owner, 'Task.owner', issues, contained);
  const partOf = parentOf(resource, issues);
  const details = taskDetailsOf(resource, issues);
  const authoredOn = givenInstant(resource.authoredOn, 'Task.authoredOn', issues);
  const lastModified = givenInstant(resource.lastModified, 'Task.lastModified', issues);
  refuseModifiers(resource, issues);
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
  refuseRecordedByMoves(resource);
  const elements = keptElementsOf(resource);
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
    ...(partOf === undefined ? {} : optional('partOfReference', resource.partOf?.[0])),
    ...(resource.identifier === undefined || resource.identifier.length === 0
      ? {}
      : { identifiers: resource.identifier }),
    details,
    ...optional('authoredOn', authoredOn),
    ...optional('lastModified', lastModified),
    ...(Object.keys(elements).length === 0 ? {} : { elements }),
  };
}
