import type { Actor } from '@carenet/access';
import { ValidationIssues } from '@carenet/eventsourcing';
import type { Consent } from 'fhir/r4.js';
import type { ConsentCommand, ExistingConsent } from '../../consent/index.js';
import { optional } from '../../shared/optional.js';
import { consentOfResource } from './consent-of-resource.js';

/**
 * The commands a PUT of a Consent stands for: one ReviseConsent (PUT semantics, the whole
 * consent), which the decider turns into ConsentRevised and the status move (withdrawal: status
 * inactive). The decider finds "nothing changed" itself (`[]` events, no new version).
 */
export function updateConsentCommands(
  _state: ExistingConsent,
  resource: Consent,
  input: { readonly actor: Actor; readonly now: string },
): ConsentCommand[] {
  const issues = new ValidationIssues();
  const { status, patient, terms, kept } = consentOfResource(resource, issues);
  issues.throwIfAny();
  if (status === undefined || patient === undefined || terms === undefined) return issues.fail();
  return [
    {
      type: 'ReviseConsent',
      actor: input.actor,
      now: input.now,
      patient,
      status,
      terms,
      ...optional('kept', kept),
    },
  ];
}
