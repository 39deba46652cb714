import type { Actor } from '@carenet/access';
import type { DomainEvent, Plain } from '@carenet/eventsourcing';
import type { CarePlanAction, CarePlanContent, ModelledContentKey } from './care-plan-content.js';
import type { CarePlanStatus } from './care-plan-status.js';
import type {
  ActivityStatus,
  AgreedBy,
  AgreementMethod,
  CarePlanCodeableConcept,
  PatientIdentifier,
  Representative,
  TaskStatus,
} from './care-plan-values.js';
import type { Party } from '@carenet/access/party';

/** What every CarePlan event records: which plan, who did it, when. */
type Fact = Readonly<{
  carePlanId: string;
  /** The actor who issued the command. */
  by: Plain<Actor>;
  /** The instant of the fact (the command's `now`). */
  at: string;
}>;

/**
 * An action as handed to the Tasks service: the action, its due date resolved (`actionDue`), and
 * its `occurrence`: 1 the first time the action is handed over, n + 1 when it is handed over
 * again after having been withdrawn (a removed action put back), so that the Task id the tasks
 * consumer derives from (carePlanId, actionId, occurrence) is new each time.
 */
export type HandedAction = CarePlanAction & { readonly occurrence: number };

/** What the actions of a revision are, compared to the previous version. */
export type ActionsDiff = Readonly<{ added: string[]; removed: string[]; changed: string[] }>;

/** A content-carrying event: the version number and the full content of that version. */
type Versioned = Fact & { readonly version: number; readonly plan: CarePlanContent };

/** Created in draft, version 1. */
export type CarePlanDrafted = DomainEvent<'CarePlanDrafted', Versioned & { readonly author: Party }>;
/**
 * A new version (full content). `changed` names the content elements the domain models that
 * differ from the previous version, `keptChanged` (true, or absent) says that the elements kept
 * as given changed; `actions` which actions were added, removed or changed; `approvalRequired`
 * says that the validation and the agreement no longer cover the actions.
 */
export type CarePlanRevised = DomainEvent<
  'CarePlanRevised',
  Versioned & {
    readonly previousVersion: number;
    readonly changed: ModelledContentKey[];
    readonly keptChanged?: true;
    readonly actions: ActionsDiff;
    /** The number of the current set of actions, which validation and agreement refer to. */
    readonly actionsVersion: number;
    readonly approvalRequired: boolean;
  }
>;
/** `$validate-plan`: the médecin traitant validated the plan version and its actions. */
export type CarePlanValidated = DomainEvent<
  'CarePlanValidated',
  Fact & {
    readonly validator: Party;
    readonly version: number;
    readonly actionsVersion: number;
    readonly note?: string;
  }
>;
/** `$record-agreement`: the patient (or their representative) agreed to the plan version and its actions. */
export type CarePlanPatientAgreementRecorded = DomainEvent<
  'CarePlanPatientAgreementRecorded',
  Fact & {
    readonly patient: PatientIdentifier;
    readonly agreedBy: AgreedBy;
    readonly representative?: Representative;
    readonly method: AgreementMethod;
    readonly version: number;
    readonly actionsVersion: number;
    readonly note?: string;
  }
>;
export type CarePlanActivated = DomainEvent<'CarePlanActivated', Fact & { readonly version: number }>;
export type CarePlanSuspended = DomainEvent<
  'CarePlanSuspended',
  Fact & { readonly reason?: CarePlanCodeableConcept }
>;
export type CarePlanResumed = DomainEvent<'CarePlanResumed', Fact>;
export type CarePlanRevoked = DomainEvent<
  'CarePlanRevoked',
  Fact & { readonly reason: CarePlanCodeableConcept }
>;
export type CarePlanCompleted = DomainEvent<'CarePlanCompleted', Fact & { readonly note?: string }>;
export type CarePlanEnteredInError = DomainEvent<
  'CarePlanEnteredInError',
  Fact & { readonly previousStatus: CarePlanStatus; readonly reason?: CarePlanCodeableConcept }
