import type { Sector } from '../actor.js';
import type { Party } from '../party.js';
import type { DataCategory } from './data-category.js';

/** A period of instants (ISO 8601); an absent bound is open. */
export type FactPeriod = Readonly<{ start?: string; end?: string }>;

/**
 * A care relation: a party takes part in the patient's care (the care team of L1110-12) from a
 * source the service saw in events: a CareTeam's membership, a PPCS's participant, a Task's
 * requester, owner or performer. `period` bounds it (a former member's relation has an end).
 */
export type CareRelation = Readonly<{
  party: Party;
  basis: 'care-team' | 'care-plan' | 'task';
  /** What establishes it, e.g. `CareTeam/ct-1` (for the audit and the reason). */
  source: string;
  period: FactPeriod;
}>;

/**
 * Who a consent lets see: a named party (a professional, or every professional acting for an
 * organisation), every professional of a profession (a code of the actor's `profession`), or of a
 * sector (`social` for social workers of a département).
 */
export type ConsentRecipient =
  | Readonly<{ kind: 'party'; party: Party }>
  | Readonly<{ kind: 'profession'; system: string; code: string }>
  | Readonly<{ kind: 'sector'; sector: Sector }>;

/**
 * The patient's consent to share categories of information outside the care team (CSP L1110-4
 * III), recorded with what the patient was told. Withdrawn: `period.end` is the withdrawal.
 */
export type SharingConsent = Readonly<{
  /** `Consent/<id>`. */
  source: string;
  recipients: readonly ConsentRecipient[];
  categories: readonly DataCategory[];
  period: FactPeriod;
}>;

/**
 * The patient's objection (France: opposition; Québec: restriction, LRSSS s. 7) to a named party,
 * or to everyone of a profession or sector, seeing some categories (all when absent). It holds
 * inside the care team too, and against break-glass access.
 */
export type Objection = Readonly<{
  source: string;
  against: ConsentRecipient;
  categories?: readonly DataCategory[];
  period: FactPeriod;
}>;

/** What a service knows, from events, of one patient's relations, consents and objections. */
export type PatientAccessFacts = Readonly<{
  relations: readonly CareRelation[];
  consents: readonly SharingConsent[];
  objections: readonly Objection[];
  /**
   * Every name the patient is known by, when the patient was named by another one (the literal
   * reference `Patient/<id>` of a record whose national identifier is known): a patient reads a
   * resource naming them by any of these.
   */
  identities?: readonly Readonly<{ system: string; value: string }>[];
}>;

export const NO_FACTS: PatientAccessFacts = { relations: [], consents: [], objections: [] };
