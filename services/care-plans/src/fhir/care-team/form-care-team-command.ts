import type { Actor } from '@carenet/access';
import { BusinessRuleError, ValidationIssues } from '@carenet/eventsourcing';
import type { CareTeam } from 'fhir/r4.js';
import {
  CARE_TEAM_RULES,
  INITIAL_CARE_TEAM_STATUSES,
  type FormCareTeam,
  type InitialCareTeamStatus,
} from '../../care-team/index.js';
import { careTeamOfResource, withMemberIds } from './care-team-of-resource.js';

/** The status a CareTeam POSTed without `status` is formed in (being assembled). */
export const DEFAULT_CARE_TEAM_STATUS: InitialCareTeamStatus = 'proposed';

/**
 * The FormCareTeam a POSTed FHIR CareTeam stands for.
 *
 * - `status`: proposed or active (else BusinessRuleError `care-team-initial-status`); absent,
 *   proposed.
 * - `subject`: required, by INS or NAM identifier (`CareTeam.subject.identifier`).
 * - `name`, `category`, `managingOrganization` (FINESS/IDNST), the care-plan extension
 *   (`CarePlan/<id>`).
 * - `participant`: `member` by national identifier (Practitioner, Organization) or a
 *   RelatedPerson by display; exactly one `role`; `period` (start defaults to now, in the
 *   decider); `onBehalfOf` (FINESS/IDNST, a Practitioner member only: ctm-1). Its `id` is the
 *   memberId; participants without one get `m1`, `m2`… (the next free ids).
 * - Ignored: server-owned `id`, `meta`, the recordedBy extension; not modelled `identifier`,
 *   `period`, `reasonCode`, `reasonReference`, `encounter`, `telecom`, `note`.
 * Every content issue is reported at once in one ValidationError.
 */
export function formCareTeamCommand(
  resource: CareTeam,
  input: { readonly careTeamId: string; readonly actor: Actor; readonly now: string },
): FormCareTeam {
  const issues = new ValidationIssues();
  const { status, subject, details, participants } = careTeamOfResource(resource, issues);
  issues.throwIfAny();
  if (subject === undefined || details === undefined || participants === undefined) return issues.fail();
  const initial = INITIAL_CARE_TEAM_STATUSES.find(
    (candidate) => candidate === (status ?? DEFAULT_CARE_TEAM_STATUS),
  );
  if (initial === undefined) {
    throw new BusinessRuleError(
      CARE_TEAM_RULES.initialStatus,
      `a care team is formed proposed or active, not ${status ?? ''}`,
    );
  }
  return {
    type: 'FormCareTeam',
    careTeamId: input.careTeamId,
    actor: input.actor,
    now: input.now,
    status: initial,
    subject,
    details,
    participants: withMemberIds(participants, []),
  };
}
