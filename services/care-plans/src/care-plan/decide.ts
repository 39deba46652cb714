import type { Actor } from '@carenet/access';
import { assertNever, BusinessRuleError, jsonEqual } from '@carenet/eventsourcing';
import { diffActions, handOver, withdrawAll } from './action-handover.js';
import { activityStatusOf, isFinishedActivity } from './action-progress.js';
import { actionsApproved, agreementIsCurrent, validationIsCurrent } from './care-plan-approval.js';
import type {
  CarePlanCommand,
  CarePlanTransitionCommand,
  DraftCarePlan,
  LinkActionTask,
  RaiseActionOverdueAlert,
  RaiseReviewOverdueAlert,
  RecordActionProgress,
  RecordPatientAgreement,
  ReviseCarePlan,
  ValidateCarePlan,
} from './care-plan-commands.js';
import {
  CARE_PLAN_CONTENT_KEYS,
  isPpcs,
  KEPT_CONTENT_KEYS,
  type CarePlanContent,
  type ModelledContentKey,
} from './care-plan-content.js';
import { requireValidContent } from './care-plan-content-rules.js';
import type { CarePlanEvent } from './care-plan-events.js';
import { evolve } from './evolve.js';
import {
  requireAgreementRecorder,
  requireAuthorCoordinatorOrAdministrator,
  requireAuthorOrSystem,
  requireMedecinTraitant,
  requirePlanner,
  requireSystem,
} from './care-plan-permissions.js';
import { CARE_PLAN_RULES } from './care-plan-rules.js';
import type { CarePlanState, ExistingCarePlan } from './care-plan-state.js';
import {
  CARE_PLAN_STATE_MACHINE,
  isFinishedCarePlan,
  targetOfCarePlanCommand,
  type CarePlanStatus,
} from './care-plan-status.js';
import { samePatient, type CarePlanCodeableConcept } from './care-plan-values.js';

/** `{ key: value }`, or `{}` when the value is undefined (for optional properties). */
function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return (value === undefined ? {} : { [key]: value }) as Partial<Record<K, V>>;
}

function fact(plan: ExistingCarePlan, command: { actor: Actor; now: string }) {
  return { carePlanId: plan.id, by: command.actor, at: command.now };
}

/** The events, followed by what they mean for the Tasks service (see `handOver`). */
function withHandOver(
  plan: ExistingCarePlan,
  command: { actor: Actor; now: string },
  events: CarePlanEvent[],
): CarePlanEvent[] {
  const after = events.reduce<CarePlanState>(evolve, plan);
  return after.exists ? [...events, ...handOver(after, command)] : events;
}

function hasContent(reason: CarePlanCodeableConcept | undefined): reason is CarePlanCodeableConcept {
  return reason !== undefined && ((reason.text ?? '').trim() !== '' || (reason.coding?.length ?? 0) > 0);
}

function draft(command: DraftCarePlan, state: CarePlanState): CarePlanEvent[] {
  if (state.exists) {
    throw new BusinessRuleError(CARE_PLAN_RULES.alreadyExists, `care plan ${state.id} exists already`);
  }
  requireAuthorOrSystem(command.actor, command.author);
  requireValidContent(command.plan, isPpcs(command.plan));
  return [
    {
      type: 'CarePlanDrafted',
      data: {
        carePlanId: command.carePlanId,
        by: command.actor,
        at: command.now,
        version: 1,
        author: command.author,
        plan: command.plan,
      },
    },
  ];
}

function contentOf(plan: ExistingCarePlan): CarePlanContent {
  return Object.fromEntries(
    CARE_PLAN_CONTENT_KEYS.filter((key) => plan[key] !== undefined).map((key) => [key, plan[key]]),
  ) as CarePlanContent;
}

