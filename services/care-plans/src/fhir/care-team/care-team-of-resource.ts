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
import { patientOfReference, type ContainedTypeOf } from '@carenet/access';
import { containedTypeOf, keptElementsOf, keptPatient } from '../shared/kept-elements.js';
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
  contained: ContainedTypeOf,
): OrganizationReference[] | undefined {
  const organizations = (references ?? []).map((reference, i) =>
    organizationOfReference(reference, `CareTeam.managingOrganization[${i}]`, issues, contained),
  );
  return organizations.every((organization) => organization !== undefined) ? organizations : undefined;
}

/** The CareTeam elements the domain models (or the server owns): the others are kept as given. */
const MODELLED: ReadonlySet<string> = new Set([
  'status',
  'category',
  'name',
  'subject',
  'period',
  'participant',
  'managingOrganization',
]);
const KNOWN_EXTENSIONS: ReadonlySet<string> = new Set(Object.values(CARE_TEAM_EXTENSIONS));

/**
 * The details of a body: name, category, managingOrganization, the care-plan extension, period,
 * and the elements the domain does not model, kept as given.
 */
function detailsOf(
  resource: CareTeam,
  issues: ValidationIssues,
  contained: ContainedTypeOf,
): CareTeamDetails | undefined {
  const managingOrganizations = organizationsOf(resource.managingOrganization, issues, contained);
  const carePlanId = carePlanIdOf(resource, issues);
  const kept = keptElementsOf(resource, MODELLED, 'CareTeam', issues, KNOWN_EXTENSIONS);
  if (managingOrganizations === undefined) return undefined;
  return {
    ...optional('name', resource.name),
    category: resource.category ?? [],
    managingOrganizations,
    ...optional('carePlanId', carePlanId),
    ...optional('period', periodOf(resource.period)),
    ...optional('kept', kept),
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
  contained: ContainedTypeOf,
): ParticipantOfResource | undefined {
  const member = careTeamPartyOfReference(
    participant.member,
    `${path}.member`,
    issues,
    ['professional', 'organization', 'related-person'],
    contained,
  );
  for (const key of ['extension', 'modifierExtension'] as const) {
    if (participant[key] !== undefined) {
      issues.add(`${path}.${key}`, 'is not accepted on a membership: it is not kept, so it is refused');
    }
  }
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
    onBehalfOf = organizationOfReference(participant.onBehalfOf, `${path}.onBehalfOf`, issues, contained);
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

function participantsOf(
  resource: CareTeam,
  issues: ValidationIssues,
  contained: ContainedTypeOf,
): ParticipantOfResource[] | undefined {
  const participants = (resource.participant ?? []).map((participant, i) =>
    participantOf(participant, `CareTeam.participant[${i}]`, issues, contained),
  );
  return participants.every((participant) => participant !== undefined) ? participants : undefined;
}

/**
 * Reads a CareTeam body: `status`, `subject` (by INS or NAM, or by literal reference),
 * `name`, `category`, `period`, `managingOrganization` (FINESS/IDNST or literal), the care-plan
 * extension, and `participant` (member, exactly one role, period, onBehalfOf, `id`; members by
 * national identifier or literal reference, `#id` naming a contained resource). Kept as given
 * (issue 15): `text`, `contained`, `identifier`, `reasonCode`, `reasonReference`, `encounter`,
 * `telecom`, `note`, other extensions. Refused: `modifierExtension`, `implicitRules`, extensions
 * on a participant. Server-owned: `id`, `meta`, recordedBy.
 */
export function careTeamOfResource(resource: CareTeam, issues: ValidationIssues): CareTeamOfResource {
  const contained = containedTypeOf(resource);
  return {
    status: statusOf(resource, issues),
    subject: keptPatient(patientOfReference(resource.subject, 'CareTeam.subject', issues, contained)),
    details: detailsOf(resource, issues, contained),
    participants: participantsOf(resource, issues, contained),
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
