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