function revise(command: ReviseCarePlan, plan: ExistingCarePlan): CarePlanEvent[] {
  const before = contentOf(plan);
  const differs = CARE_PLAN_CONTENT_KEYS.filter((key) => !jsonEqual(before[key], command.plan[key]));
  if (differs.length === 0) return [];
  // The elements kept as given are not the domain's: a change of them alone changes no action
  // and needs no new approval; the event says so apart (`keptChanged`).
  const changed = differs.filter((key): key is ModelledContentKey => !KEPT_CONTENT_KEYS.includes(key));
  const keptChanged = differs.length > changed.length;
  if (plan.status !== 'draft' && plan.status !== 'active') {
    throw new BusinessRuleError(
      CARE_PLAN_RULES.reviseFromStatus,
      `care plan ${plan.id} is ${plan.status}: it is revised in draft or active only`,
    );
  }
  requirePlanner(plan, command.actor, 'revises it');
  if (!samePatient(before.subject, command.plan.subject)) {
    throw new BusinessRuleError(CARE_PLAN_RULES.subjectImmutable, `care plan ${plan.id} is for one patient`);
  }
  if (isPpcs(command.plan) !== plan.ppcs) {
    throw new BusinessRuleError(
      CARE_PLAN_RULES.ppcsCategoryFixed,
      `care plan ${plan.id} ${plan.ppcs ? 'is' : 'is not'} a PPCS, and stays so`,
    );
  }
  requireValidContent(command.plan, plan.ppcs);
  const actions = diffActions(plan.actions, command.plan.actions);
  const actionsVersion = changed.includes('actions') ? plan.actionsVersion + 1 : plan.actionsVersion;
  const approvalRequired = !actionsApproved({
    ...plan,
    medecinTraitant: command.plan.medecinTraitant,
    actionsVersion,
  });
  return withHandOver(plan, command, [
    {
      type: 'CarePlanRevised',
      data: {
        ...fact(plan, command),
        version: plan.version + 1,
        previousVersion: plan.version,
        plan: command.plan,
        changed,
        ...(keptChanged && { keptChanged }),
        actions,
        actionsVersion,
        approvalRequired,
      },
    },
  ]);
}

function requireApprovable(plan: ExistingCarePlan, what: string): void {
  if (isFinishedCarePlan(plan.status)) {
    throw new BusinessRuleError(
      CARE_PLAN_RULES.approvalFromStatus,
      `care plan ${plan.id} is ${plan.status}: ${what} is no longer possible`,
    );
  }
}

function validate(command: ValidateCarePlan, plan: ExistingCarePlan): CarePlanEvent[] {
  requireApprovable(plan, '$validate-plan');
  const medecinTraitant = plan.medecinTraitant;
  if (medecinTraitant === undefined) {
    throw new BusinessRuleError(
      CARE_PLAN_RULES.medecinTraitantMissing,
      `care plan ${plan.id} names no médecin traitant to validate it`,
    );
  }
  requireMedecinTraitant(plan, medecinTraitant, command.actor);
  if (validationIsCurrent(plan)) return [];
  return withHandOver(plan, command, [
    {
      type: 'CarePlanValidated',
      data: {
        ...fact(plan, command),
        validator: medecinTraitant,
        version: plan.version,
        actionsVersion: plan.actionsVersion,
        ...optional('note', command.note),
      },
    },
  ]);
}

function recordAgreement(command: RecordPatientAgreement, plan: ExistingCarePlan): CarePlanEvent[] {
  requireApprovable(plan, '$record-agreement');
  requireAgreementRecorder(plan, command.actor, command.agreedBy);
  const representative = command.agreedBy === 'representative' ? command.representative : undefined;
  if (
    command.agreedBy === 'representative' &&
    (representative === undefined ||
      representative.name.trim() === '' ||
      representative.relationship.trim() === '')
  ) {
    throw new BusinessRuleError(
      CARE_PLAN_RULES.representativeRequired,
      'an agreement given by a representative names them and their relationship to the patient',
    );
  }
  const current = plan.agreement;
  if (
    current !== undefined &&
    agreementIsCurrent(plan) &&
    current.agreedBy === command.agreedBy &&
    current.method === command.method &&
    jsonEqual(current.representative, representative)
  ) {
    return [];
  }
  return withHandOver(plan, command, [
    {
      type: 'CarePlanPatientAgreementRecorded',
      data: {
        ...fact(plan, command),
        patient: plan.subject,
        agreedBy: command.agreedBy,
        ...optional('representative', representative),
        method: command.method,
        version: plan.version,
        actionsVersion: plan.actionsVersion,
        ...optional('note', command.note),
      },
    },
  ]);
}

function requireTransition(plan: ExistingCarePlan, command: CarePlanTransitionCommand): CarePlanStatus {
  const to = targetOfCarePlanCommand(command.type);
  if (CARE_PLAN_STATE_MACHINE[plan.status][to] !== command.type) {
    throw new BusinessRuleError(
      CARE_PLAN_RULES.illegalTransition,
      `a care plan cannot go from ${plan.status} to ${to}`,
    );
  }
  return to;
}

