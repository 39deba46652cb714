import { aggregateProvider, aggregateReadModel, type AggregateModel } from '@carenet/aggregates';
import type { PostgresAccessFacts } from '@carenet/access';
import type { CarePlan, CareTeam, Goal, Parameters } from 'fhir/r4.js';
import {
  migrate,
  PostgresEventStore,
  silentLogger,
  transactionScope,
  type Logger,
  type SqlDatabase,
} from '@carenet/eventsourcing';
import {
  IndexValueExtractor,
  type PostgresSearchStore,
  type ResourceProvider,
  type SearchParameterRegistry,
  type UnitOfWork,
} from '@carenet/fhir';
import type { EventSubscriber } from '@carenet/messaging';
import { carePlanDecider, type CarePlanCommand, type CarePlanState } from './care-plan/index.js';
import { careTeamDecider, type CareTeamCommand, type CareTeamState } from './care-team/index.js';
import {
  carePlanResource,
  draftCarePlanCommand,
  RECORD_AGREEMENT_OPERATION,
  recordAgreementCommand,
  updateCarePlanCommands,
  VALIDATE_PLAN_OPERATION,
  validatePlanCommand,
} from './fhir/care-plan/index.js';
import { careTeamResource, formCareTeamCommand, updateCareTeamCommands } from './fhir/care-team/index.js';
import { goalResource, setGoalCommand, updateGoalCommands } from './fhir/goal/index.js';
import { goalDecider, type GoalCommand, type GoalState } from './goal/index.js';
import { carePlansAccessFacts } from './projections/care-plans-access-facts.js';
import { keepCarePlanKeys, resetCarePlanKeys } from './projections/care-plan-keys.js';
import {
  CARE_PLANS_READ_MODEL_MIGRATIONS,
  CARE_PLANS_READ_MODEL_SCHEMA,
} from './projections/care-plans-read-model-migrations.js';
import { startReviewClock, type ReviewClock } from './review/review-clock.js';
import { taskProgressSubscriber } from './task-progress/task-progress-subscriber.js';

/**
 * The search parameters the care-plans service indexes: every standard R4 parameter of its types
 * but CarePlan `activity-reference`, which could find nothing (an action is an `activity.detail`,
 * its Task an extension: R4 cpl-3; an `activity.reference` is refused), so it is not advertised.
 */
export const CARE_PLANS_SEARCH_SUPPORT = {
  CarePlan: [
    '_profile',
    '_security',
    '_source',
    '_tag',
    'activity-code',
    'activity-date',
    'based-on',
    'care-team',
    'category',
    'condition',
    'date',
    'encounter',
    'goal',
    'identifier',
    'instantiates-canonical',
    'instantiates-uri',
    'intent',
    'part-of',
    'patient',
    'performer',
    'replaces',
    'status',
    'subject',
  ],
  CareTeam: 'all',
  Goal: 'all',
} as const;

/** The Kafka context (topic `carenet.care-plans`) and the stream categories it publishes. */
export const CARE_PLANS_CONTEXT = 'care-plans';
export const CARE_PLANS_CATEGORIES: readonly string[] = ['CarePlan', 'CareTeam', 'Goal'];
export const CARE_PLANS_TYPES = ['CarePlan', 'CareTeam', 'Goal'] as const;

export interface CarePlansServiceOptions {
  /** PostgreSQL or PGlite: the event store, the read models and the FHIR search read model. */
  readonly db: SqlDatabase;
  /** The FHIR search read model, opened once per process (shared with the other services). */
  readonly search: PostgresSearchStore;
  /** A registry that supports CARE_PLANS_SEARCH_SUPPORT (index values are extracted with it). */
  readonly registry: SearchParameterRegistry;
  readonly clock?: () => Date;
  readonly newId?: () => string;
  /** The review clock's scan interval; `false`: no clock (tests drive `review.tick()`). */
  readonly reviewIntervalMs?: number | false;
  readonly logger?: Logger;
  /**
   * Where the care relations of CareTeams and care plans go for the access decision (issue 18),
   * kept in the append's transaction. None: not kept.
   */
  readonly accessFacts?: PostgresAccessFacts;
}

export interface CarePlansService {
  /** FHIR CarePlan, CareTeam and Goal. */
  readonly providers: readonly ResourceProvider[];
  /** The event store of the service's streams, with its read models projected in each append. */
  readonly store: PostgresEventStore;
  /** What the service consumes (task events), for the process to run on Kafka or the store log. */
  readonly subscribers: readonly EventSubscriber[];
  readonly review: ReviewClock | undefined;
  stop(): Promise<void>;
}

const carePlanModel: AggregateModel<CarePlanState, CarePlan> = {
  type: 'CarePlan',
  schema: CARE_PLANS_READ_MODEL_SCHEMA,
  decider: carePlanDecider,
  resourceOf: carePlanResource,
  afterApply: keepCarePlanKeys,
  reset: resetCarePlanKeys,
  tables: [{ name: 'care_plans.active_ppcs' }, { name: 'care_plans.review_due' }],
};
const careTeamModel: AggregateModel<CareTeamState, CareTeam> = {
  type: 'CareTeam',
  schema: CARE_PLANS_READ_MODEL_SCHEMA,
  decider: careTeamDecider,
  resourceOf: careTeamResource,
};
const goalModel: AggregateModel<GoalState, Goal> = {
  type: 'Goal',
  schema: CARE_PLANS_READ_MODEL_SCHEMA,
  decider: goalDecider,
  resourceOf: goalResource,
};

