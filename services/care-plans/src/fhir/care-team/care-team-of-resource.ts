import type { CareTeam, CareTeamParticipant, Period } from 'fhir/r4.js';
import {
  CARE_TEAM_STATUSES,
  type CareTeamDetails,
  type CareTeamMemberInput,
  type CareTeamPeriod,
  type CareTeamStatus,
  type OrganizationReference,
  type PatientIdentifier,
} from '../../care-team/index.js';
import { extensionPath, singleExtension } from '../shared/extensions.js';
import { optional } from '../shared/optional.js';
import { patientOfReference } from '@carenet/access';
import { careTeamPartyOfReference, organizationOfReference } from '../shared/team-party-reference.js';
import type { ValidationIssues } from '@carenet/eventsourcing';
import { CARE_TEAM_EXTENSIONS } from './care-team-canonical.js';

/** A participant as the body gives it: its id (the memberId) may be absent (a new member). */
export type ParticipantOfResource = Omit<CareTeamMemberInput, 'memberId'> & { readonly memberId?: string };

/** What a CareTeam body says, each part `undefined` when it had an issue (collected in `issues`). */
export interface CareTeamOfResource {
  /** `undefined` also when absent (a default applies). */
  readonly status: CareTeamStatus | undefined;
  readonly subject: PatientIdentifier | undefined;
  readonly details: CareTeamDetails | undefined;
  readonly participants: readonly ParticipantOfResource[] | undefined;
}

function statusOf(resource: CareTeam, issues: ValidationIssues): CareTeamStatus | undefined {
  if (resource.status === undefined) return undefined;
  const status = CARE_TEAM_STATUSES.find((candidate) => candidate === resource.status);
  if (status === undefined) issues.add('CareTeam.status', `is one of ${CARE_TEAM_STATUSES.join(', ')}`);
  return status;
}

const CARE_PLAN_REFERENCE = /^CarePlan\/([A-Za-z0-9\-.]{1,64})$/;

/** The CarePlan the team serves (extension `care-team-care-plan`): `CarePlan/<id>`, or none. */
function carePlanIdOf(resource: CareTeam, issues: ValidationIssues): string | undefined {
  const url = CARE_TEAM_EXTENSIONS.carePlan;
  const extension = singleExtension(resource.extension, 'CareTeam', url, issues);
  if (extension === undefined) return undefined;
  const path = `${extensionPath('CareTeam', url)}.valueReference`;
  const reference = extension.valueReference;
  if (reference?.type !== undefined && reference.type !== 'CarePlan') {
    issues.add(`${path}.type`, `is CarePlan, not ${reference.type}`);
    return;
  }
  const id = CARE_PLAN_REFERENCE.exec(reference?.reference ?? '')?.[1];
  if (id === undefined) issues.add(`${path}.reference`, 'is a literal reference CarePlan/<id>');
  return id;
}

function organizationsOf(
  references: CareTeam['managingOrganization'],
  issues: ValidationIssues,
): OrganizationReference[] | undefined {
  const organizations = (references ?? []).map((reference, i) =>
    organizationOfReference(reference, `CareTeam.managingOrganization[${i}]`, issues),
  );
  return organizations.every((organization) => organization !== undefined) ? organizations : undefined;
}

/** The details of a body: name, category, managingOrganization, the care-plan extension. */
function detailsOf(resource: CareTeam, issues: ValidationIssues): CareTeamDetails | undefined {
  const managingOrganizations = organizationsOf(resource.managingOrganization, issues);
  const carePlanId = carePlanIdOf(resource, issues);
  if (managingOrganizations === undefined) return undefined;
  return {
    ...optional('name', resource.name),
    category: resource.category ?? [],
    managingOrganizations,
    ...optional('carePlanId', carePlanId),
    ...optional('period', periodOf(resource.period)),
  };
}

function periodOf(period: Period | undefined): CareTeamPeriod | undefined {
  if (period?.start === undefined && period?.end === undefined) return undefined;
  return { ...optional('start', period.start), ...optional('end', period.end) };
}

function participantOf(
  participant: CareTeamParticipant,
  path: string,
  issues: ValidationIssues,
): ParticipantOfResource | undefined {
  const member = careTeamPartyOfReference(participant.member, `${path}.member`, issues, [
    'professional',
    'organization',
    'related-person',
  ]);
  const roles = participant.role ?? [];
  if (roles.length === 0) issues.add(`${path}.role`, "is required: the member's role in the team");
  if (roles.length > 1) {
    issues.add(
      `${path}.role`,
      'one role per membership: give the same member another participant (its own id and period) for another role',
    );
  }
  let onBehalfOf: OrganizationReference | undefined;
  if (participant.onBehalfOf !== undefined) {
    onBehalfOf = organizationOfReference(participant.onBehalfOf, `${path}.onBehalfOf`, issues);
    if (member !== undefined && member.kind !== 'professional') {
      issues.add(
        `${path}.onBehalfOf`,
        'only a professional (Practitioner) acts on behalf of an organisation (ctm-1)',
      );
    }
  }
  const role = roles[0];
  if (member === undefined || role === undefined || roles.length > 1) return undefined;
  if (participant.onBehalfOf !== undefined && (onBehalfOf === undefined || member.kind !== 'professional')) {
    return undefined;
  }
  return {
    ...optional('memberId', participant.id),
    member,
    role,
    ...optional('period', periodOf(participant.period)),
    ...optional('onBehalfOf', onBehalfOf),
  };
}

function participantsOf(resource: CareTeam, issues: ValidationIssues): ParticipantOfResource[] | undefined {
  const participants = (resource.participant ?? []).map((participant, i) =>
    participantOf(participant, `CareTeam.participant[${i}]`, issues),
  );
  return participants.every((participant) => participant !== undefined) ? participants : undefined;
}

/**
 * Reads a CareTeam body: `status`, `subject` (by INS: a literal-only reference is an issue at
 * `CareTeam.subject.identifier`), `name`, `category`, `managingOrganization` (FINESS/IDNST),
 * the care-plan extension, and `participant` (member, exactly one role, period, onBehalfOf,
 * `id`). Not modelled, so not kept: `identifier`, `period`, `reasonCode`, `reasonReference`,
 * `encounter`, `telecom`, `note`, other extensions. Server-owned: `id`, `meta`, recordedBy.
 */
export function careTeamOfResource(resource: CareTeam, issues: ValidationIssues): CareTeamOfResource {
  return {
    status: statusOf(resource, issues),
    subject: patientOfReference(resource.subject, 'CareTeam.subject', issues),
    details: detailsOf(resource, issues),
    participants: participantsOf(resource, issues),
  };
}

/** `m<n>`: the ids generated for participants given without one. */
const GENERATED_ID = /^m(\d+)$/;

/**
 * The participants with their memberIds: a participant without `id` is a new member and gets
 * the next free generated id `m<n>` (n above every `m<n>` in `taken` and in the body), in body
 * order. `taken`: the ids the team has used (its members, its removed members).
 */
export function withMemberIds(
  participants: readonly ParticipantOfResource[],
  taken: readonly string[],
): CareTeamMemberInput[] {
  const used = [...taken, ...participants.flatMap((p) => (p.memberId === undefined ? [] : [p.memberId]))];
  let next = Math.max(0, ...used.map((id) => Number(GENERATED_ID.exec(id)?.[1] ?? 0))) + 1;
  return participants.map((participant) => {
    if (participant.memberId !== undefined) return { ...participant, memberId: participant.memberId };
    const memberId = `m${next}`;
    next += 1;
    return { ...participant, memberId };
  });
}
