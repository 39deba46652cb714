import { carenetNamingSystem } from '@carenet/fhir';

/**
 * The identifier a PPCS action's Task carries (`Task.identifier`): system
 * `…/NamingSystem/care-plan-action`, value `<carePlanId>#<actionId>`. The care-plans service
 * recognises its actions' Tasks by it in the task events (a contract between the two services,
 * documented in both READMEs).
 */
export const CARE_PLAN_ACTION_SYSTEM = carenetNamingSystem('care-plan-action');

export function carePlanActionValue(carePlanId: string, actionId: string): string {
  return `${carePlanId}#${actionId}`;
}
