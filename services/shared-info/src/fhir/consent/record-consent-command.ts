import type { Actor } from '@carenet/access';
import { ValidationIssues } from '@carenet/eventsourcing';
import type { Consent } from 'fhir/r4.js';
import type { RecordConsent } from '../../consent/index.js';
import { optional } from '../../shared/optional.js';
import { consentOfResource } from './consent-of-resource.js';

/**
 * The RecordConsent a POSTed FHIR Consent stands for (see consentOfResource); the decider checks
 * the rules (initial status, scope, recipients, categories, period, information given). Every
 * content issue is reported at once in one ValidationError.
 */
export function recordConsentCommand(
  resource: Consent,
  input: { readonly consentId: string; readonly actor: Actor; readonly now: string },
): RecordConsent {
  const issues = new ValidationIssues();
  const { status, patient, terms, kept } = consentOfResource(resource, issues);
  issues.throwIfAny();
  if (status === undefined || patient === undefined || terms === undefined) return issues.fail();
  return {
    type: 'RecordConsent',
    consentId: input.consentId,
    actor: input.actor,
    now: input.now,
    consent: { ...terms, status, patient, ...optional('kept', kept) },
  };
}
