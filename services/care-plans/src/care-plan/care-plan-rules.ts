/**
 * The stable codes of the CarePlan business rules: the `rule` of each BusinessRuleError (HTTP
 * 422, an OperationOutcome naming the rule). Clients may rely on them; never rename one. The
 * `ppcs-*` rules apply to PPCS plans only (category `ppcs`); the others to every care plan.
 */
export const CARE_PLAN_RULES = {
  /** DraftCarePlan on a plan that exists. */
  alreadyExists: 'care-plan-already-exists',
  /** Any other command on a plan that does not exist. */
  notCreated: 'care-plan-not-created',
  /** A status change the lifecycle does not allow (message names from and to). */
  illegalTransition: 'care-plan-illegal-transition',
  /** ReviseCarePlan outside draft and active (suspend → resume first; finished plans are history). */
  reviseFromStatus: 'care-plan-revise-from-status',
  /** $validate-plan or $record-agreement on a revoked, completed or entered-in-error plan. */
  approvalFromStatus: 'care-plan-approval-from-status',
  /** A care plan is created in draft (FHIR create with another status). */
  initialStatus: 'care-plan-initial-status',
  /** A FHIR update changed an element fixed at creation (the author). */
  immutableElement: 'care-plan-immutable-element',
  /** A revision changed `subject`: a plan is for one patient. */
  subjectImmutable: 'care-plan-subject-immutable',
  /** A revision made a PPCS an ordinary plan or the reverse: whether the PPCS rules apply is fixed. */
  ppcsCategoryFixed: 'care-plan-ppcs-category-fixed',
  /** Two actions with the same actionId. */
  actionIdDuplicate: 'care-plan-action-id-duplicate',
  /** An action performed by a software system: performers are professionals or organisations. */
  performerKind: 'care-plan-performer-kind',
  /** A scheduled period (or Timing bounds) ending before it starts, or a Timing with a non-positive frequency or period. */
  actionScheduleInvalid: 'care-plan-action-schedule-invalid',
  /** The médecin traitant is a professional. */
  medecinTraitantProfessional: 'care-plan-medecin-traitant-professional',
  /** $validate-plan on a plan that names no médecin traitant. */
  medecinTraitantMissing: 'care-plan-medecin-traitant-missing',
  /** An agreement given by a representative names them (name and relationship). */
  representativeRequired: 'care-plan-representative-required',
  /** Revocation needs a reason. */
  revocationReasonRequired: 'care-plan-revocation-reason-required',
  /** RaiseReviewOverdueAlert before the review date has passed, or on a plan without one. */
  reviewNotOverdue: 'care-plan-review-not-overdue',
  /** LinkActionTask naming another Task than the one the action is linked to. */
  actionLinkedElsewhere: 'care-plan-action-linked-elsewhere',
  /** A PPCS has a review date (HAS: mandatory). */
  ppcsReviewDateRequired: 'ppcs-review-date-required',
  /** A PPCS names its référent / coordinator. */
  ppcsCoordinatorRequired: 'ppcs-coordinator-required',
  /** A PPCS names the patient's médecin traitant, who validates it. */
  ppcsMedecinTraitantRequired: 'ppcs-medecin-traitant-required',
  /** Activation of a PPCS whose current actions the médecin traitant has not validated. */
  ppcsValidationRequired: 'ppcs-validation-required',
  /** Activation of a PPCS whose current actions the patient (or representative) has not agreed to. */
  ppcsAgreementRequired: 'ppcs-agreement-required',
  /** Activation (or resumption) of a PPCS while another PPCS of the patient is active. */
  ppcsOneActivePerPatient: 'ppcs-one-active-per-patient',
} as const;

export type CarePlanRule = (typeof CARE_PLAN_RULES)[keyof typeof CARE_PLAN_RULES];
