import type { ServiceModule } from '@carenet/runtime';
import { carePlanActionsSubscriber } from './care-plan-actions/care-plan-actions-subscriber.js';
import { TASK_OPERATION_DEFINITIONS } from './fhir/index.js';
import { taskAccessFactsSource } from './projections/task-access-facts-source.js';
import { openTasksService, TASKS_CATEGORIES, TASKS_CONTEXT, TASKS_SEARCH_SUPPORT } from './tasks-service.js';

/**
 * The tasks service as a process composes it (`@carenet/runtime`): Task, its operations, the
 * care relations of its Tasks, and its consumer of the care plans' events (PPCS actions → Tasks).
 */
export const tasksModule: ServiceModule = {
  name: TASKS_CONTEXT,
  categories: TASKS_CATEGORIES,
  types: ['Task'],
  searchSupport: TASKS_SEARCH_SUPPORT,
  operationDefinitions: TASK_OPERATION_DEFINITIONS,
  accessFactsSources: [taskAccessFactsSource],
  async open(dependencies) {
    const tasks = await openTasksService({
      db: dependencies.db,
      search: dependencies.search,
      registry: dependencies.registry,
      logger: dependencies.logger,
      accessFacts: dependencies.accessFacts,
      ...(dependencies.clock !== undefined && { clock: dependencies.clock }),
      ...(dependencies.clockIntervalMs !== undefined && { overdueIntervalMs: dependencies.clockIntervalMs }),
    });
    return {
      providers: [tasks.provider],
      store: tasks.store,
      subscribers: [carePlanActionsSubscriber({ store: tasks.store, logger: dependencies.logger })],
      stop: () => tasks.stop(),
    };
  },
};
