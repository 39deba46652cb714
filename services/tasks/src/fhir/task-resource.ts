import type { Extension, Task } from 'fhir/r4.js';
import type { ExistingTask } from '../task/index.js';
import { actorReference, partyReference, patientReference } from '@carenet/access';
import { cooperationModeCoding } from './cooperation-mode-coding.js';
import { TASK_EXTENSIONS } from './task-canonical.js';
import { optional } from './task-details-of-resource.js';
import { withKeptElements } from './task-elements.js';

/** `{ key: items }`, or `{}` for an empty list (FHIR JSON has no empty arrays). */
function nonEmpty<K extends string, V>(key: K, items: readonly V[] | undefined): Partial<Record<K, V[]>> {
  return (items === undefined || items.length === 0 ? {} : { [key]: [...items] }) as Partial<Record<K, V[]>>;
}

function extensionsOf(state: ExistingTask): Extension[] {
  return [
    { url: TASK_EXTENSIONS.cooperationMode, valueCoding: cooperationModeCoding(state.mode) },
    ...(state.coOwner === undefined
      ? []
      : [{ url: TASK_EXTENSIONS.coOwner, valueReference: partyReference(state.coOwner) }]),
    ...(state.responsibilityMoves === undefined
      ? []
      : [{ url: TASK_EXTENSIONS.responsibilityMoves, valueBoolean: state.responsibilityMoves }]),
    { url: TASK_EXTENSIONS.recordedBy, valueReference: actorReference(state.lastModifiedBy) },
  ];
}

/**
 * The FHIR R4 Task of a Task's state, at a version (`meta.versionId` = stream revision + 1,
 * `meta.lastUpdated` = time of the latest event). `owner` is the Task's current owner as the
 * state holds it (after a $transfer, the party it was transferred to); the patient, requester,
 * owner and co-owner are References as they were given (by national identifier, with `type` set;
 * or by literal reference), with their display. Extensions: TASK_EXTENSIONS (mode always,
 * co-owner for sharing, responsibilityMoves for transfer, recordedBy always), after the client's
 * own. The elements kept as given (`state.elements`) are merged back as they came.
 */
export function taskResource(
  state: ExistingTask,
  version: { readonly versionId: string; readonly lastUpdated: string },
): Task {
  return withKeptElements(ownedElements(state, version), state.elements);
}

/** The elements the domain owns, as the state holds them. */
function ownedElements(
  state: ExistingTask,
  version: { readonly versionId: string; readonly lastUpdated: string },
): Task {
  return {
    resourceType: 'Task',
    id: state.id,
    meta: { versionId: version.versionId, lastUpdated: version.lastUpdated },
    extension: extensionsOf(state),
    ...nonEmpty('identifier', state.identifiers),
    ...optional('instantiatesCanonical', state.instantiatesCanonical),
    ...nonEmpty('basedOn', state.basedOn),
    ...(state.partOf === undefined
      ? {}
      : { partOf: [state.partOfReference ?? { reference: `Task/${state.partOf}`, type: 'Task' }] }),
    status: state.status,
    ...optional('statusReason', state.statusReason),
    intent: state.intent,
    ...(state.priorityGiven === false ? {} : { priority: state.priority }),
    code: state.code,
    ...optional('description', state.description),
    ...optional('focus', state.focus),
    for: patientReference(state.for),
    ...optional('executionPeriod', state.executionPeriod),
    authoredOn: state.authoredOn,
    lastModified: state.lastModified,
    requester: partyReference(state.requester),
    ...(state.owner === undefined ? {} : { owner: partyReference(state.owner) }),
    ...nonEmpty('note', state.notes),
    ...(state.restrictionPeriod === undefined ? {} : { restriction: { period: state.restrictionPeriod } }),
    ...nonEmpty('input', state.inputs),
    ...nonEmpty('output', state.outputs),
  };
}
