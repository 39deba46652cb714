import type { Actor } from '@carenet/access';
import type { JsonObject } from '@carenet/eventsourcing';
import type { ConsentContent, ConsentTerms } from './consent-content.js';
import type { ConsentPatient, ConsentStatus } from './consent-values.js';

/** Every command says who issues it and when: the decider never reads the clock. */
interface Issued {
  readonly actor: Actor;
  /** ISO 8601 instant, from the clock of the caller. */
  readonly now: string;
}

/** Records the patient's consent, refusal or objection (create). */
export interface RecordConsent extends Issued {
  readonly type: 'RecordConsent';
  readonly consentId: string;
  readonly consent: ConsentContent;
}

/**
 * A FHIR update (PUT) of the whole Consent: decided as a diff, one event per fact
 * (ConsentRevised for the terms and kept elements, then the status move: ConsentProposed,
 * ConsentGiven, ConsentRefused, ConsentWithdrawn or ConsentEnteredInError).
 */
export interface ReviseConsent extends Issued {
  readonly type: 'ReviseConsent';
  readonly patient: ConsentPatient;
  readonly status: ConsentStatus;
  readonly terms: ConsentTerms;
  readonly kept?: JsonObject;
}

export type ConsentCommand = RecordConsent | ReviseConsent;
