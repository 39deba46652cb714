import { BusinessRuleError, type SqlExecutor } from '@carenet/eventsourcing';
import { CARE_PLAN_RULES, type CarePlanState } from '../care-plan/index.js';

/** The review alert of a review date is due the day after it (UTC), as the decider holds. */
export function reviewDueAt(reviewDate: string): string {
  const day = new Date(`${reviewDate.slice(0, 10)}T00:00:00.000Z`);
  day.setUTCDate(day.getUTCDate() + 1);
  return day.toISOString();
}

/**
 * The keys of a CarePlan that span streams, in the append's transaction:
 * - one active PPCS per patient (`care_plans.active_ppcs`, unique per patient): a second
 *   activation, even racing the first one, fails here and refuses the whole append (422);
 * - the review date the review clock watches, while the plan is active and its alert not raised.
 */
export async function keepCarePlanKeys(tx: SqlExecutor, id: string, state: CarePlanState): Promise<void> {
  const active = state.exists && state.ppcs && state.status === 'active';
  if (active) {
    const claimed = await tx.query<{ care_plan_id: string }>(
      `INSERT INTO care_plans.active_ppcs (patient_system, patient_value, care_plan_id) VALUES ($1, $2, $3)
       ON CONFLICT (patient_system, patient_value) DO NOTHING RETURNING care_plan_id`,
      [state.subject.system, state.subject.value, id],
    );
    if (claimed.length === 0) {
      const holder = await tx.query<{ care_plan_id: string }>(
        'SELECT care_plan_id FROM care_plans.active_ppcs WHERE patient_system = $1 AND patient_value = $2',
        [state.subject.system, state.subject.value],
      );
      const other = holder[0]?.care_plan_id;
      if (other !== undefined && other !== id) {
        throw new BusinessRuleError(
          CARE_PLAN_RULES.ppcsOneActivePerPatient,
          `the patient already has an active PPCS (CarePlan/${other}): one active PPCS per patient`,
        );
      }
    }
  } else {
    await tx.query('DELETE FROM care_plans.active_ppcs WHERE care_plan_id = $1', [id]);
  }
  const reviewDate = state.exists && state.status === 'active' ? state.reviewDate : undefined;
  if (reviewDate !== undefined && state.exists && !state.alerts.includes(`review-${reviewDate}`)) {
    await tx.query(
      `INSERT INTO care_plans.review_due (care_plan_id, review_date, due_at) VALUES ($1, $2, $3::timestamptz)
       ON CONFLICT (care_plan_id) DO UPDATE SET review_date = EXCLUDED.review_date, due_at = EXCLUDED.due_at`,
      [id, reviewDate, reviewDueAt(reviewDate)],
    );
  } else {
    await tx.query('DELETE FROM care_plans.review_due WHERE care_plan_id = $1', [id]);
  }
}

export async function resetCarePlanKeys(tx: SqlExecutor): Promise<void> {
  await tx.query('DELETE FROM care_plans.active_ppcs');
  await tx.query('DELETE FROM care_plans.review_due');
}
