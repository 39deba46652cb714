import type { Actor } from '@carenet/access';
import type { CareTeamDetails, CareTeamMemberInput } from './care-team-content.js';
import type { CareTeamStatus, InitialCareTeamStatus } from './care-team-status.js';
import type { CareTeamCodeableConcept, PatientIdentifier } from './care-team-values.js';

/** Every command says who issues it and when: the decider never reads the clock. */
interface Issued {
  readonly actor: Actor;
  /** ISO 8601 instant, from the clock of the caller. */
  readonly now: string;
}

/** Forms the team (create): its content and its first members. */
export interface FormCareTeam extends Issued {
  readonly type: 'FormCareTeam';
  readonly careTeamId: string;
  readonly status: InitialCareTeamStatus;
  readonly subject: PatientIdentifier;
  readonly details: CareTeamDetails;
  readonly participants: readonly CareTeamMemberInput[];
}

/** The full new details (PUT semantics) and, optionally, a new status. */
export interface ChangeCareTeamDetails extends Issued {
  readonly type: 'ChangeCareTeamDetails';
  readonly details: CareTeamDetails;
  readonly status?: CareTeamStatus;
  /** Why the status changes (recorded on the status event). */
  readonly reason?: CareTeamCodeableConcept;
}

export interface AddCareTeamMember extends Issued {
  readonly type: 'AddCareTeamMember';
  readonly participant: CareTeamMemberInput;
}

/** Takes a membership out of the team (recorded in error, objected to by the patient...). */
export interface RemoveCareTeamMember extends Issued {
  readonly type: 'RemoveCareTeamMember';
  readonly memberId: string;
  readonly reason: CareTeamCodeableConcept;
}

/** The membership ends at `end` (it stays in the team's history, with its period). */
export interface EndCareTeamMembership extends Issued {
  readonly type: 'EndCareTeamMembership';
  readonly memberId: string;
  /** Defaults to `now`. */
  readonly end?: string;
}

export interface ChangeMemberRole extends Issued {
  readonly type: 'ChangeMemberRole';
  readonly memberId: string;
  readonly role: CareTeamCodeableConcept;
}

/**
 * A FHIR update (PUT) of the whole CareTeam: decided as a diff, one event per fact (details
 * changed, status changed, member added / removed / membership ended / role changed).
 */
export interface ReviseCareTeam extends Issued {
  readonly type: 'ReviseCareTeam';
  readonly subject: PatientIdentifier;
  readonly status: CareTeamStatus;
  readonly details: CareTeamDetails;
  readonly participants: readonly CareTeamMemberInput[];
  /** Recorded on the status event and on each removal (default: "removed by an update"). */
  readonly reason?: CareTeamCodeableConcept;
}

export type CareTeamCommand =
  | FormCareTeam
  | ChangeCareTeamDetails
  | AddCareTeamMember
  | RemoveCareTeamMember
  | EndCareTeamMembership
  | ChangeMemberRole
  | ReviseCareTeam;
