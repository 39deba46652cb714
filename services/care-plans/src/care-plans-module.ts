import type { ServiceModule } from '@carenet/runtime';
import {
  CARE_PLANS_CATEGORIES,
  CARE_PLANS_CONTEXT,
  CARE_PLANS_SEARCH_SUPPORT,
  CARE_PLANS_TYPES,
  openCarePlansService,
} from './care-plans-service.js';
import { CARE_PLAN_OPERATION_DEFINITIONS } from './fhir/care-plan/index.js';
import {
  carePlanAccessFactsSource,
  careTeamAccessFactsSource,
} from './projections/care-plans-access-facts-sources.js';

/**
 * The care-plans service as a process composes it (`@carenet/runtime`): CarePlan, CareTeam and
 * Goal, the PPCS operations, the care relations of plans and teams, the review clock, and its
 * consumer of the Tasks' events (the plan follows its Tasks).
 */
export const carePlansModule: ServiceModule = {
  name: CARE_PLANS_CONTEXT,
  categories: CARE_PLANS_CATEGORIES,
  types: CARE_PLANS_TYPES,
  searchSupport: CARE_PLANS_SEARCH_SUPPORT,
  operationDefinitions: CARE_PLAN_OPERATION_DEFINITIONS,
  accessFactsSources: [carePlanAccessFactsSource, careTeamAccessFactsSource],
  async open(dependencies) {
    const carePlans = await openCarePlansService({
      db: dependencies.db,
      search: dependencies.search,
      registry: dependencies.registry,
      logger: dependencies.logger,
      accessFacts: dependencies.accessFacts,
      ...(dependencies.clock !== undefined && { clock: dependencies.clock }),
      ...(dependencies.clockIntervalMs !== undefined && { reviewIntervalMs: dependencies.clockIntervalMs }),
    });
    return {
      providers: carePlans.providers,
      store: carePlans.store,
      subscribers: carePlans.subscribers,
      stop: () => carePlans.stop(),
    };
  },
};
