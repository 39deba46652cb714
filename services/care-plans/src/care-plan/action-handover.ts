import type { Actor } from '@carenet/access';
import { actionDue } from './action-due.js';
import { isFinishedActivity } from './action-progress.js';
import { actionsApproved } from './care-plan-approval.js';
import type { CarePlanAction } from './care-plan-content.js';
import type { ActionsDiff, CarePlanEvent, HandedAction } from './care-plan-events.js';
import type { ExistingCarePlan } from './care-plan-state.js';
import type { ActionKind, ActionPriority, CarePlanCodeableConcept } from './care-plan-values.js';
import { jsonEqual } from '@carenet/eventsourcing';

const ACTION_KEYS: readonly (keyof CarePlanAction)[] = [
  'actionId',
  'code',
  'description',
  'performer',
  'scheduled',
  'due',
  'expectedResult',
  'priority',
  'kind',
];

/** Which actions a new version adds, removes and changes, compared with the previous one. */
export function diffActions(
  before: readonly CarePlanAction[],
  after: readonly CarePlanAction[],
): ActionsDiff {
  const previous = new Map(before.map((action) => [action.actionId, action]));
  const next = new Set(after.map((action) => action.actionId));
  return {
    added: after.filter((action) => !previous.has(action.actionId)).map((action) => action.actionId),
    removed: before.filter((action) => !next.has(action.actionId)).map((action) => action.actionId),
    changed: after
      .filter((action) => {
        const old = previous.get(action.actionId);
        return old !== undefined && !jsonEqual(old, action);
      })
      .map((action) => action.actionId),
  };
}

/** The action with its due date resolved. */
function resolved(action: CarePlanAction, reviewDate: string | undefined): CarePlanAction {
  const due = actionDue(action, reviewDate);
  return due === undefined ? action : { ...action, due };
}

const PRIORITY_RANK: Record<ActionPriority, number> = { stat: 0, asap: 1, urgent: 2, routine: 3 };
const rankOfKind = (kind: ActionKind | undefined) => (kind === 'prevention' ? 0 : 1);

/**
 * The order actions are handed over in (HAS: prevention actions come first): prevention first,
 * then by priority (stat, asap, urgent, routine), then in the plan's order. The plan's own order
 * is kept as written.
 */
export function inHandOverOrder<A extends CarePlanAction>(actions: readonly A[]): A[] {
  return actions
    .map((action, index) => ({ action, index }))
    .sort(
      (a, b) =>
        rankOfKind(a.action.kind) - rankOfKind(b.action.kind) ||
        PRIORITY_RANK[a.action.priority] - PRIORITY_RANK[b.action.priority] ||
        a.index - b.index,
    )
    .map(({ action }) => action);
}

interface Issued {
  readonly actor: Actor;
  readonly now: string;
}

function handOverFact(plan: ExistingCarePlan, command: Issued) {
  return {
    carePlanId: plan.id,
    by: command.actor,
    at: command.now,
    patient: plan.subject,
    coordinator: plan.coordinator ?? plan.author,
    version: plan.version,
  };
}

/**
 * What the Tasks service must be told so that its Tasks match the plan's current actions: the
 * actions never handed over (scheduled), those handed over that changed (changed: their Tasks
 * follow) and those the plan no longer holds (withdrawn: their open Tasks are cancelled).
 * Nothing unless the plan is active and its current actions are approved (a PPCS: validated by
 * the médecin traitant and agreed by the patient): a change awaiting re-validation waits.
 */
export function handOver(plan: ExistingCarePlan, command: Issued): CarePlanEvent[] {
  if (plan.status !== 'active' || !actionsApproved(plan)) return [];
  const handed = new Map(Object.entries(plan.activities).filter(([, activity]) => !activity.withdrawn));
  const current = new Set(plan.actions.map((action) => action.actionId));
  const withdrawn = [...handed.keys()].filter((actionId) => !current.has(actionId));
  const changes: { action: HandedAction; changed: (keyof CarePlanAction)[] }[] = [];
  const scheduled: HandedAction[] = [];
  for (const action of plan.actions) {
    const next = resolved(action, plan.reviewDate);
    const activity = handed.get(action.actionId);
    if (activity === undefined) {
      scheduled.push({ ...next, occurrence: (plan.occurrences[action.actionId] ?? 0) + 1 });
      continue;
    }
    const { occurrence, ...before } = activity.handed;
    const changed = ACTION_KEYS.filter((key) => !jsonEqual(before[key], next[key]));
    if (changed.length > 0) changes.push({ action: { ...next, occurrence }, changed });
  }
  const fact = handOverFact(plan, command);
  const events: CarePlanEvent[] = [];
  if (withdrawn.length > 0) {
    events.push({
      type: 'CarePlanActionsWithdrawn',
      data: {
        carePlanId: plan.id,
        by: command.actor,
        at: command.now,
        actionIds: withdrawn,
        reason: { text: `removed from care plan ${plan.id} (version ${plan.version})` },
      },
    });
  }
  if (changes.length > 0) {
    events.push({
      type: 'CarePlanActionsChanged',
      data: { ...fact, changes: inHandOverOrderOfChanges(changes) },
    });
  }
  if (scheduled.length > 0) {
    events.push({ type: 'CarePlanActionsScheduled', data: { ...fact, actions: inHandOverOrder(scheduled) } });
  }
  return events;
}

function inHandOverOrderOfChanges<C extends { action: HandedAction }>(changes: C[]): C[] {
  const byAction = new Map(changes.map((change) => [change.action, change]));
  return inHandOverOrder([...byAction.keys()]).flatMap((action) => {
    const change = byAction.get(action);
    return change === undefined ? [] : [change];
  });
}

/**
 * When the plan ends (revoked, completed, entered-in-error): every handed-over action whose Task
 * may still be open is withdrawn, so that the Tasks service cancels what remains to do.
 */
export function withdrawAll(
  plan: ExistingCarePlan,
  command: Issued,
  reason: CarePlanCodeableConcept,
): CarePlanEvent[] {
  const actionIds = Object.entries(plan.activities)
    .filter(([, activity]) => !activity.withdrawn && !isFinishedActivity(activity.status))
    .map(([actionId]) => actionId);
  if (actionIds.length === 0) return [];
  return [
    {
      type: 'CarePlanActionsWithdrawn',
      data: { carePlanId: plan.id, by: command.actor, at: command.now, actionIds, reason },
    },
  ];
}
