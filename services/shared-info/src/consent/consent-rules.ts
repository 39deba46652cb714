/**
 * The stable codes of the Consent business rules: the `rule` of each BusinessRuleError (HTTP 422,
 * an OperationOutcome naming the rule). Clients may rely on them; never rename one.
 */
export const CONSENT_RULES = {
  alreadyExists: 'consent-already-exists',
  notRecorded: 'consent-not-recorded',
  /** A consent is recorded draft, proposed, active or rejected. */
  initialStatus: 'consent-initial-status',
  /** A status change consent-state-codes does not allow here (see CONSENT_TRANSITIONS). */
  illegalTransition: 'consent-illegal-transition',
  /** A withdrawn consent is not given again: a new decision is a new Consent. */
  withdrawn: 'consent-withdrawn',
  /** Any change to an entered-in-error consent. */
  enteredInError: 'consent-entered-in-error',
  /** The terms of a given, refused or withdrawn consent do not change. */
  termsFixed: 'consent-terms-fixed',
  /** The patient of a consent never changes. */
  immutablePatient: 'consent-immutable-patient',
  /** Consent.scope is patient-privacy: this service keeps the consents to share information. */
  scopePatientPrivacy: 'consent-scope-patient-privacy',
  /** A consent to share names at least one recipient and one category of information. */
  permitRecipientRequired: 'consent-permit-recipient-required',
  permitCategoryRequired: 'consent-permit-category-required',
  /** An objection names whom it is against. */
  denyActorRequired: 'consent-deny-actor-required',
  /** provision.period ends before it starts. */
  periodEndBeforeStart: 'consent-period-end-before-start',
  /** A consent to share is given after the patient was informed (D1110-3-1): the information given is recorded. */
  informationRequired: 'consent-information-required',
  /** The patient was told of every category the consent covers. */
  informationCategories: 'consent-information-categories',
  /** The patient was informed before the consent was given, not after. */
  informationAfterConsent: 'consent-information-after-consent',
} as const;

export type ConsentRule = (typeof CONSENT_RULES)[keyof typeof CONSENT_RULES];
