import { type Actor, partyOfReference } from '@carenet/access';
import { assertNever, BusinessRuleError, jsonEqual, ValidationIssues } from '@carenet/eventsourcing';
import type { CarePlan } from 'fhir/r4.js';
import {
  CARE_PLAN_CONTENT_KEYS,
  CARE_PLAN_RULES,
  CARE_PLAN_STATE_MACHINE,
  CARE_PLAN_STATUSES,
  sameParty,
  samePatient,
  type CarePlanCodeableConcept,
  type CarePlanCommand,
  type CarePlanContent,
  type CarePlanStatus,
  type CarePlanTransitionCommand,
  type ExistingCarePlan,
} from '../../care-plan/index.js';
import { extensionPath, singleExtension } from '../shared/extensions.js';
import { containedTypeOf } from '../shared/kept-elements.js';
import { optional } from '../shared/optional.js';
import { CARE_PLAN_EXTENSIONS } from './care-plan-canonical.js';
import { carePlanContentOf, requirePlanIntent } from './care-plan-content-of-resource.js';

function statusOf(resource: CarePlan, issues: ValidationIssues): CarePlanStatus | undefined {
  const status = CARE_PLAN_STATUSES.find((candidate) => candidate === resource.status);
  if (status === undefined) issues.add('CarePlan.status', `is one of ${CARE_PLAN_STATUSES.join(', ')}`);
  return status;
}

function statusReasonOf(resource: CarePlan, issues: ValidationIssues): CarePlanCodeableConcept | undefined {
  const url = CARE_PLAN_EXTENSIONS.statusReason;
  const extension = singleExtension(resource.extension, 'CarePlan', url, issues);
  if (extension === undefined) return undefined;
  if (extension.valueCodeableConcept === undefined) {
    issues.add(
      `${extensionPath('CarePlan', url)}.valueCodeableConcept`,
      'is required: why the status changes',
    );
  }
  return extension.valueCodeableConcept;
}

/** The action ids the plan used so far (current, handed over, withdrawn): never given to a new action. */
function actionIdsEverUsed(state: ExistingCarePlan): Set<string> {
  return new Set([
    ...state.actions.map((action) => action.actionId),
    ...Object.keys(state.activities),
    ...Object.keys(state.occurrences),
  ]);
}

function contentChanged(state: ExistingCarePlan, plan: CarePlanContent): boolean {
  return CARE_PLAN_CONTENT_KEYS.some((key) => !jsonEqual(state[key], plan[key]));
}

function transition(
  state: ExistingCarePlan,
  to: CarePlanStatus,
  issued: { readonly actor: Actor; readonly now: string },
  reason: CarePlanCodeableConcept | undefined,
  otherActivePpcs: string | undefined,
): CarePlanTransitionCommand {
  const type = CARE_PLAN_STATE_MACHINE[state.status][to];
  if (type === undefined) {
    throw new BusinessRuleError(
      CARE_PLAN_RULES.illegalTransition,
      `a care plan cannot go from ${state.status} to ${to}`,
    );
  }
  switch (type) {
    case 'ActivateCarePlan':
    case 'ResumeCarePlan':
      return { type, ...issued, ...optional('otherActivePpcs', otherActivePpcs) };
    case 'SuspendCarePlan':
    case 'RevokeCarePlan':
    case 'MarkCarePlanEnteredInError':
      return { type, ...issued, ...optional('reason', reason) };
    case 'CompleteCarePlan':
      return { type, ...issued, ...optional('note', reason?.text) };
    default:
      return assertNever(type);
  }
}

/**
 * The commands a PUT of a CarePlan stands for, against its current state:
 *
 * 1. `subject` is fixed at creation (the same patient: identifier system and value; its display or
 *    literal reference may be restated): a change is a BusinessRuleError `care-plan-subject-immutable`;
 *    `author` too (`care-plan-immutable-element`; absent means unchanged). `intent` is plan.
 * 2. Content changed (any of CARE_PLAN_CONTENT_KEYS, read as on create, see
 *    `carePlanContentOf`) → ReviseCarePlan with the full new content. An activity keeps its
 *    action by its `care-plan-action-id`; an activity without one is a NEW action and gets the
 *    next free `a<n>` (never an id the plan used before, so that its Task is a new one); an
 *    action whose activity is left out is removed (its open Task is cancelled).
 * 3. Status changed → the lifecycle's command (CARE_PLAN_STATE_MACHINE; a move it does not allow
 *    is a BusinessRuleError `care-plan-illegal-transition`), with the `care-plan-status-reason`
 *    extension as its reason (its text as the note of a completion) and `otherActivePpcs` (read
 *    by the caller from a read model) for an activation or a resumption.
 *
 * Order: the revision, then the status command, so that a plan is revised before it is
 * activated, suspended or closed; except on-hold → active, where the plan is resumed first (a
 * plan on hold is not revised). Ignored, server-owned: as on create, plus the status reason
 * when the status does not change. Nothing changed → `[]`. The decider checks who may do each.
 */
export function updateCarePlanCommands(
  state: ExistingCarePlan,
  resource: CarePlan,
  input: { readonly actor: Actor; readonly now: string; readonly otherActivePpcs?: string },
): CarePlanCommand[] {
  const issues = new ValidationIssues();
  const status = statusOf(resource, issues);
  requirePlanIntent(resource, issues);
  const author =
    resource.author === undefined
      ? undefined
      : partyOfReference(resource.author, 'CarePlan.author', issues, containedTypeOf(resource));
  const reason = statusReasonOf(resource, issues);
  const plan = carePlanContentOf(resource, actionIdsEverUsed(state), issues, state.created);
  issues.throwIfAny();
  if (status === undefined || plan === undefined) return issues.fail();

  if (!samePatient(plan.subject, state.subject)) {
    throw new BusinessRuleError(
      CARE_PLAN_RULES.subjectImmutable,
      `care plan ${state.id} is for one patient: CarePlan.subject never changes`,
    );
  }
  if (author !== undefined && !sameParty(author, state.author)) {
    throw new BusinessRuleError(
      CARE_PLAN_RULES.immutableElement,
      'CarePlan.author is set when the plan is drafted and never changes',
    );
  }

  const issued = { actor: input.actor, now: input.now };
  const revise: CarePlanCommand[] = contentChanged(state, plan)
    ? [{ type: 'ReviseCarePlan', ...issued, plan }]
    : [];
  if (status === state.status) return revise;
  const move = transition(state, status, issued, reason, input.otherActivePpcs);
  return move.type === 'ResumeCarePlan' ? [move, ...revise] : [...revise, move];
}
