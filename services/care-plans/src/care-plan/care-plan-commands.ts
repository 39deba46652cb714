import type { Actor } from '@carenet/access';
import type { CarePlanContent } from './care-plan-content.js';
import type {
  AgreedBy,
  AgreementMethod,
  CarePlanCodeableConcept,
  Representative,
  TaskStatus,
} from './care-plan-values.js';
import type { Party } from '@carenet/access/party';

/** Every command says who issues it and when: the decider never reads the clock. */
interface Issued {
  readonly actor: Actor;
  /** ISO 8601 instant, from the clock of the caller. */
  readonly now: string;
}

/** Creates the plan in draft (HAS: the référent initiates it). */
export interface DraftCarePlan extends Issued {
  readonly type: 'DraftCarePlan';
  readonly carePlanId: string;
  /** `CarePlan.author`: the actor drafting it (a system may draft on a professional's behalf). */
  readonly author: Party;
  readonly plan: CarePlanContent;
}

/** The full new content (PUT semantics), in draft or active; in active, a new version. */
export interface ReviseCarePlan extends Issued {
  readonly type: 'ReviseCarePlan';
  readonly plan: CarePlanContent;
}

/** `$validate-plan`: the médecin traitant validates the current actions. */
export interface ValidateCarePlan extends Issued {
  readonly type: 'ValidateCarePlan';
  readonly note?: string;
}

/** `$record-agreement`: the patient's (or representative's) agreement to the current actions. */
export interface RecordPatientAgreement extends Issued {
  readonly type: 'RecordPatientAgreement';
  readonly agreedBy: AgreedBy;
  /** Required when `agreedBy` is `representative`. */
  readonly representative?: Representative;
  readonly method: AgreementMethod;
  readonly note?: string;
}

/** draft → active. */
export interface ActivateCarePlan extends Issued {
  readonly type: 'ActivateCarePlan';
  /**
   * The id of another active PPCS of the same patient, if any: the application reads it from a
   * read model (the rule spans streams). When set, a PPCS is refused (`ppcs-one-active-per-patient`).
   */
  readonly otherActivePpcs?: string;
}

/** active → on-hold. */
export interface SuspendCarePlan extends Issued {
  readonly type: 'SuspendCarePlan';
  readonly reason?: CarePlanCodeableConcept;
}

/** on-hold → active; `otherActivePpcs` as for activation (another PPCS may have been activated meanwhile). */
export interface ResumeCarePlan extends Issued {
  readonly type: 'ResumeCarePlan';
  readonly otherActivePpcs?: string;
}

/** draft | active | on-hold → revoked; reason required. */
export interface RevokeCarePlan extends Issued {
  readonly type: 'RevokeCarePlan';
  readonly reason?: CarePlanCodeableConcept;
}

/** active | on-hold → completed (HAS: evaluate → close). */
export interface CompleteCarePlan extends Issued {
  readonly type: 'CompleteCarePlan';
  readonly note?: string;
}

/** Any status → entered-in-error. */
export interface MarkCarePlanEnteredInError extends Issued {
  readonly type: 'MarkCarePlanEnteredInError';
  readonly reason?: CarePlanCodeableConcept;
}

/** From the care-plans consumer of task events: the Task of an action exists (`activity.reference`). */
export interface LinkActionTask extends Issued {
  readonly type: 'LinkActionTask';
  readonly actionId: string;
  readonly taskId: string;
}

/** From the care-plans consumer of task events: the action's Task moved to `taskStatus`. */
export interface RecordActionProgress extends Issued {
  readonly type: 'RecordActionProgress';
  readonly actionId: string;
  readonly taskStatus: TaskStatus;
  /** The Task reporting; a report from another Task than the linked one is ignored. */
  readonly taskId?: string;
  /**
   * The Task's version (stream revision + 1) the status is read from: a report not newer than
   * the last one applied is ignored (replays and out-of-order deliveries change nothing).
   */
  readonly taskVersion?: number;
}

/** From the consumer of TaskOverdue: an action's Task is overdue. */
export interface RaiseActionOverdueAlert extends Issued {
  readonly type: 'RaiseActionOverdueAlert';
  readonly actionId: string;
  readonly taskId: string;
  readonly due: string;
}

/** From the clock service: the review date passed and the plan is active. */
export interface RaiseReviewOverdueAlert extends Issued {
  readonly type: 'RaiseReviewOverdueAlert';
}

export type CarePlanTransitionCommand =
  | ActivateCarePlan
  | SuspendCarePlan
  | ResumeCarePlan
  | RevokeCarePlan
  | CompleteCarePlan
  | MarkCarePlanEnteredInError;

export type CarePlanCommand =
  | DraftCarePlan
  | ReviseCarePlan
  | ValidateCarePlan
  | RecordPatientAgreement
  | CarePlanTransitionCommand
  | LinkActionTask
  | RecordActionProgress
  | RaiseActionOverdueAlert
  | RaiseReviewOverdueAlert;
