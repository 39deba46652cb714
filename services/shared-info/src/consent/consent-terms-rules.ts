import { BusinessRuleError } from '@carenet/eventsourcing';
import type { ConsentTerms } from './consent-content.js';
import { CONSENT_RULES } from './consent-rules.js';

/** `Consent.scope` system (R4 consentscope). */
export const CONSENT_SCOPE_SYSTEM = 'http://terminology.hl7.org/CodeSystem/consentscope';

function instant(value: string, end: boolean): number {
  // A date bound (YYYY-MM-DD) covers its whole day: the end of it is the next day's start.
  const t = Date.parse(value);
  if (!end || value.length > 10) return t;
  return t + 86_400_000;
}

/** The rules on the terms in any status: scope, recipients, categories, period. */
export function requireValidTerms(terms: ConsentTerms): void {
  const privacy = terms.scope.coding?.some(
    (coding) => coding.system === CONSENT_SCOPE_SYSTEM && coding.code === 'patient-privacy',
  );
  if (privacy !== true) {
    throw new BusinessRuleError(
      CONSENT_RULES.scopePatientPrivacy,
      `Consent.scope is patient-privacy (${CONSENT_SCOPE_SYSTEM}): this service keeps the patient's consents to share information`,
    );
  }
  const { provision } = terms;
  if (provision.type === 'permit') {
    if (provision.recipients.length === 0) {
      throw new BusinessRuleError(
        CONSENT_RULES.permitRecipientRequired,
        'a consent to share names its recipients (Consent.provision.actor): a professional, an organisation, a profession or a sector',
      );
    }
    if (provision.categories.length === 0) {
      throw new BusinessRuleError(
        CONSENT_RULES.permitCategoryRequired,
        'a consent to share names the categories of information it covers (Consent.provision.code)',
      );
    }
  } else if (provision.recipients.length === 0) {
    throw new BusinessRuleError(
      CONSENT_RULES.denyActorRequired,
      'an objection names whom it is against (Consent.provision.actor)',
    );
  }
  const { start, end } = provision.period ?? {};
  if (start !== undefined && end !== undefined && instant(end, true) <= instant(start, false)) {
    throw new BusinessRuleError(
      CONSENT_RULES.periodEndBeforeStart,
      `Consent.provision.period ends (${end}) before it starts (${start})`,
    );
  }
}

/**
 * The rules of a consent to share that is given (CSP L1110-4 III, D1110-3-1): the patient was
 * informed beforehand of every category it covers, and the information given is recorded with it.
 */
export function requireInformedConsent(terms: ConsentTerms, now: string): void {
  if (terms.provision.type !== 'permit') return;
  const information = terms.informationGiven;
  if (information === undefined) {
    throw new BusinessRuleError(
      CONSENT_RULES.informationRequired,
      'a consent to share outside the care team is given once the patient was informed: record the information given (extension consent-information-given)',
    );
  }
  const untold = terms.provision.categories.filter((category) => !information.categories.includes(category));
  if (untold.length > 0) {
    throw new BusinessRuleError(
      CONSENT_RULES.informationCategories,
      `the patient was not told of every category the consent covers: ${untold.join(', ')}`,
    );
  }
  const given = terms.dateTime ?? now;
  if (Date.parse(information.date) > instant(given, true)) {
    throw new BusinessRuleError(
      CONSENT_RULES.informationAfterConsent,
      `the patient was informed (${information.date}) after consenting (${given}): information comes first`,
    );
  }
}
