import type { ConsentRecipient, DataCategory, PatientIdentifier } from '@carenet/access';
import type { CodeableConcept, ConsentProvisionActor, Extension, Period } from 'fhir/r4.js';
import type { JsonObject, Plain } from '@carenet/eventsourcing';

/** `Consent.status` (R4 consent-state-codes). */
export type ConsentStatus = 'draft' | 'proposed' | 'active' | 'rejected' | 'inactive' | 'entered-in-error';

export const CONSENT_STATUSES: readonly ConsentStatus[] = [
  'draft',
  'proposed',
  'active',
  'rejected',
  'inactive',
  'entered-in-error',
];

/** A consent is recorded as a draft, proposed to the patient, given (active) or refused (rejected). */
export type InitialConsentStatus = 'draft' | 'proposed' | 'active' | 'rejected';
export const INITIAL_CONSENT_STATUSES: readonly InitialConsentStatus[] = [
  'draft',
  'proposed',
  'active',
  'rejected',
];

/**
 * The transitions allowed:
 * - draft → proposed, active, rejected; proposed → active, rejected;
 * - active → inactive: the withdrawal (the patient may withdraw at any time, L1110-4);
 * - rejected and inactive are closed: a new decision of the patient is a new Consent (recorded
 *   with the information given anew);
 * - any status → entered-in-error: terminal.
 */
export const CONSENT_TRANSITIONS: Readonly<Record<ConsentStatus, readonly ConsentStatus[]>> = {
  draft: ['proposed', 'active', 'rejected', 'entered-in-error'],
  proposed: ['active', 'rejected', 'entered-in-error'],
  active: ['inactive', 'entered-in-error'],
  rejected: ['entered-in-error'],
  inactive: ['entered-in-error'],
  'entered-in-error': [],
};

/** Statuses whose terms (patient, scope, provision, information given…) may still change. */
export const OPEN_CONSENT_STATUSES: readonly ConsentStatus[] = ['draft', 'proposed'];

/**
 * What the consent (or objection) says: `permit` — the patient consents to share the categories
 * with the recipients outside the care team; `deny` — the patient objects to the categories (all
 * when none is named) being shared with the named party, profession or sector, care team included.
 */
export type ConsentProvisionType = 'permit' | 'deny';

/** A period of instants or dates, as given (`Consent.provision.period`). */
export type ConsentPeriod = Plain<Period>;

/** The root provision of a Consent: what the domain models, and the rest as given. */
export type ConsentProvision = Readonly<{
  type: ConsentProvisionType;
  period?: ConsentPeriod;
  /** `provision.actor` as given (role and reference). */
  actors: Plain<ConsentProvisionActor>[];
  /** Who each actor names, in the order of `actors` (@carenet/access ConsentRecipient). */
  recipients: ConsentRecipient[];
  /** `provision.code` as given: the categories of information, in the shared-information-category system. */
  codes: Plain<CodeableConcept>[];
  /** The categories the codes name (empty for an objection to every category). */
  categories: DataCategory[];
  /** The other elements of the provision (`purpose`, `action`, `securityLabel`, `dataPeriod`…), as given. */
  kept?: JsonObject;
}>;

/**
 * What the patient was told before consenting (CSP D1110-3-1: the categories of information and
 * the recipients, the purpose, the media and security measures): the carenet extension
 * `consent-information-given` as given, with its date and categories read from it.
 */
export type ConsentInformationGiven = Readonly<{
  /** When the patient was informed. */
  date: string;
  /** The categories of information the patient was told of. */
  categories: DataCategory[];
  /** The extension exactly as given. */
  extension: Plain<Extension>;
}>;

/** The patient, by national identifier (INS or NAM; the reference and display as given). */
export type ConsentPatient = PatientIdentifier;
