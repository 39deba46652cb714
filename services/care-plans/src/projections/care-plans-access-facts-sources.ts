import type { AccessFactsSource, DomainEventLike } from '@carenet/access';
import { carePlanDecider, type CarePlanState } from '../care-plan/index.js';
import { careTeamDecider, type CareTeamState } from '../care-team/index.js';
import { carePlanCareRelations, careTeamCareRelations } from './care-relations.js';

/**
 * A PPCS's access facts from its state: the care relations of its plan (`carePlanCareRelations`),
 * under `CarePlan/<id>`. Kept inline by care-plans (`carePlansAccessFacts`) and, in the
 * distributed mode, by every other service from `carenet.care-plans`.
 */
export const carePlanAccessFactsSource: AccessFactsSource<CarePlanState> = {
  category: 'CarePlan',
  initialState: () => carePlanDecider.initialState(),
  evolve: (state, event) => carePlanDecider.evolve(state, event as DomainEventLike<typeof carePlanDecider>),
  write: (tx, facts, id, state) =>
    facts.replaceSource(tx, `CarePlan/${id}`, state.exists ? carePlanCareRelations(state) : undefined),
};

/** A CareTeam's access facts (`careTeamCareRelations`), under `CareTeam/<id>`; as above. */
export const careTeamAccessFactsSource: AccessFactsSource<CareTeamState> = {
  category: 'CareTeam',
  initialState: () => careTeamDecider.initialState(),
  evolve: (state, event) => careTeamDecider.evolve(state, event as DomainEventLike<typeof careTeamDecider>),
  write: (tx, facts, id, state) =>
    facts.replaceSource(tx, `CareTeam/${id}`, state.exists ? careTeamCareRelations(state) : undefined),
};
