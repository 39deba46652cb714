import { carenetExtension } from '@carenet/fhir';
import { RECORDED_BY_EXTENSION } from '../shared/extensions.js';

/**
 * The project extensions a Consent carries (under the carenet canonical base):
 * - `consent-information-given` (on Consent; complex): what the patient was told before deciding
 *   (CSP D1110-3-1). Sub-extensions: `date` (valueDateTime, required: when), `category`
 *   (valueCoding in the shared-information-category system, one per category told), and, kept as
 *   given, `recipients` (valueString: the recipients as described to the patient), `purpose`
 *   (valueString), `medium` (valueString: how: oral, leaflet, portal), `security`
 *   (valueString: the security measures told), `informedBy` (valueReference), `document`
 *   (valueAttachment: the information leaflet or the signed form);
 * - `consent-recipient-profession` (valueCoding, on `provision.actor.reference`): the recipient
 *   is every professional of that profession (NOS TRE_G15 ProfessionSante…);
 * - `consent-recipient-sector` (valueCode hospital | primary-care | medico-social | social, on
 *   `provision.actor.reference`): every professional of that sector;
 * - `recorded-by` (on Consent): who made the latest change (server-owned, ignored in bodies).
 */
export const CONSENT_EXTENSIONS = {
  informationGiven: carenetExtension('consent-information-given'),
  recipientProfession: carenetExtension('consent-recipient-profession'),
  recipientSector: carenetExtension('consent-recipient-sector'),
  recordedBy: RECORDED_BY_EXTENSION,
} as const;

/** LOINC 59284-0 Patient Consent: the usual `Consent.category`. */
export const CONSENT_CATEGORY_LOINC = { system: 'http://loinc.org', code: '59284-0' } as const;
