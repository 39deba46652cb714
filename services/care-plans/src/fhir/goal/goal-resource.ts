import type { Goal, Reference } from 'fhir/r4.js';
import type { ExistingGoal } from '../../goal/index.js';
import { actorReference, patientReference } from '@carenet/access';
import { nonEmpty, optional } from '../shared/optional.js';
import { careTeamPartyReference } from '../shared/team-party-reference.js';
import { keptElementsBut, keptExtensions, metaOf } from '../shared/kept-elements.js';
import { GOAL_EXTENSIONS } from './goal-canonical.js';

function expressedByOf(goal: ExistingGoal): Reference | undefined {
  const expressor = goal.expressedBy;
  if (expressor === undefined) return undefined;
  if (expressor.kind === 'patient') return patientReference(expressor.patient ?? goal.subject);
  return careTeamPartyReference(expressor);
}

/**
 * The FHIR R4 Goal of a goal's state, at a version. The patient (`subject`, and `expressedBy`
 * when the patient expressed the goal) and professionals as given (by national identifier with
 * `type`, or by literal reference), a relative by display; the elements the domain does not
 * model as given (`kept`). Extensions: GOAL_EXTENSIONS
 * (recordedBy always).
 */
export function goalResource(
  state: ExistingGoal,
  version: { readonly versionId: string; readonly lastUpdated: string },
): Goal {
  return {
    resourceType: 'Goal',
    id: state.id,
    meta: metaOf(state.kept, version),
    ...keptElementsBut(state.kept),
    extension: [
      { url: GOAL_EXTENSIONS.recordedBy, valueReference: actorReference(state.lastModifiedBy) },
      ...keptExtensions(state.kept),
    ],
    lifecycleStatus: state.lifecycleStatus,
    ...optional('achievementStatus', state.achievementStatus),
    ...nonEmpty('category', state.category),
    ...optional('priority', state.priority),
    description: state.description,
    subject: patientReference(state.subject),
    ...optional('startDate', state.startDate),
    ...nonEmpty('target', state.targets),
    ...optional('statusReason', state.statusReason),
    ...optional('expressedBy', expressedByOf(state)),
    ...nonEmpty('addresses', state.addresses),
  };
}