>;

/** Who the Tasks of the actions concern and are distributed by. */
type HandOver = Fact & {
  /** The patient (Task.for). */
  readonly patient: PatientIdentifier;
  /** The coordinator (the author when an ordinary plan names none): distributes the Tasks. */
  readonly coordinator: Party;
  /** The plan version the actions come from. */
  readonly version: number;
};

/** Actions handed to the Tasks service: one Task each, owned by the performer, due at `due`. */
export type CarePlanActionsScheduled = DomainEvent<
  'CarePlanActionsScheduled',
  HandOver & { readonly actions: HandedAction[] }
>;
/** Handed-over actions whose performer, schedule, due date or content changed: their Tasks follow. */
export type CarePlanActionsChanged = DomainEvent<
  'CarePlanActionsChanged',
  HandOver & {
    readonly changes: Readonly<{ action: HandedAction; changed: (keyof CarePlanAction)[] }>[];
  }
>;
/** Handed-over actions the plan no longer holds (removed, or the plan ended): their open Tasks are cancelled. */
export type CarePlanActionsWithdrawn = DomainEvent<
  'CarePlanActionsWithdrawn',
  Fact & { readonly actionIds: string[]; readonly reason: CarePlanCodeableConcept }
>;
/** The Task of an action exists (`activity.reference`). */
export type CarePlanActionLinked = DomainEvent<
  'CarePlanActionLinked',
  Fact & { readonly actionId: string; readonly taskId: string }
>;
/** The action's `activity.detail.status` changed, following its Task. */
export type CarePlanActionProgressed = DomainEvent<
  'CarePlanActionProgressed',
  Fact & {
    readonly actionId: string;
    readonly taskId?: string;
    readonly taskStatus: TaskStatus;
    readonly taskVersion?: number;
    readonly previousStatus: ActivityStatus;
    readonly status: ActivityStatus;
  }
>;

export type CarePlanAlertKind = 'action-overdue' | 'review-overdue';

/** An alert for the coordinator (the Tasks service turns it into an alert Task). Once per `alertId`. */
export type CarePlanAlertRaised = DomainEvent<
  'CarePlanAlertRaised',
  Fact & {
    /** Deterministic: `review-<reviewDate>` or `action-<actionId>-<due>`. */
    readonly alertId: string;
    readonly kind: CarePlanAlertKind;
    readonly coordinator: Party;
    readonly patient: PatientIdentifier;
    readonly reason: string;
    /** The date that passed: the action's due instant, or the review date. */
    readonly due: string;
    readonly actionId?: string;
    readonly taskId?: string;
  }
>;

export type CarePlanEvent =
  | CarePlanDrafted
  | CarePlanRevised
  | CarePlanValidated
  | CarePlanPatientAgreementRecorded
  | CarePlanActivated
  | CarePlanSuspended
  | CarePlanResumed
  | CarePlanRevoked
  | CarePlanCompleted
  | CarePlanEnteredInError
  | CarePlanActionsScheduled
  | CarePlanActionsChanged
  | CarePlanActionsWithdrawn
  | CarePlanActionLinked
  | CarePlanActionProgressed
  | CarePlanAlertRaised;

export type CarePlanEventType = CarePlanEvent['type'];

/** Every event type, for contract tests and consumers. */
export const CARE_PLAN_EVENT_TYPES: readonly CarePlanEventType[] = [
  'CarePlanDrafted',
  'CarePlanRevised',
  'CarePlanValidated',
  'CarePlanPatientAgreementRecorded',
  'CarePlanActivated',
  'CarePlanSuspended',
  'CarePlanResumed',
  'CarePlanRevoked',
  'CarePlanCompleted',
  'CarePlanEnteredInError',
  'CarePlanActionsScheduled',
  'CarePlanActionsChanged',
  'CarePlanActionsWithdrawn',
  'CarePlanActionLinked',
  'CarePlanActionProgressed',
  'CarePlanAlertRaised',
];
