import type { Agreement, ExistingCarePlan, Validation } from './care-plan-state.js';
import { sameParty, type Party } from '@carenet/access/party';

/** What the approval of a plan's actions depends on. */
export interface Approvals {
  readonly ppcs: boolean;
  readonly status: ExistingCarePlan['status'];
  readonly medecinTraitant?: Party | undefined;
  readonly validation?: Validation | undefined;
  readonly agreement?: Agreement | undefined;
  readonly actionsVersion: number;
}

/** The médecin traitant's validation covers the current actions and is by the current médecin traitant. */
export function validationIsCurrent(plan: Approvals): boolean {
  const { validation, medecinTraitant } = plan;
  return (
    validation?.actionsVersion === plan.actionsVersion &&
    medecinTraitant !== undefined &&
    sameParty(validation.validator, medecinTraitant)
  );
}

/** The patient's agreement covers the current actions. */
export function agreementIsCurrent(plan: Approvals): boolean {
  return plan.agreement?.actionsVersion === plan.actionsVersion;
}

/**
 * Whether the current actions may be handed to the Tasks service: always for an ordinary plan;
 * for a PPCS, once the médecin traitant validated them and the patient agreed to them.
 */
export function actionsApproved(plan: Approvals): boolean {
  return !plan.ppcs || (validationIsCurrent(plan) && agreementIsCurrent(plan));
}

/** A PPCS being followed (active or on-hold) whose current actions await validation or agreement. */
export function revalidationRequired(plan: Approvals): boolean {
  return (plan.status === 'active' || plan.status === 'on-hold') && !actionsApproved(plan);
}
