/**
 * The stable codes of the Task business rules: the `rule` of each BusinessRuleError (HTTP 422,
 * an OperationOutcome naming the rule). Clients may rely on them; never rename one.
 */
export const TASK_RULES = {
  /** CreateTask on a Task that exists. */
  alreadyExists: 'task-already-exists',
  /** Any other command on a Task that does not exist. */
  notCreated: 'task-not-created',
  /** A status change the R4 Task state machine does not allow (message names from and to). */
  illegalTransition: 'task-illegal-transition',
  /** A Task created in a status other than draft, requested or ready. */
  initialStatus: 'task-initial-status',
  /** rejected, failed and cancelled need a statusReason. */
  statusReasonRequired: 'task-status-reason-required',
  /** The request (code, focus, due date, inputs, ...) changed after the owner accepted it. */
  immutableAfterAcceptance: 'task-immutable-after-acceptance',
  /** ChangeTaskDetails, ChangeTaskOwner or TransferTask on a finished Task. */
  finished: 'task-finished',
  /** A Task out of draft needs an owner. */
  ownerRequired: 'task-owner-required',
  /** The owner may be reassigned (ChangeTaskOwner) only in draft or requested. */
  ownerChangeAfterReceipt: 'task-owner-change-after-receipt',
  /** A sharing Task names its second accountable party (co-owner); other modes do not. */
  coOwnerRequired: 'task-co-owner-required',
  coOwnerOnlyForSharing: 'task-co-owner-only-for-sharing',
  /** A transfer Task says whether responsibility moves to the owner. */
  responsibilityMovesRequired: 'task-responsibility-moves-required',
  responsibilityMovesOnlyForTransfer: 'task-responsibility-moves-only-for-transfer',
  /** Exactly one accountable party at any instant of an open Task (two, distinct, for sharing). */
  responsibilityInvariant: 'responsibility-invariant',
  /** $transfer on a draft (use ChangeTaskOwner). */
  transferFromDraft: 'transfer-from-draft',
  /** $transfer to the party that already performs. */
  transferToSameOwner: 'transfer-same-owner',
  /** $transfer with period.end not after period.start. */
  transferPeriodInvalid: 'transfer-period-invalid',
  /** $transfer starting before now: responsibility is never rewritten retroactively. */
  transferRetroactive: 'transfer-retroactive',
  /** MarkTaskOverdue before restriction.period.end, or on a Task without one. */
  notOverdue: 'task-not-overdue',
  /**
   * A FHIR update changed an element fixed at creation (for, intent, mode, requester, partOf,
   * co-owner, responsibilityMoves, identifier); the message names it (`Task.for`).
   */
  immutableElement: 'task-immutable-element',
  /** A FHIR update changed `Task.output` without completing the Task: outputs come with completion. */
  outputWithoutCompletion: 'task-output-without-completion',
  /**
   * A create gave an element the Task's life records (executionPeriod: start and end; statusReason:
   * the reason of a rejection, hold, failure, cancellation; output: with completion), or a PUT
   * changed executionPeriod: the message names the element.
   */
  recordedByMoves: 'task-element-recorded-by-moves',
  /** A cooperation Task's intent is proposal, plan or order (other R4 intents are refused, 422). */
  intent: 'task-intent',
} as const;

export type TaskRule = (typeof TASK_RULES)[keyof typeof TASK_RULES];
