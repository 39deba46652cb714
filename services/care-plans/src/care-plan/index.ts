export { actionDue, endOfDay } from './action-due.js';
export { diffActions, handOver, inHandOverOrder, withdrawAll } from './action-handover.js';
export { activityStatusOf, FINISHED_ACTIVITY_STATUSES, isFinishedActivity } from './action-progress.js';
export {
  actionsApproved,
  agreementIsCurrent,
  revalidationRequired,
  validationIsCurrent,
} from './care-plan-approval.js';
export type * from './care-plan-commands.js';
export {
  CARE_PLAN_CONTENT_KEYS,
  isPpcs,
  type ActionKept,
  type CarePlanAction,
  type CarePlanContent,
  type SituationItem,
  type SituationSummary,
} from './care-plan-content.js';
export { requireValidContent } from './care-plan-content-rules.js';
export { carePlanDecider } from './care-plan-decider.js';
export { CARE_PLAN_EVENT_TYPES, type CarePlanEventType } from './care-plan-events.js';
export type * from './care-plan-events.js';
export { CARE_PLAN_RULES, type CarePlanRule } from './care-plan-rules.js';
export {
  initialState,
  type ActionActivity,
  type Agreement,
  type CarePlanState,
  type ExistingCarePlan,
  type NoCarePlan,
  type Validation,
} from './care-plan-state.js';
export {
  CARE_PLAN_STATE_MACHINE,
  CARE_PLAN_STATUSES,
  FINISHED_CARE_PLAN_STATUSES,
  isFinishedCarePlan,
  targetOfCarePlanCommand,
  type CarePlanStatus,
  type CarePlanTransitionCommandType,
} from './care-plan-status.js';
export {
  ACTION_KINDS,
  ACTION_PRIORITIES,
  ACTIVITY_STATUSES,
  AGREEMENT_METHODS,
  CARE_PLAN_CATEGORY_SYSTEM,
  PERIOD_UNITS,
  PPCS_CATEGORY_CODE,
  samePatient,
  SITUATION_DIMENSIONS,
  type ActionKind,
  type ActionPeriod,
  type ActionPriority,
  type ActionSchedule,
  type ActionTiming,
  type ActivityStatus,
  type AgreedBy,
  type AgreementMethod,
  type CarePlanAnnotation,
  type CarePlanCodeableConcept,
  type InstantPeriod,
  type KeptElements,
  type PatientIdentifier,
  type PeriodUnit,
  type Representative,
  type SituationDimension,
  type TaskStatus,
} from './care-plan-values.js';
export { decide } from './decide.js';
export { evolve } from './evolve.js';
export {
  actsAs,
  CLIENT_ID_SYSTEM,
  partyOfActor,
  sameParty,
  type Party,
  type PartyIdentifier,
  type PartyKind,
} from '@carenet/access/party';
export type { Plain } from '@carenet/eventsourcing';
