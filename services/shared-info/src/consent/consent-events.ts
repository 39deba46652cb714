import type { Actor } from '@carenet/access';
import type { DomainEvent, JsonObject, Plain } from '@carenet/eventsourcing';
import type { ConsentContent, ConsentTerms } from './consent-content.js';
import type { ConsentPatient, ConsentStatus } from './consent-values.js';

/**
 * What every Consent event records: which consent, whose (the patient by national identifier:
 * a consumer keeps each patient's consents and objections from the topic alone), who did it, when.
 */
type Fact = Readonly<{
  consentId: string;
  patient: Readonly<{ system: string; value: string }>;
  /** The actor who issued the command. */
  by: Plain<Actor>;
  /** The instant of the fact (the command's `now`). */
  at: string;
}>;

/** The consent (or refusal, or objection) was recorded: its full content. */
export type ConsentRecorded = DomainEvent<'ConsentRecorded', Fact & { readonly consent: ConsentContent }>;

/**
 * Terms (while draft or proposed: the patient's reference as given too) or kept elements changed:
 * the new values and what was removed.
 */
export type ConsentRevised = DomainEvent<
  'ConsentRevised',
  Fact & {
    readonly changed: Partial<ConsentTerms & { patient: ConsentPatient; kept: JsonObject }>;
    readonly removed: (keyof ConsentTerms | 'kept')[];
  }
>;

type StatusFact = Fact & { readonly previousStatus: ConsentStatus };

/** A draft was put to the patient (draft → proposed). */
export type ConsentProposed = DomainEvent<'ConsentProposed', StatusFact>;
/** The patient gave the consent (→ active); for a `deny` provision, the objection is in force. */
export type ConsentGiven = DomainEvent<'ConsentGiven', StatusFact>;
/** The patient refused (→ rejected): nothing is shared under it. */
export type ConsentRefused = DomainEvent<'ConsentRefused', StatusFact>;
/** The patient withdrew it (active → inactive) at `at`: nothing is shared under it from then on. */
export type ConsentWithdrawn = DomainEvent<'ConsentWithdrawn', StatusFact>;
/** Recorded by mistake: it never held. */
export type ConsentEnteredInError = DomainEvent<'ConsentEnteredInError', StatusFact>;

export type ConsentStatusEvent =
  ConsentProposed | ConsentGiven | ConsentRefused | ConsentWithdrawn | ConsentEnteredInError;

export type ConsentEvent = ConsentRecorded | ConsentRevised | ConsentStatusEvent;
export type ConsentEventType = ConsentEvent['type'];

/** Every event type, for contract tests and consumers. */
export const CONSENT_EVENT_TYPES: readonly ConsentEventType[] = [
  'ConsentRecorded',
  'ConsentRevised',
  'ConsentProposed',
  'ConsentGiven',
  'ConsentRefused',
  'ConsentWithdrawn',
  'ConsentEnteredInError',
];

/** The event of each status a consent moves to. */
export const CONSENT_STATUS_EVENTS: Readonly<
  Record<Exclude<ConsentStatus, 'draft'>, ConsentStatusEvent['type']>
> = {
  proposed: 'ConsentProposed',
  active: 'ConsentGiven',
  rejected: 'ConsentRefused',
  inactive: 'ConsentWithdrawn',
  'entered-in-error': 'ConsentEnteredInError',
};
