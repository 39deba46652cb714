/** `CarePlan.status` (R4, http://hl7.org/fhir/request-status), without `unknown`. */
export type CarePlanStatus = 'draft' | 'active' | 'on-hold' | 'revoked' | 'completed' | 'entered-in-error';
export const CARE_PLAN_STATUSES: readonly CarePlanStatus[] = [
  'draft',
  'active',
  'on-hold',
  'revoked',
  'completed',
  'entered-in-error',
];

/** The commands that move a plan from one status to another. */
export type CarePlanTransitionCommandType =
  | 'ActivateCarePlan'
  | 'SuspendCarePlan'
  | 'ResumeCarePlan'
  | 'RevokeCarePlan'
  | 'CompleteCarePlan'
  | 'MarkCarePlanEnteredInError';

/**
 * The lifecycle (Nouvelle-Aquitaine guide: initiate → validate → follow → revise → evaluate →
 * close), on the R4 statuses: `from → to → command`. Absent = not allowed
 * (`care-plan-illegal-transition`).
 * - draft → active (activation, once validated and agreed for a PPCS); a draft that is
 *   abandoned is revoked;
 * - active ⇄ on-hold; active | on-hold → revoked (reason required) or completed;
 * - entered-in-error from any other status.
 */
export const CARE_PLAN_STATE_MACHINE: Readonly<
  Record<CarePlanStatus, Partial<Record<CarePlanStatus, CarePlanTransitionCommandType>>>
> = {
  draft: {
    active: 'ActivateCarePlan',
    revoked: 'RevokeCarePlan',
    'entered-in-error': 'MarkCarePlanEnteredInError',
  },
  active: {
    'on-hold': 'SuspendCarePlan',
    revoked: 'RevokeCarePlan',
    completed: 'CompleteCarePlan',
    'entered-in-error': 'MarkCarePlanEnteredInError',
  },
  'on-hold': {
    active: 'ResumeCarePlan',
    revoked: 'RevokeCarePlan',
    completed: 'CompleteCarePlan',
    'entered-in-error': 'MarkCarePlanEnteredInError',
  },
  revoked: { 'entered-in-error': 'MarkCarePlanEnteredInError' },
  completed: { 'entered-in-error': 'MarkCarePlanEnteredInError' },
  'entered-in-error': {},
};

/** Statuses after which nothing is handed to the Tasks service any more. */
export const FINISHED_CARE_PLAN_STATUSES: readonly CarePlanStatus[] = [
  'revoked',
  'completed',
  'entered-in-error',
];

export function isFinishedCarePlan(status: CarePlanStatus): boolean {
  return FINISHED_CARE_PLAN_STATUSES.includes(status);
}

/** The status a transition command leads to. */
export function targetOfCarePlanCommand(type: CarePlanTransitionCommandType): CarePlanStatus {
  switch (type) {
    case 'ActivateCarePlan':
    case 'ResumeCarePlan':
      return 'active';
    case 'SuspendCarePlan':
      return 'on-hold';
    case 'RevokeCarePlan':
      return 'revoked';
    case 'CompleteCarePlan':
      return 'completed';
    case 'MarkCarePlanEnteredInError':
      return 'entered-in-error';
  }
}
