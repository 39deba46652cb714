import type { CarePlan, Reference } from 'fhir/r4.js';
import type { CarePlanAction, CarePlanContent, Party } from '../../care-plan/index.js';
import { extensionPath, singleExtension } from '../shared/extensions.js';
import { optional } from '../shared/optional.js';
import { partyOfReference, patientOfReference } from '@carenet/access';
import type { ValidationIssues } from '@carenet/eventsourcing';
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

const LITERAL = (type: string) => new RegExp(`^${type}/([A-Za-z0-9\\-.]{1,64})$`);
const GOAL_REFERENCE = LITERAL('Goal');
const CARE_TEAM_REFERENCE = LITERAL('CareTeam');

function literalId(
  reference: Reference | undefined,
  type: 'Goal' | 'CareTeam',
  pattern: RegExp,
  path: string,
  issues: ValidationIssues,
): string | undefined {
  if (reference?.type !== undefined && reference.type !== type) {
    issues.add(`${path}.type`, `is ${type}`);
    return;
  }
  const id = pattern.exec(reference?.reference ?? '')?.[1];
  if (id === undefined) issues.add(`${path}.reference`, `is a literal reference ${type}/<id>`);
  return id;
}

function goalsOf(resource: CarePlan, issues: ValidationIssues): string[] {
  return (resource.goal ?? []).flatMap(
    (goal, index) => literalId(goal, 'Goal', GOAL_REFERENCE, `CarePlan.goal[${index}]`, issues) ?? [],
  );
}

function careTeamOf(resource: CarePlan, issues: ValidationIssues): string | undefined {
  const careTeams = resource.careTeam ?? [];
  if (careTeams.length === 0) return undefined;
  if (careTeams.length > 1) {
    issues.add('CarePlan.careTeam', 'is one CareTeam: the care team of the plan');
    return;
  }
  return literalId(careTeams[0], 'CareTeam', CARE_TEAM_REFERENCE, 'CarePlan.careTeam[0]', issues);
}

function partyExtension(resource: CarePlan, url: string, issues: ValidationIssues): Party | undefined {
  const extension = singleExtension(resource.extension, 'CarePlan', url, issues);
  if (extension === undefined) return undefined;
  return partyOfReference(
    extension.valueReference,
    `${extensionPath('CarePlan', url)}.valueReference`,
    issues,
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
function assignIds(read: readonly ReadAction[], everUsed: ReadonlySet<string>): CarePlanAction[] {
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

/**
 * The content of a plan a CarePlan body states (create and update), every issue collected in
 * `issues`; `undefined` when one was found. `everUsed`: the action ids the plan used so far (an
 * activity without id is a new action and gets the next free `a<n>`, never an id used before).
 */
export function carePlanContentOf(
  resource: CarePlan,
  everUsed: ReadonlySet<string>,
  issues: ValidationIssues,
): CarePlanContent | undefined {
  const subject = patientOfReference(resource.subject, 'CarePlan.subject', issues);
  const period = instantPeriodOf(resource.period, 'CarePlan.period', issues);
  const situation = situationOf(resource, issues);
  const goals = goalsOf(resource, issues);
  const careTeam = careTeamOf(resource, issues);
  const coordinator = partyExtension(resource, CARE_PLAN_EXTENSIONS.coordinator, issues);
  const medecinTraitant = partyExtension(resource, CARE_PLAN_EXTENSIONS.medecinTraitant, issues);
  const reviewDate = reviewDateOf(resource, issues);
  const read = (resource.activity ?? []).map((activity, index) => actionOf(activity, index, issues));
  if (subject === undefined || read.some((action) => action === undefined)) return undefined;
  return {
    category: resource.category ?? [],
    ...optional('title', resource.title),
    ...optional('description', resource.description),
    subject,
    ...optional('period', period),
    situation,
    goals,
    actions: assignIds(
      read.flatMap((action) => action ?? []),
      everUsed,
    ),
    ...optional('coordinator', coordinator),
    ...optional('medecinTraitant', medecinTraitant),
    ...optional('careTeam', careTeam),
    ...optional('reviewDate', reviewDate),
    notes: resource.note ?? [],
  };
}
