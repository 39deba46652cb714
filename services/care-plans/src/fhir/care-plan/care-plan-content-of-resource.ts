import type { CarePlan, Reference } from 'fhir/r4.js';
import type {
  ActionKept,
  CarePlanAction,
  CarePlanContent,
  KeptElements,
  Party,
} from '../../care-plan/index.js';
import { extensionPath, singleExtension } from '../shared/extensions.js';
import { optional } from '../shared/optional.js';
import {
  literalReferenceOf,
  partyOfReference,
  patientOfReference,
  type ContainedTypeOf,
} from '@carenet/access';
import { jsonEqual, type ValidationIssues } from '@carenet/eventsourcing';
import { containedTypeOf, keptElementsOf, keptParty, keptPatient } from '../shared/kept-elements.js';
import { actionOf, instantPeriodOf, type ReadAction } from './care-plan-activity.js';
import { CARE_PLAN_EXTENSIONS } from './care-plan-canonical.js';
import { situationOf } from './care-plan-situation.js';

/** `CarePlan.intent`: carenet's care plans are plans (a profile constraint). */
export function requirePlanIntent(resource: CarePlan, issues: ValidationIssues): void {
  if (resource.intent !== 'plan') {
    issues.add(
      'CarePlan.intent',
      `${resource.intent} is not taken here: a care plan (and a PPCS) is a plan; proposals, orders and options are not`,
    );
  }
}

const LOCAL = (type: string) => new RegExp(`^${type}/([A-Za-z0-9\\-.]{1,64})$`);
const LOCAL_REFERENCE = { Goal: LOCAL('Goal'), CareTeam: LOCAL('CareTeam') } as const;

/** A `Goal/<id>` / `CareTeam/<id>` reference as the server renders it. */
export function localReference(type: 'Goal' | 'CareTeam', id: string): Reference {
  return { reference: `${type}/${id}`, type };
}

/**
 * The references of `CarePlan.goal` or `CarePlan.careTeam`: each a literal reference to a resource
 * of `type` (`Type/<id>` on this server, an absolute URL, or `#id` of a contained one; `type`, if
 * given, is `type`). The ids of the local ones are modelled; when the element as given is not
 * exactly what the server renders from those ids (a contained or remote one, a display), it is
 * also kept as given (`asGiven`), and served back so.
 */
function referencesOf(
  references: readonly Reference[],
  type: 'Goal' | 'CareTeam',
  path: string,
  issues: ValidationIssues,
  containedType: ContainedTypeOf,
): { ids: string[]; asGiven?: Reference[] } {
  const ids: string[] = [];
  references.forEach((reference, index) => {
    const at = `${path}[${index}]`;
    if (reference.type !== undefined && reference.type !== type) {
      issues.add(`${at}.type`, `is ${type}`);
      return;
    }
    const literal = reference.reference === undefined ? undefined : literalReferenceOf(reference.reference);
    const named = literal?.form === 'contained' ? containedType(literal.reference) : literal?.type;
    if (literal === undefined || named !== type) {
      issues.add(
        `${at}.reference`,
        `is a literal reference to a ${type}: ${type}/<id>, an absolute URL, or #id of a contained ${type}`,
      );
      return;
    }
    const id = LOCAL_REFERENCE[type].exec(literal.reference)?.[1];
    if (id !== undefined) ids.push(id);
  });
  const rendered = ids.map((id) => localReference(type, id));
  return jsonEqual(rendered, references) ? { ids } : { ids, asGiven: [...references] };
}

function goalsOf(resource: CarePlan, issues: ValidationIssues, contained: ContainedTypeOf) {
  return referencesOf(resource.goal ?? [], 'Goal', 'CarePlan.goal', issues, contained);
}

function careTeamOf(resource: CarePlan, issues: ValidationIssues, contained: ContainedTypeOf) {
  const careTeams = resource.careTeam ?? [];
  if (careTeams.length > 1) {
    issues.add('CarePlan.careTeam', 'is one CareTeam: the care team of the plan');
    return { ids: [] };
  }
  return referencesOf(careTeams, 'CareTeam', 'CarePlan.careTeam', issues, contained);
}