function requireNoOtherActivePpcs(plan: ExistingCarePlan, otherActivePpcs: string | undefined): void {
  if (plan.ppcs && otherActivePpcs !== undefined && otherActivePpcs !== plan.id) {
    throw new BusinessRuleError(
      CARE_PLAN_RULES.ppcsOneActivePerPatient,
      `the patient already has an active PPCS (CarePlan/${otherActivePpcs})`,
    );
  }
}

function changeStatus(command: CarePlanTransitionCommand, plan: ExistingCarePlan): CarePlanEvent[] {
  requireTransition(plan, command);
  const data = fact(plan, command);
  switch (command.type) {
    case 'ActivateCarePlan':
      requirePlanner(plan, command.actor, 'activates it');
      if (plan.ppcs && !validationIsCurrent(plan)) {
        throw new BusinessRuleError(
          CARE_PLAN_RULES.ppcsValidationRequired,
          `the médecin traitant has not validated the current actions of PPCS ${plan.id}`,
        );
      }
      if (plan.ppcs && !agreementIsCurrent(plan)) {
        throw new BusinessRuleError(
          CARE_PLAN_RULES.ppcsAgreementRequired,
          `the patient (or their representative) has not agreed to the current actions of PPCS ${plan.id}`,
        );
      }
      requireNoOtherActivePpcs(plan, command.otherActivePpcs);
      return withHandOver(plan, command, [
        { type: 'CarePlanActivated', data: { ...data, version: plan.version } },
      ]);
    case 'SuspendCarePlan':
      requirePlanner(plan, command.actor, 'suspends it');
      return [{ type: 'CarePlanSuspended', data: { ...data, ...optional('reason', command.reason) } }];
    case 'ResumeCarePlan':
      requirePlanner(plan, command.actor, 'resumes it');
      requireNoOtherActivePpcs(plan, command.otherActivePpcs);
      return withHandOver(plan, command, [{ type: 'CarePlanResumed', data }]);
    case 'RevokeCarePlan': {
      requirePlanner(plan, command.actor, 'revokes it');
      const reason = command.reason;
      if (!hasContent(reason)) {
        throw new BusinessRuleError(
          CARE_PLAN_RULES.revocationReasonRequired,
          `revoking care plan ${plan.id} needs a reason`,
        );
      }
      return [
        { type: 'CarePlanRevoked', data: { ...data, reason } },
        ...withdrawAll(plan, command, {
          text: `care plan ${plan.id} revoked: ${reason.text ?? 'see reason'}`,
        }),
      ];
    }
    case 'CompleteCarePlan':
      requirePlanner(plan, command.actor, 'completes it');
      return [
        { type: 'CarePlanCompleted', data: { ...data, ...optional('note', command.note) } },
        ...withdrawAll(plan, command, { text: `care plan ${plan.id} completed` }),
      ];
    case 'MarkCarePlanEnteredInError':
      requireAuthorCoordinatorOrAdministrator(plan, command.actor, 'marks it entered-in-error');
      return [
        {
          type: 'CarePlanEnteredInError',
          data: { ...data, previousStatus: plan.status, ...optional('reason', command.reason) },
        },
        ...withdrawAll(plan, command, { text: `care plan ${plan.id} entered in error` }),
      ];
    default:
      return assertNever(command);
  }
}

function linkTask(command: LinkActionTask, plan: ExistingCarePlan): CarePlanEvent[] {
  requireSystem(command.actor, 'links an action to its Task');
  const activity = plan.activities[command.actionId];
  if (activity === undefined) return [];
  if (activity.taskId === command.taskId) return [];
  if (activity.taskId !== undefined) {
    throw new BusinessRuleError(
      CARE_PLAN_RULES.actionLinkedElsewhere,
      `action ${command.actionId} of care plan ${plan.id} is linked to Task/${activity.taskId}, not Task/${command.taskId}`,
    );
  }
  return [
    {
      type: 'CarePlanActionLinked',
      data: { ...fact(plan, command), actionId: command.actionId, taskId: command.taskId },
    },
  ];
}

