import type { CareTeam, CareTeamParticipant, Extension } from 'fhir/r4.js';
import type { CareTeamMember, ExistingCareTeam } from '../../care-team/index.js';
import { actorReference, patientReference } from '@carenet/access';
import { nonEmpty, optional } from '../shared/optional.js';
import { careTeamPartyReference, organizationReference } from '../shared/team-party-reference.js';
import { keptElementsBut, keptExtensions, metaOf } from '../shared/kept-elements.js';
import { CARE_TEAM_EXTENSIONS } from './care-team-canonical.js';

function extensionsOf(state: ExistingCareTeam): Extension[] {
  return [
    ...(state.carePlanId === undefined
      ? []
      : [
          {
            url: CARE_TEAM_EXTENSIONS.carePlan,
            valueReference: { reference: `CarePlan/${state.carePlanId}`, type: 'CarePlan' },
          },
        ]),
    { url: CARE_TEAM_EXTENSIONS.recordedBy, valueReference: actorReference(state.lastModifiedBy) },
    ...keptExtensions(state.kept),
  ];
}

/** A membership as a participant: `id` = memberId, one role, its period (always a start). */
function participantOf(member: CareTeamMember): CareTeamParticipant {
  return {
    id: member.memberId,
    role: [member.role],
    member: careTeamPartyReference(member.member),
    ...(member.onBehalfOf === undefined ? {} : { onBehalfOf: organizationReference(member.onBehalfOf) }),
    period: { ...member.period },
  };
}

/**
 * The FHIR R4 CareTeam of a team's state, at a version (`meta.versionId`, `meta.lastUpdated`
 * given by the store). The patient, members and organisations as given (by national identifier
 * with `type`, or by literal reference), related persons by display; the elements the domain
 * does not model as given (`kept`).
 * Every membership in the team is a participant, ended ones too (with `period.end`); removed
 * ones are not (they never counted). Extensions: CARE_TEAM_EXTENSIONS (carePlan when the team
 * serves one, recordedBy always).
 */
export function careTeamResource(
  state: ExistingCareTeam,
  version: { readonly versionId: string; readonly lastUpdated: string },
): CareTeam {
  return {
    resourceType: 'CareTeam',
    id: state.id,
    meta: metaOf(state.kept, version),
    ...keptElementsBut(state.kept),
    extension: extensionsOf(state),
    status: state.status,
    ...nonEmpty('category', state.category),
    ...optional('name', state.name),
    subject: patientReference(state.subject),
    ...optional('period', state.period),
    ...nonEmpty('participant', state.members.map(participantOf)),
    ...nonEmpty('managingOrganization', state.managingOrganizations.map(organizationReference)),
  };
}