function partyExtension(
  resource: CarePlan,
  url: string,
  issues: ValidationIssues,
  contained: ContainedTypeOf,
): Party | undefined {
  const extension = singleExtension(resource.extension, 'CarePlan', url, issues);
  if (extension === undefined) return undefined;
  return keptParty(
    partyOfReference(
      extension.valueReference,
      `${extensionPath('CarePlan', url)}.valueReference`,
      issues,
      contained,
    ),
  );
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function reviewDateOf(resource: CarePlan, issues: ValidationIssues): string | undefined {
  const url = CARE_PLAN_EXTENSIONS.reviewDate;
  const extension = singleExtension(resource.extension, 'CarePlan', url, issues);
  if (extension === undefined) return undefined;
  const date = extension.valueDate;
  if (date === undefined || !DATE.test(date) || Number.isNaN(Date.parse(date))) {
    issues.add(`${extensionPath('CarePlan', url)}.valueDate`, 'is the review date, YYYY-MM-DD');
    return;
  }
  return date;
}

/**
 * The next free action id: `a<n>`, the smallest n > 0 whose id is neither `taken` (ids in the
 * body, ids the plan ever used) nor given to an earlier new action.
 */
function assignIds<A extends ReadAction>(
  read: readonly A[],
  everUsed: ReadonlySet<string>,
): (A & { readonly actionId: string })[] {
  const taken = new Set([...everUsed, ...read.flatMap((action) => action.actionId ?? [])]);
  let next = 1;
  return read.map((action) => {
    if (action.actionId !== undefined) return { ...action, actionId: action.actionId };
    while (taken.has(`a${next}`)) next += 1;
    const actionId = `a${next}`;
    taken.add(actionId);
    return { ...action, actionId };
  });
}

/** The CarePlan elements the domain models (or the server owns): the others are kept as given. */
const MODELLED: ReadonlySet<string> = new Set([
  'status',
  'intent',
  'category',
  'title',
  'description',
  'subject',
  'period',
  'created',
  'author',
  'careTeam',
  'goal',
  'activity',
  'note',
]);

/** The carenet extensions of a CarePlan (modelled or server-owned): not kept as given. */
const KNOWN_EXTENSIONS: ReadonlySet<string> = new Set(Object.values(CARE_PLAN_EXTENSIONS));

/**
 * The elements of the body kept as given (see KeptElements): every element not modelled, a
 * `goal` or `careTeam` that names contained or remote resources (or has a display), and a
 * `created` the client gave (unless it is the server's own `serverCreated`, read back).
 */
function keptOf(
  resource: CarePlan,
  serverCreated: string | undefined,
  asGiven: { goal?: Reference[]; careTeam?: Reference[] },
  issues: ValidationIssues,
): KeptElements | undefined {
  const kept: KeptElements = {
    ...keptElementsOf(resource, MODELLED, 'CarePlan', issues, KNOWN_EXTENSIONS),
    ...(resource.created === undefined || resource.created === serverCreated
      ? {}
      : { created: resource.created }),
    ...(asGiven.goal === undefined ? {} : { goal: asGiven.goal as unknown as KeptElements[] }),
    ...(asGiven.careTeam === undefined ? {} : { careTeam: asGiven.careTeam as unknown as KeptElements[] }),
  };
  return Object.keys(kept).length === 0 ? undefined : kept;
}

/** The kept elements of the actions, by action id (none: `undefined`). */
function actionsKeptOf(actions: readonly (CarePlanAction & { readonly kept?: ActionKept })[]) {
  const entries = actions.flatMap((action) =>
    action.kept === undefined ? [] : [[action.actionId, action.kept] as const],
  );
  return entries.length === 0 ? undefined : Object.fromEntries(entries);
}

/**
 * The content of a plan a CarePlan body states (create and update), every issue collected in
 * `issues`; `undefined` when one was found. `everUsed`: the action ids the plan used so far (an
 * activity without id is a new action and gets the next free `a<n>`, never an id used before).
 * References may be literal (`Patient/x`, `Practitioner/x`, an absolute URL, `#id` of a
 * contained resource: `contained` says its type). What the domain does not model is kept as
 * given (`kept`, `actionsKept`). `serverCreated`: the plan's own `created` (update), which a body
 * read back states without giving a date of its own.
 */
export function carePlanContentOf(
  resource: CarePlan,
  everUsed: ReadonlySet<string>,
  issues: ValidationIssues,
  serverCreated?: string,
): CarePlanContent | undefined {
  const contained = containedTypeOf(resource);
  const subject = keptPatient(patientOfReference(resource.subject, 'CarePlan.subject', issues, contained));
  const period = instantPeriodOf(resource.period, 'CarePlan.period', issues);
  const created = instantPeriodOf({ start: resource.created }, 'CarePlan.created', issues);
  const situation = situationOf(resource, issues);
  const goals = goalsOf(resource, issues, contained);
  const careTeam = careTeamOf(resource, issues, contained);
  const coordinator = partyExtension(resource, CARE_PLAN_EXTENSIONS.coordinator, issues, contained);
  const medecinTraitant = partyExtension(resource, CARE_PLAN_EXTENSIONS.medecinTraitant, issues, contained);
  const reviewDate = reviewDateOf(resource, issues);
  const read = (resource.activity ?? []).map((activity, index) =>
    actionOf(activity, index, issues, contained),
  );
  const kept = keptOf(
    resource,
    serverCreated,
    {
      ...optional('goal', goals.asGiven),
      ...optional('careTeam', careTeam.asGiven),
    },
    issues,
  );
  if (subject === undefined || read.some((action) => action === undefined)) return undefined;
  if (resource.created !== undefined && created === undefined) return undefined;
  const actions = assignIds(
    read.flatMap((action) => action ?? []),
    everUsed,
  );
  const actionsKept = actionsKeptOf(actions);
  return {
    category: resource.category ?? [],
    ...optional('title', resource.title),
    ...optional('description', resource.description),
    subject,
    ...optional('period', period),
    situation,
    goals: goals.ids,
    actions: actions.map(({ kept: _kept, ...action }) => action),
    ...optional('coordinator', coordinator),
    ...optional('medecinTraitant', medecinTraitant),
    ...optional('careTeam', careTeam.ids[0]),
    ...optional('reviewDate', reviewDate),
    notes: resource.note ?? [],
    ...optional('kept', kept),
    ...optional('actionsKept', actionsKept),
  };
}