function recordProgress(command: RecordActionProgress, plan: ExistingCarePlan): CarePlanEvent[] {
  requireSystem(command.actor, 'records the progress of an action');
  const activity = plan.activities[command.actionId];
  // An action never handed over (or removed before it was): nothing to follow.
  if (activity === undefined) return [];
  // A report from another Task (of an earlier occurrence of the action) is not about this one.
  if (command.taskId !== undefined && activity.taskId !== undefined && command.taskId !== activity.taskId)
    return [];
  // Replays and late deliveries: a Task version already applied changes nothing.
  if (
    command.taskVersion !== undefined &&
    activity.taskVersion !== undefined &&
    command.taskVersion <= activity.taskVersion
  ) {
    return [];
  }
  const status = activityStatusOf(command.taskStatus, activity.status);
  if (status === activity.status) return [];
  // A finished action does not come back (a stale report), except to entered-in-error.
  if (isFinishedActivity(activity.status) && status !== 'entered-in-error') return [];
  return [
    {
      type: 'CarePlanActionProgressed',
      data: {
        ...fact(plan, command),
        actionId: command.actionId,
        ...optional('taskId', command.taskId ?? activity.taskId),
        taskStatus: command.taskStatus,
        ...optional('taskVersion', command.taskVersion),
        previousStatus: activity.status,
        status,
      },
    },
  ];
}

function raiseActionOverdue(command: RaiseActionOverdueAlert, plan: ExistingCarePlan): CarePlanEvent[] {
  requireSystem(command.actor, 'raises an overdue alert');
  if (plan.status !== 'active' && plan.status !== 'on-hold') return [];
  const activity = plan.activities[command.actionId];
  if (activity === undefined || activity.withdrawn || isFinishedActivity(activity.status)) return [];
  const alertId = `action-${command.actionId}-${command.due}`;
  if (plan.alerts.includes(alertId)) return [];
  return [
    {
      type: 'CarePlanAlertRaised',
      data: {
        ...fact(plan, command),
        alertId,
        kind: 'action-overdue',
        coordinator: plan.coordinator ?? plan.author,
        patient: plan.subject,
        reason: `action ${command.actionId} (Task/${command.taskId}) was due ${command.due} and is not done`,
        due: command.due,
        actionId: command.actionId,
        taskId: command.taskId,
      },
    },
  ];
}

function raiseReviewOverdue(command: RaiseReviewOverdueAlert, plan: ExistingCarePlan): CarePlanEvent[] {
  requireSystem(command.actor, 'raises an overdue review alert');
  if (plan.status !== 'active') return [];
  const reviewDate = plan.reviewDate;
  // The review date is a day: overdue from the next day on (UTC).
  if (reviewDate === undefined || command.now.slice(0, 10) <= reviewDate) {
    throw new BusinessRuleError(
      CARE_PLAN_RULES.reviewNotOverdue,
      reviewDate === undefined
        ? `care plan ${plan.id} has no review date`
        : `care plan ${plan.id} is to be reviewed on ${reviewDate}, not overdue at ${command.now}`,
    );
  }
  const alertId = `review-${reviewDate}`;
  if (plan.alerts.includes(alertId)) return [];
  return [
    {
      type: 'CarePlanAlertRaised',
      data: {
        ...fact(plan, command),
        alertId,
        kind: 'review-overdue',
        coordinator: plan.coordinator ?? plan.author,
        patient: plan.subject,
        reason: `care plan ${plan.id} was to be reviewed on ${reviewDate}`,
        due: reviewDate,
      },
    },
  ];
}

/** Decides what a command means for a CarePlan: the events, or a typed error. Pure. */
export function decide(command: CarePlanCommand, state: CarePlanState): CarePlanEvent[] {
  if (command.type === 'DraftCarePlan') return draft(command, state);
  if (!state.exists) throw new BusinessRuleError(CARE_PLAN_RULES.notCreated, 'the care plan does not exist');
  switch (command.type) {
    case 'ReviseCarePlan':
      return revise(command, state);
    case 'ValidateCarePlan':
      return validate(command, state);
    case 'RecordPatientAgreement':
      return recordAgreement(command, state);
    case 'LinkActionTask':
      return linkTask(command, state);
    case 'RecordActionProgress':
      return recordProgress(command, state);
    case 'RaiseActionOverdueAlert':
      return raiseActionOverdue(command, state);
    case 'RaiseReviewOverdueAlert':
      return raiseReviewOverdue(command, state);
    default:
      return changeStatus(command, state);
  }
}
