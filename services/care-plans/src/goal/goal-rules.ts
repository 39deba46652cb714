/**
 * The stable codes of the Goal business rules: the `rule` of each BusinessRuleError (HTTP 422,
 * an OperationOutcome naming the rule). Clients may rely on them; never rename one.
 */
export const GOAL_RULES = {
  /** SetGoal on a goal that exists. */
  alreadyExists: 'goal-already-exists',
  /** Any other command on a goal that does not exist. */
  notSet: 'goal-not-set',
  /** A goal is set proposed, planned, accepted or active. */
  initialStatus: 'goal-initial-status',
  /** A lifecycle change goal-status does not allow (see GOAL_TRANSITIONS). */
  illegalTransition: 'goal-illegal-transition',
  /** cancelled and rejected need a statusReason. */
  statusReasonRequired: 'goal-status-reason-required',
  /** Any change to an entered-in-error goal. */
  enteredInError: 'goal-entered-in-error',
  /** A revision of a completed, cancelled or rejected goal. */
  closed: 'goal-closed',
  /** A goal without description (no text, no coding). */
  descriptionRequired: 'goal-description-required',
  /** A target with a detail and no measure (R4 invariant gol-1). */
  targetMeasureRequired: 'goal-target-measure-required',
  /** A target due before the goal starts. */
  targetDueBeforeStart: 'goal-target-due-before-start',
  /** An achievement recorded for a goal that is not accepted, active, on-hold or completed. */
  achievementNotApplicable: 'goal-achievement-not-applicable',
  /** A revision without the achievement recorded: an achievement is superseded, never erased. */
  achievementErased: 'goal-achievement-erased',
  /** ReviseGoal naming another patient: the subject never changes. */
  immutableSubject: 'goal-immutable-subject',
} as const;

export type GoalRule = (typeof GOAL_RULES)[keyof typeof GOAL_RULES];