/**
 * The care-plans service, composed: migrations of its read models, the event store with the read
 * models as inline projections, the FHIR providers (with `$validate-plan` and
 * `$record-agreement`), the consumer of task events and the review clock.
 */
export async function openCarePlansService(options: CarePlansServiceOptions): Promise<CarePlansService> {
  const logger = options.logger ?? silentLogger;
  const { db, search } = options;
  await migrate(db, CARE_PLANS_READ_MODEL_MIGRATIONS, CARE_PLANS_READ_MODEL_SCHEMA);
  const extractor = new IndexValueExtractor(options.registry);
  if (options.accessFacts !== undefined) {
    await migrate(db, options.accessFacts.migrations, options.accessFacts.schema);
  }
  const store = await PostgresEventStore.open(db, {
    projections: [
      aggregateReadModel(carePlanModel, search, extractor),
      aggregateReadModel(careTeamModel, search, extractor),
      aggregateReadModel(goalModel, search, extractor),
      // After the read models: it reads the states they have just stored.
      ...(options.accessFacts === undefined ? [] : [carePlansAccessFacts(options.accessFacts)]),
    ],
  });
  /** The FHIR providers on a database and an event store: the service's own, or a transaction's. */
  function providersOn(
    db: SqlDatabase,
    store: PostgresEventStore,
    search: PostgresSearchStore,
  ): ResourceProvider[] {
    const common = {
      store,
      db,
      search,
      ...(options.clock !== undefined && { clock: options.clock }),
      ...(options.newId !== undefined && { newId: options.newId }),
    };

    /** The other active PPCS of the plan's patient, if any (the rule spans streams). */
    const otherActivePpcs = async (state: { id: string; subject: { system: string; value: string } }) => {
      const rows = await db.query<{ care_plan_id: string }>(
        'SELECT care_plan_id FROM care_plans.active_ppcs WHERE patient_system = $1 AND patient_value = $2',
        [state.subject.system, state.subject.value],
      );
      const other = rows[0]?.care_plan_id;
      return other !== undefined && other !== state.id ? other : undefined;
    };

    const carePlans = aggregateProvider<CarePlanState, CarePlanCommand, CarePlan>({
      ...common,
      model: carePlanModel,
      decider: carePlanDecider,
      create: (resource, input) => draftCarePlanCommand(resource, { ...input, carePlanId: input.id }),
      async update(state, resource, input) {
        const other = await otherActivePpcs(state);
        return updateCarePlanCommands(state, resource, {
          ...input,
          ...(other !== undefined && { otherActivePpcs: other }),
        });
      },
      operations: {
        'validate-plan': {
          definition: VALIDATE_PLAN_OPERATION,
          permission: 'u',
          commands: (_state, request, input) =>
            Promise.resolve([validatePlanCommand(request.parameters as Parameters | undefined, input)]),
        },
        'record-agreement': {
          definition: RECORD_AGREEMENT_OPERATION,
          permission: 'u',
          commands: (_state, request, input) =>
            Promise.resolve([recordAgreementCommand(request.parameters as Parameters | undefined, input)]),
        },
      },
    });
    const careTeams = aggregateProvider<CareTeamState, CareTeamCommand, CareTeam>({
      ...common,
      model: careTeamModel,
      decider: careTeamDecider,
      create: (resource, input) => formCareTeamCommand(resource, { ...input, careTeamId: input.id }),
      update: (state, resource, input) => Promise.resolve(updateCareTeamCommands(state, resource, input)),
    });
    const goals = aggregateProvider<GoalState, GoalCommand, Goal>({
      ...common,
      model: goalModel,
      decider: goalDecider,
      create: (resource, input) => setGoalCommand(resource, { ...input, goalId: input.id }),
      update: (state, resource, input) => Promise.resolve(updateGoalCommands(state, resource, input)),
    });
    return [carePlans, careTeams, goals] as ResourceProvider[];
  }

  // FHIR transaction Bundles of CarePlan, CareTeam and Goal: one database transaction, the events
  // and read models of all their entries committed together or not at all.
  const unitOfWork: UnitOfWork = {
    name: CARE_PLANS_CONTEXT,
    run: (work) =>
      db.transaction(async (tx) => {
        const scope = transactionScope(tx, db.dialect);
        const bound = providersOn(scope, store.within(tx), search.within(scope));
        return work(new Map(bound.map((p) => [p.type, p])));
      }),
  };
  const providers = providersOn(db, store, search).map((p): ResourceProvider => ({ ...p, unitOfWork }));

  const review =
    options.reviewIntervalMs === false
      ? undefined
      : startReviewClock({
          db,
          store,
          logger,
          ...(options.clock !== undefined && { clock: options.clock }),
          ...(options.reviewIntervalMs !== undefined && { intervalMs: options.reviewIntervalMs }),
        });
  return {
    providers,
    store,
    subscribers: [taskProgressSubscriber({ store, logger })],
    review,
    async stop() {
      await review?.stop();
    },
  };
}
