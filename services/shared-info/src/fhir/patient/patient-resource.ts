import type { Patient } from 'fhir/r4.js';
import { actorReference } from '@carenet/access';
import type { ExistingPatient } from '../../patient/index.js';
import { nonEmpty, optional } from '../../shared/optional.js';
import { keptElementsBut, keptExtensions, metaOf } from '../shared/kept-elements.js';
import { PATIENT_EXTENSIONS } from './patient-canonical.js';

/**
 * The FHIR R4 Patient of a patient's state, at a version: every element as it was given, the
 * identity-reliability extension as given, `link` with the replaced-by link of a merged record,
 * and recorded-by (who made the latest change).
 */
export function patientResource(
  state: ExistingPatient,
  version: { readonly versionId: string; readonly lastUpdated: string },
): Patient {
  const links = [
    ...state.links,
    ...(state.mergedInto === undefined
      ? []
      : [{ other: state.mergedInto.other, type: 'replaced-by' as const }]),
  ];
  return {
    resourceType: 'Patient',
    id: state.id,
    meta: metaOf(state.kept, version),
    ...keptElementsBut(state.kept),
    extension: [
      { url: PATIENT_EXTENSIONS.recordedBy, valueReference: actorReference(state.lastModifiedBy) },
      ...(state.identityReliability === undefined ? [] : [state.identityReliability]),
      ...keptExtensions(state.kept),
    ],
    ...nonEmpty('identifier', state.identifiers),
    ...optional('active', state.active),
    ...nonEmpty('name', state.names),
    ...nonEmpty('telecom', state.telecom),
    ...optional('gender', state.gender),
    ...optional('birthDate', state.birthDate),
    ...nonEmpty('address', state.addresses),
    ...nonEmpty('contact', state.contacts),
    ...nonEmpty('generalPractitioner', state.generalPractitioner),
    ...nonEmpty('link', links),
  };
}
