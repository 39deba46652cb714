import { actsAs } from '../party.js';
import type { Actor } from '../actor.js';
import type { PatientIdentifier } from '../references/patient-reference.js';
import { hasNationalIdentifier } from '../references/patient-reference.js';
import type { ConsentRecipient, FactPeriod, PatientAccessFacts } from './access-facts.js';
import type { DataCategory } from './data-category.js';

/** Why data is wanted (the purpose of use recorded in the audit). */
export type AccessPurpose = 'treatment' | 'coordination' | 'emergency' | 'patient-request' | 'operations';

/** One request for a patient's data. */
export type AccessRequest = Readonly<{
  actor: Actor;
  patient: PatientIdentifier;
  category: DataCategory;
  purpose: AccessPurpose;
  /** The instant the decision is for (the request's time). */
  at: string;
  /** Emergency access: the reason the professional declared (required; flagged in the audit). */
  breakGlass?: Readonly<{ reason: string }>;
}>;

export type PermitBasis = 'own-record' | 'care-team' | 'consent' | 'break-glass' | 'administration';
export type DenyReason = 'other-patient' | 'objection' | 'no-care-relation' | 'break-glass-without-reason';

export type AccessDecision =
  | Readonly<{
      permit: true;
      basis: PermitBasis;
      /** What grants it (`CareTeam/ct-1`, `Consent/c-1`), when a fact does. */
      source?: string;
      /** Break-glass: to be flagged in the audit and reviewed. */
      flagged: boolean;
      reason: string;
    }>
  | Readonly<{ permit: false; denied: DenyReason; source?: string; reason: string }>;

/** Whether `at` falls in `period` (bounds inclusive at the start, exclusive at the end). */
export function periodCovers(period: FactPeriod, at: string): boolean {
  const t = Date.parse(at);
  if (period.start !== undefined && Date.parse(period.start) > t) return false;
  if (period.end !== undefined && Date.parse(period.end) <= t) return false;
  return true;
}

/** Whether a consent recipient (or an objection's target) names the actor. */
export function recipientNames(recipient: ConsentRecipient, actor: Actor): boolean {
  switch (recipient.kind) {
    case 'party':
      return actsAs(actor, recipient.party);
    case 'profession':
      return (
        actor.kind === 'professional' &&
        actor.profession.system === recipient.system &&
        actor.profession.code === recipient.code
      );
    case 'sector':
      return actor.kind === 'professional' && actor.sector === recipient.sector;
  }
}

const covers = (categories: readonly DataCategory[] | undefined, category: DataCategory) =>
  categories === undefined || categories.includes(category);

/**
 * The access decision (DOMAIN.md §4, issue 18): given who asks for which category of a patient's
 * data, why and when, and what the service knows of the patient → permit with its basis, or deny
 * with the reason. Pure. In order:
 * 1. A patient sees their own record (by national identifier, or a resource naming them by another
 *    of their names the facts know), never another's.
 * 2. An administrator system is permitted (`administration`, audited like any access).
 * 3. An objection of the patient naming the actor (party, profession or sector) for the category,
 *    active at the instant, denies: inside the care team, under a consent, and in an emergency.
 * 4. A care relation of the actor (themselves, or the organisation they act for) active at the
 *    instant permits (`care-team`); a former member's relation has ended.
 * 5. An active consent naming the actor and covering the category permits (`consent`).
 * 6. Break-glass with a declared reason permits, flagged; without a reason it is denied.
 * 7. Otherwise deny: no care relation and no consent.
 */
export function decideAccess(request: AccessRequest, facts: PatientAccessFacts): AccessDecision {
  const { actor, patient, category, at } = request;
  if (actor.kind === 'patient') {
    const own = [patient, ...(facts.identities ?? [])].some(
      (identity) =>
        hasNationalIdentifier(identity) &&
        actor.identifier.system === identity.system &&
        actor.identifier.value === identity.value,
    );
    return own
      ? { permit: true, basis: 'own-record', flagged: false, reason: 'the patient reads their own record' }
      : {
          permit: false,
          denied: 'other-patient',
          reason: "a patient sees their own record only, not another patient's",
        };
  }
  if (actor.kind === 'system' && actor.administrator === true) {
    return { permit: true, basis: 'administration', flagged: false, reason: 'an administrator system' };
  }
  const objection = facts.objections.find(
    (o) => periodCovers(o.period, at) && covers(o.categories, category) && recipientNames(o.against, actor),
  );
  if (objection !== undefined) {
    return {
      permit: false,
      denied: 'objection',
      source: objection.source,
      reason: `the patient objects to ${category} information being shared with this professional`,
    };
  }
  const relation = facts.relations.find((r) => periodCovers(r.period, at) && actsAs(actor, r.party));
  if (relation !== undefined) {
    return {
      permit: true,
      basis: 'care-team',
      source: relation.source,
      flagged: false,
      reason: `a member of the patient's care team (${relation.basis})`,
    };
  }
  const consent = facts.consents.find(
    (c) =>
      periodCovers(c.period, at) &&
      c.categories.includes(category) &&
      c.recipients.some((recipient) => recipientNames(recipient, actor)),
  );
  if (consent !== undefined) {
    return {
      permit: true,
      basis: 'consent',
      source: consent.source,
      flagged: false,
      reason: `the patient consented to share ${category} information outside the care team`,
    };
  }
  if (request.breakGlass !== undefined) {
    return request.breakGlass.reason.trim() === ''
      ? {
          permit: false,
          denied: 'break-glass-without-reason',
          reason: 'emergency access needs a declared reason',
        }
      : {
          permit: true,
          basis: 'break-glass',
          flagged: true,
          reason: `emergency access: ${request.breakGlass.reason}`,
        };
  }
  return {
    permit: false,
    denied: 'no-care-relation',
    reason: `not in the patient's care team, and no consent of the patient covers ${category} information for this professional`,
  };
}
