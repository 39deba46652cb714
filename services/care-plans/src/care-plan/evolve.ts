import { assertNever } from '@carenet/eventsourcing';
import { revalidationRequired } from './care-plan-approval.js';
import { CARE_PLAN_CONTENT_KEYS, isPpcs, type CarePlanContent } from './care-plan-content.js';
import type { CarePlanEvent } from './care-plan-events.js';
import type { ActionActivity, CarePlanState, ExistingCarePlan } from './care-plan-state.js';
import type { CarePlanStatus } from './care-plan-status.js';

/** The plan with the content of a new version in place of the previous one (PUT: absent = removed). */
function withContent(state: ExistingCarePlan, plan: CarePlanContent): ExistingCarePlan {
  const rest = Object.fromEntries(
    Object.entries(state).filter(([key]) => !(CARE_PLAN_CONTENT_KEYS as readonly string[]).includes(key)),
  );
  return { ...(rest as Omit<ExistingCarePlan, keyof CarePlanContent>), ...plan };
}

function withStatus(state: ExistingCarePlan, status: CarePlanStatus): ExistingCarePlan {
  const { statusReason: _previous, ...rest } = state;
  return { ...rest, status };
}

function updateActivities(
  state: ExistingCarePlan,
  ids: readonly string[],
  update: (activity: ActionActivity) => ActionActivity,
): ExistingCarePlan {
  const activities = { ...state.activities };
  for (const id of ids) {
    const activity = activities[id];
    if (activity !== undefined) activities[id] = update(activity);
  }
  return { ...state, activities };
}

function apply(state: ExistingCarePlan, event: CarePlanEvent): ExistingCarePlan {
  switch (event.type) {
    case 'CarePlanDrafted':
      return state;
    case 'CarePlanRevised':
      return {
        ...withContent(state, event.data.plan),
        version: event.data.version,
        actionsVersion: event.data.actionsVersion,
      };
    case 'CarePlanValidated': {
      const { validator, by, at, version, actionsVersion } = event.data;
      return { ...state, validation: { validator, by, at, version, actionsVersion } };
    }
    case 'CarePlanPatientAgreementRecorded': {
      const { agreedBy, representative, method, by, at, version, actionsVersion } = event.data;
      return {
        ...state,
        agreement: {
          agreedBy,
          ...(representative === undefined ? {} : { representative }),
          method,
          by,
          at,
          version,
          actionsVersion,
        },
      };
    }
    case 'CarePlanActivated':
    case 'CarePlanResumed':
      return withStatus(state, 'active');
    case 'CarePlanSuspended': {
      const suspended = withStatus(state, 'on-hold');
      return event.data.reason === undefined ? suspended : { ...suspended, statusReason: event.data.reason };
    }
    case 'CarePlanRevoked':
      return { ...withStatus(state, 'revoked'), statusReason: event.data.reason };
    case 'CarePlanCompleted':
      return withStatus(state, 'completed');
    case 'CarePlanEnteredInError': {
      const marked = withStatus(state, 'entered-in-error');
      return event.data.reason === undefined ? marked : { ...marked, statusReason: event.data.reason };
    }
    case 'CarePlanActionsScheduled': {
      const activities = { ...state.activities };
      const occurrences = { ...state.occurrences };
      for (const action of event.data.actions) {
        activities[action.actionId] = { handed: action, status: 'scheduled', withdrawn: false };
        occurrences[action.actionId] = action.occurrence;
      }
      return { ...state, activities, occurrences };
    }
    case 'CarePlanActionsChanged': {
      const changed = new Map(event.data.changes.map((change) => [change.action.actionId, change.action]));
      return updateActivities(state, [...changed.keys()], (activity) => ({
        ...activity,
        handed: changed.get(activity.handed.actionId) ?? activity.handed,
      }));
    }
    case 'CarePlanActionsWithdrawn':
      return updateActivities(state, event.data.actionIds, (activity) => ({ ...activity, withdrawn: true }));
    case 'CarePlanActionLinked':
      return updateActivities(state, [event.data.actionId], (activity) => ({
        ...activity,
        taskId: event.data.taskId,
      }));
    case 'CarePlanActionProgressed': {
      const { taskVersion, status } = event.data;
      return updateActivities(state, [event.data.actionId], (activity) => ({
        ...activity,
        status,
        ...(taskVersion === undefined ? {} : { taskVersion }),
      }));
    }
    case 'CarePlanAlertRaised':
      return { ...state, alerts: [...state.alerts, event.data.alertId] };
    default:
      return assertNever(event);
  }
}

/** Folds one event into the state. Events of a plan that does not exist (but its creation) are ignored. */
export function evolve(state: CarePlanState, event: CarePlanEvent): CarePlanState {
  if (event.type === 'CarePlanDrafted') {
    if (state.exists) return state;
    const { carePlanId, by, at, version, plan, author } = event.data;
    return {
      ...plan,
      exists: true,
      id: carePlanId,
      status: 'draft',
      ppcs: isPpcs(plan),
      author,
      created: at,
      version,
      actionsVersion: 1,
      revalidationRequired: false,
      activities: {},
      occurrences: {},
      alerts: [],
      lastModified: at,
      lastModifiedBy: by,
    };
  }
  if (!state.exists) return state;
  const next = apply(state, event);
  return {
    ...next,
    revalidationRequired: revalidationRequired(next),
    lastModified: event.data.at,
    lastModifiedBy: event.data.by,
  };
}
