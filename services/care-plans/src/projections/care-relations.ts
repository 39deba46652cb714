import type { CareRelation, Party, SourceFacts } from '@carenet/access';
import type { ExistingCarePlan } from '../care-plan/index.js';
import type { ExistingCareTeam } from '../care-team/index.js';

type Relation = Omit<CareRelation, 'source'>;

/**
 * What a CareTeam tells the access decision (issue 18, L1110-12 care team): each member who is a
 * professional or an organisation, over the period of the membership (a former member's relation
 * has its end), and the managing organisations over the team's period. Relatives are not
 * professionals: they read nothing through the network. Pure.
 */
export function careTeamCareRelations(team: ExistingCareTeam): SourceFacts {
  const members: Relation[] = team.members.flatMap((membership) =>
    membership.member.kind === 'related-person'
      ? []
      : [{ party: membership.member, basis: 'care-team' as const, period: membership.period }],
  );
  const period = team.period ?? {};
  const managers: Relation[] = team.managingOrganizations.map((organization) => ({
    party: { kind: 'organization', ...organization },
    basis: 'care-team',
    period,
  }));
  return { patient: team.subject, relations: [...members, ...managers] };
}

/**
 * What a PPCS or care plan tells the access decision: its author, coordinator and médecin
 * traitant, and the performer of each action, from the plan's creation on. Pure.
 */
export function carePlanCareRelations(plan: ExistingCarePlan): SourceFacts {
  const since = { start: plan.created };
  const parties: Party[] = [
    plan.author,
    ...(plan.coordinator === undefined ? [] : [plan.coordinator]),
    ...(plan.medecinTraitant === undefined ? [] : [plan.medecinTraitant]),
    ...plan.actions.map((action) => action.performer),
  ];
  return {
    patient: plan.subject,
    relations: parties.map((party) => ({ party, basis: 'care-plan', period: since })),
  };
}
