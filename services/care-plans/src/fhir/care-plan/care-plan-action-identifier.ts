import { CARE_PLAN_ACTION_SYSTEM } from './care-plan-canonical.js';

/**
 * What a CarePlan id and an action id look like: a FHIR id (`[A-Za-z0-9\-.]{1,64}`). Neither
 * holds a `#`, so `<carePlanId>#<actionId>` reads back unambiguously.
 */
export const CARE_PLAN_ID_PATTERN = /^[A-Za-z0-9\-.]{1,64}$/;
export const ACTION_ID_PATTERN = CARE_PLAN_ID_PATTERN;

/**
 * The identifier the tasks service puts on an action's Task, so that the plan recognises it:
 * system CARE_PLAN_ACTION_SYSTEM, value `<carePlanId>#<actionId>`.
 */
export function carePlanActionIdentifier(
  carePlanId: string,
  actionId: string,
): { system: string; value: string } {
  return { system: CARE_PLAN_ACTION_SYSTEM, value: `${carePlanId}#${actionId}` };
}

/** The plan and the action a `<carePlanId>#<actionId>` value names; `undefined` if it is not one. */
export function parseCarePlanActionIdentifier(
  value: string,
): { carePlanId: string; actionId: string } | undefined {
  const hash = value.indexOf('#');
  if (hash < 0) return undefined;
  const carePlanId = value.slice(0, hash);
  const actionId = value.slice(hash + 1);
  if (!CARE_PLAN_ID_PATTERN.test(carePlanId) || !ACTION_ID_PATTERN.test(actionId)) return undefined;
  return { carePlanId, actionId };
}
