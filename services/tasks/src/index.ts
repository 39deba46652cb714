export * from './task/index.js';
export * from './fhir/index.js';
export { taskProvider, type TaskProviderDependencies } from './fhir/task-provider.js';
export { OVERDUE_CLOCK_ACTOR, startOverdueClock, type OverdueClock } from './overdue/overdue-clock.js';
export { taskReadModel, overdueAt } from './projections/task-read-model.js';
export {
  openTasksService,
  TASKS_CATEGORIES,
  TASKS_CONTEXT,
  TASKS_SEARCH_SUPPORT,
  type TasksService,
  type TasksServiceOptions,
} from './tasks-service.js';
export {
  actionTaskId,
  alertTaskId,
  CARE_PLAN_ACTIONS_ACTOR,
  CARE_PLAN_ACTIONS_GROUP,
  CARE_PLAN_ALERT_CODE,
  carePlanActionsSubscriber,
  type CarePlanActionsSubscriberOptions,
} from './care-plan-actions/care-plan-actions-subscriber.js';
export {
  CARE_PLAN_ACTION_SYSTEM,
  carePlanActionValue,
} from './care-plan-actions/care-plan-action-identifier.js';
export { tasksModule } from './tasks-module.js';
export { taskAccessFactsSource } from './projections/task-access-facts-source.js';
