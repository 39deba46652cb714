export * from './care-plan/index.js';
export * as careTeam from './care-team/index.js';
export * as goal from './goal/index.js';
export {
  CARE_PLANS_CATEGORIES,
  CARE_PLANS_CONTEXT,
  CARE_PLANS_SEARCH_SUPPORT,
  CARE_PLANS_TYPES,
  openCarePlansService,
  type CarePlansService,
  type CarePlansServiceOptions,
} from './care-plans-service.js';
export { REVIEW_CLOCK_ACTOR, startReviewClock, type ReviewClock } from './review/review-clock.js';
export {
  TASK_PROGRESS_ACTOR,
  TASK_PROGRESS_GROUP,
  taskProgressSubscriber,
} from './task-progress/task-progress-subscriber.js';
export {
  CARE_PLAN_ACTION_SYSTEM,
  CARE_PLAN_EXTENSIONS,
  CARE_PLAN_OPERATION_DEFINITIONS,
  carePlanActionIdentifier,
  parseCarePlanActionIdentifier,
  RECORD_AGREEMENT_OPERATION,
  VALIDATE_PLAN_OPERATION,
} from './fhir/care-plan/index.js';
export { carePlansModule } from './care-plans-module.js';
export {
  carePlanAccessFactsSource,
  careTeamAccessFactsSource,
} from './projections/care-plans-access-facts-sources.js';
