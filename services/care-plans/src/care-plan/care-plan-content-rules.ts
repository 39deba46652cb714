import { BusinessRuleError } from '@carenet/eventsourcing';
import type { CarePlanAction, CarePlanContent } from './care-plan-content.js';
import { CARE_PLAN_RULES } from './care-plan-rules.js';
import type { InstantPeriod } from './care-plan-values.js';

function periodEndsBeforeStart(period: InstantPeriod | undefined): boolean {
  return (
    period?.start !== undefined &&
    period.end !== undefined &&
    Date.parse(period.end) < Date.parse(period.start)
  );
}

function requireValidAction(action: CarePlanAction): void {
  if (action.performer.kind === 'system') {
    throw new BusinessRuleError(
      CARE_PLAN_RULES.performerKind,
      `action ${action.actionId} is performed by a professional or an organisation, not a software system`,
    );
  }
  const scheduled = action.scheduled;
  if (scheduled === undefined) return;
  const invalid =
    scheduled.kind === 'period'
      ? periodEndsBeforeStart(scheduled)
      : scheduled.frequency <= 0 || scheduled.period <= 0 || periodEndsBeforeStart(scheduled.boundsPeriod);
  if (invalid) {
    throw new BusinessRuleError(
      CARE_PLAN_RULES.actionScheduleInvalid,
      `the schedule of action ${action.actionId} ends before it starts or repeats nothing`,
    );
  }
}

/**
 * The rules on a version's content, checked when drafted and at each revision. For every plan:
 * unique actionIds, performers who are people or organisations, sensible schedules, a médecin
 * traitant who is a professional. For a PPCS (HAS 2019) also: a review date, a coordinator and a
 * médecin traitant.
 */
export function requireValidContent(plan: CarePlanContent, ppcs: boolean): void {
  const seen = new Set<string>();
  for (const action of plan.actions) {
    if (seen.has(action.actionId)) {
      throw new BusinessRuleError(
        CARE_PLAN_RULES.actionIdDuplicate,
        `two actions have the actionId ${action.actionId}`,
      );
    }
    seen.add(action.actionId);
    requireValidAction(action);
  }
  if (plan.medecinTraitant !== undefined && plan.medecinTraitant.kind !== 'professional') {
    throw new BusinessRuleError(
      CARE_PLAN_RULES.medecinTraitantProfessional,
      'the médecin traitant is a professional (by RPPS or IDNPS)',
    );
  }
  if (!ppcs) return;
  if (plan.reviewDate === undefined || plan.reviewDate.trim() === '') {
    throw new BusinessRuleError(CARE_PLAN_RULES.ppcsReviewDateRequired, 'a PPCS has a review date');
  }
  if (plan.coordinator === undefined) {
    throw new BusinessRuleError(
      CARE_PLAN_RULES.ppcsCoordinatorRequired,
      'a PPCS names its référent / coordinator',
    );
  }
  if (plan.medecinTraitant === undefined) {
    throw new BusinessRuleError(
      CARE_PLAN_RULES.ppcsMedecinTraitantRequired,
      'a PPCS names the patient’s médecin traitant, who validates it',
    );
  }
}
