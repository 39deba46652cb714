import { RECORDED_BY_EXTENSION } from '../shared/extensions.js';
import { RELATED_PERSON_RELATIONSHIP_EXTENSION } from '../shared/team-party-reference.js';

/**
 * The project extensions a Goal carries (under the carenet canonical base):
 * - `relationship` (on `expressedBy`, a RelatedPerson Reference): the person's link to the patient;
 * - `recordedBy` (on Goal): who made the latest change (server-owned, ignored in bodies).
 */
export const GOAL_EXTENSIONS = {
  relationship: RELATED_PERSON_RELATIONSHIP_EXTENSION,
  recordedBy: RECORDED_BY_EXTENSION,
} as const;
