import { type Actor, partyOfReference } from '@carenet/access';
import { BusinessRuleError, ValidationIssues } from '@carenet/eventsourcing';
import type { CarePlan } from 'fhir/r4.js';
import { CARE_PLAN_RULES, partyOfActor, type DraftCarePlan, type Party } from '../../care-plan/index.js';
import { containedTypeOf, keptParty } from '../shared/kept-elements.js';
import { carePlanContentOf, requirePlanIntent } from './care-plan-content-of-resource.js';

/** `CarePlan.author` by identifier; absent, the acting party (a patient drafts no plan: an issue). */
function authorOf(resource: CarePlan, actor: Actor, issues: ValidationIssues): Party | undefined {
  if (resource.author !== undefined) {
    return keptParty(partyOfReference(resource.author, 'CarePlan.author', issues, containedTypeOf(resource)));
  }
  const party = partyOfActor(actor);
  if (party === undefined) {
    issues.add('CarePlan.author', 'is required: the professional who drafts the plan, by identifier');
  }
  return party;
}

/**
 * The DraftCarePlan a POSTed FHIR CarePlan stands for.
 *
 * - `status`: draft (else BusinessRuleError `care-plan-initial-status`: a plan becomes active by
 *   an update once validated and agreed). `intent`: plan (else ValidationError `CarePlan.intent`).
 * - `subject`: required, by INS or NAM identifier, or by literal reference (`Patient/x`, an
 *   absolute URL, `#id` of a contained Patient), kept as given.
 * - `author`: by identifier or literal reference; absent, the acting party.
 * - content (category, title, description, period, situation, goals, actions, coordinator,
 *   médecin traitant, care team, review date, notes): see `carePlanContentOf`. Activities without
 *   a `care-plan-action-id` get `a1`, `a2`… in order (ids given are kept).
 * - Ignored, server-owned: `id`, `meta`, the validation, agreement, actions-version,
 *   revalidation-required, activity-task, effective-due, status-reason and recorded-by
 *   extensions; `activity.detail.status` (not-started or absent for a new action).
 * - Kept as given (issue 15): `created` when given, and every R4 element carenet does not model
 *   (text, contained, identifier, instantiatesCanonical, basedOn, replaces, partOf, encounter,
 *   contributor, addresses, supportingInfo, other extensions; activity.outcome…, progress,
 *   detail.kind, detail.goal, detail.location…). `modifierExtension` and `implicitRules` are refused.
 * Every content issue is reported at once in one ValidationError.
 */
export function draftCarePlanCommand(
  resource: CarePlan,
  input: { readonly carePlanId: string; readonly actor: Actor; readonly now: string },
): DraftCarePlan {
  const issues = new ValidationIssues();
  requirePlanIntent(resource, issues);
  const author = authorOf(resource, input.actor, issues);
  const plan = carePlanContentOf(resource, new Set(), issues);
  issues.throwIfAny();
  if (author === undefined || plan === undefined) return issues.fail();
  if (resource.status !== 'draft') {
    throw new BusinessRuleError(
      CARE_PLAN_RULES.initialStatus,
      `a care plan is created as draft, not ${resource.status}: it is activated once validated and agreed`,
    );
  }
  return {
    type: 'DraftCarePlan',
    carePlanId: input.carePlanId,
    actor: input.actor,
    now: input.now,
    author,
    plan,
  };
}
