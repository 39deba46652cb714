import type { Consent, ConsentProvision } from 'fhir/r4.js';
import { actorReference, patientReference } from '@carenet/access';
import type { ExistingConsent } from '../../consent/index.js';
import { nonEmpty, optional } from '../../shared/optional.js';
import { keptElementsBut, keptExtensions, metaOf } from '../shared/kept-elements.js';
import { CONSENT_EXTENSIONS } from './consent-canonical.js';

function provisionOf(state: ExistingConsent): ConsentProvision {
  const { provision } = state;
  return {
    ...keptElementsBut(provision.kept),
    ...nonEmpty('extension', keptExtensions(provision.kept)),
    type: provision.type,
    ...optional('period', provision.period),
    ...nonEmpty('actor', provision.actors),
    ...nonEmpty('code', provision.codes),
  };
}

/**
 * The FHIR R4 Consent of a consent's state, at a version: every element as it was given, the
 * patient by INS (with `type` Patient), the information given (extension), recorded-by.
 */
export function consentResource(
  state: ExistingConsent,
  version: { readonly versionId: string; readonly lastUpdated: string },
): Consent {
  return {
    resourceType: 'Consent',
    id: state.id,
    meta: metaOf(state.kept, version),
    ...keptElementsBut(state.kept),
    extension: [
      { url: CONSENT_EXTENSIONS.recordedBy, valueReference: actorReference(state.lastModifiedBy) },
      ...(state.informationGiven === undefined ? [] : [state.informationGiven.extension]),
      ...keptExtensions(state.kept),
    ],
    status: state.status,
    scope: state.scope,
    category: state.category,
    patient: patientReference(state.patient),
    ...optional('dateTime', state.dateTime),
    provision: provisionOf(state),
  };
}
