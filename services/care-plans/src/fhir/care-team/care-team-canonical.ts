import { carenetExtension } from '@carenet/fhir';
import { RECORDED_BY_EXTENSION } from '../shared/extensions.js';
import { RELATED_PERSON_RELATIONSHIP_EXTENSION } from '../shared/team-party-reference.js';

/**
 * The project extensions a CareTeam carries (under the carenet canonical base):
 * - `carePlan` (on CareTeam): the CarePlan (PPCS) the team serves, valueReference
 *   `CarePlan/<id>` (type CarePlan). R4 CareTeam has no element for it; `CarePlan.careTeam`
 *   points the other way, and the team's own streams record the plan it serves.
 * - `relationship` (on `participant.member`, a RelatedPerson Reference): the person's link to
 *   the patient, valueCodeableConcept (v3 RoleCode).
 * - `recordedBy` (on CareTeam): who made the latest change (server-owned, ignored in bodies).
 * The stable id of a membership is no extension: it is the participant's element id
 * (`CareTeam.participant.id`, R4 allows `id` on every backbone element).
 */
export const CARE_TEAM_EXTENSIONS = {
  carePlan: carenetExtension('care-team-care-plan'),
  relationship: RELATED_PERSON_RELATIONSHIP_EXTENSION,
  recordedBy: RECORDED_BY_EXTENSION,
} as const;
