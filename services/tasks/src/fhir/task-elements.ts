import type { Json, ValidationIssues } from '@carenet/eventsourcing';
import type { Task } from 'fhir/r4.js';
import type { TaskElements } from '../task/index.js';
import { TASK_EXTENSIONS } from './task-canonical.js';

/**
 * The top-level elements of a Task the domain owns (or the server sets): every other element is
 * kept as given (issue 15). `extension` and `restriction` are split: carenet's own extensions and
 * `restriction.period` are owned, the rest of each is kept as given.
 */
export const OWNED_ELEMENTS: ReadonlySet<string> = new Set([
  'resourceType',
  'id',
  'identifier',
  'instantiatesCanonical',
  'basedOn',
  'partOf',
  'status',
  'statusReason',
  'intent',
  'priority',
  'code',
  'description',
  'focus',
  'for',
  'executionPeriod',
  'authoredOn',
  'lastModified',
  'requester',
  'owner',
  'note',
  'input',
  'output',
]);

/** carenet's own Task extensions: owned by the domain (recordedBy is set by the server). */
const OWN_EXTENSIONS: ReadonlySet<string> = new Set(Object.values(TASK_EXTENSIONS));

/** The order of the elements of an R4 Task (JSON property order of what the server returns). */
const R4_ORDER: readonly string[] = [
  'resourceType',
  'id',
  'meta',
  'implicitRules',
  'language',
  'text',
  'contained',
  'extension',
  'modifierExtension',
  'identifier',
  'instantiatesCanonical',
  'instantiatesUri',
  'basedOn',
  'groupIdentifier',
  'partOf',
  'status',
  'statusReason',
  'businessStatus',
  'intent',
  'priority',
  'code',
  'description',
  'focus',
  'for',
  'encounter',
  'executionPeriod',
  'authoredOn',
  'lastModified',
  'requester',
  'performerType',
  'owner',
  'location',
  'reasonCode',
  'reasonReference',
  'insurance',
  'note',
  'relevantHistory',
  'restriction',
  'input',
  'output',
];

const isObject = (value: unknown): value is Record<string, Json> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isOwnExtension = (url: unknown): boolean => typeof url === 'string' && OWN_EXTENSIONS.has(url);

/**
 * The elements of a Task body kept as given: every top-level element the domain does not own, with
 * its JSON value as sent (primitive extensions `_x` included); the extensions other than carenet's
 * own; `restriction` without its `period` (repetitions, recipient, its id and extensions); `meta`
 * without `versionId` and `lastUpdated`, which are the server's (profile, tag, security, source).
 * `modifierExtension` and `implicitRules` are refused before (`refuseModifiers`).
 */
export function keptElementsOf(resource: Task): TaskElements {
  const kept: Record<string, Json> = {};
  for (const [key, value] of Object.entries(resource as unknown as Record<string, Json | undefined>)) {
    if (value === undefined || OWNED_ELEMENTS.has(key)) continue;
    if (key === 'extension' && Array.isArray(value)) {
      const others = value.filter((extension) => !(isObject(extension) && isOwnExtension(extension.url)));
      if (others.length > 0) kept.extension = others;
    } else if (key === 'meta' && isObject(value)) {
      const { versionId: _versionId, lastUpdated: _lastUpdated, ...given } = value;
      if (Object.keys(given).length > 0) kept.meta = given;
    } else if (key === 'restriction' && isObject(value)) {
      const { period: _period, ...rest } = value;
      if (Object.keys(rest).length > 0) kept.restriction = rest;
    } else {
      kept[key] = value;
    }
  }
  return kept;
}

function rank(key: string): number {
  const bare = key.startsWith('_') ? key.slice(1) : key;
  const index = R4_ORDER.indexOf(bare);
  // `_x` (the id and extensions of a primitive) right after `x`; unknown elements at the end.
  return (index < 0 ? R4_ORDER.length : index) * 2 + (key.startsWith('_') ? 1 : 0);
}

/**
 * The Task the domain's mapping built, with the elements kept as given merged back: the owned
 * elements win (`restriction.period` joins the kept rest of `restriction`; carenet's extensions
 * follow the kept ones). Properties in R4 element order.
 */
export function withKeptElements(owned: Task, elements: TaskElements | undefined): Task {
  if (elements === undefined) return owned;
  const merged: Record<string, unknown> = { ...elements, ...owned };
  const keptExtensions = elements.extension;
  if (Array.isArray(keptExtensions)) merged.extension = [...keptExtensions, ...(owned.extension ?? [])];
  const keptMeta = elements.meta;
  if (isObject(keptMeta)) merged.meta = { ...keptMeta, ...owned.meta };
  const keptRestriction = elements.restriction;
  if (isObject(keptRestriction)) merged.restriction = { ...keptRestriction, ...owned.restriction };
  const ordered = Object.keys(merged).sort((a, b) => rank(a) - rank(b));
  return Object.fromEntries(ordered.map((key) => [key, merged[key]])) as unknown as Task;
}

/**
 * `modifierExtension` (on the Task, its restriction, inputs and outputs) and `implicitRules` change
 * the meaning of what the domain models: the network cannot honour rules it does not know, so it
 * refuses them (422, an issue on the element) rather than keep or drop them. The same decision as
 * the care-plans service's.
 */
export function refuseModifiers(resource: Task, issues: ValidationIssues): void {
  const refuse = (path: string) => {
    issues.add(
      path,
      'is not accepted: carenet does not know the rules it would change, and keeps no element it cannot honour',
    );
  };
  if (resource.implicitRules !== undefined) refuse('Task.implicitRules');
  if (resource.modifierExtension !== undefined) refuse('Task.modifierExtension');
  if (resource.restriction?.modifierExtension !== undefined) refuse('Task.restriction.modifierExtension');
  for (const list of ['input', 'output'] as const) {
    for (const [index, item] of (resource[list] ?? []).entries()) {
      if (item.modifierExtension !== undefined) refuse(`Task.${list}[${index}].modifierExtension`);
    }
  }
}
