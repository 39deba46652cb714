export { decide } from './decide.js';
export { evolve } from './evolve.js';
export type * from './consent-commands.js';
export { CONSENT_TERM_KEYS, type ConsentContent, type ConsentTerms } from './consent-content.js';
export { consentDecider } from './consent-decider.js';
export { CONSENT_EVENT_TYPES, CONSENT_STATUS_EVENTS, type ConsentEventType } from './consent-events.js';
export type * from './consent-events.js';
export { CONSENT_RULES, type ConsentRule } from './consent-rules.js';
export { initialState, type ConsentState, type ExistingConsent, type NoConsent } from './consent-state.js';
export { CONSENT_SCOPE_SYSTEM, requireInformedConsent, requireValidTerms } from './consent-terms-rules.js';
export {
  CONSENT_STATUSES,
  CONSENT_TRANSITIONS,
  INITIAL_CONSENT_STATUSES,
  OPEN_CONSENT_STATUSES,
  type ConsentInformationGiven,
  type ConsentPatient,
  type ConsentPeriod,
  type ConsentProvision,
  type ConsentProvisionType,
  type ConsentStatus,
  type InitialConsentStatus,
} from './consent-values.js';
