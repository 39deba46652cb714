import type { CodeableConcept } from 'fhir/r4.js';
import type { JsonObject, Plain } from '@carenet/eventsourcing';
import type {
  ConsentInformationGiven,
  ConsentPatient,
  ConsentProvision,
  ConsentStatus,
} from './consent-values.js';

/** The terms of a consent: fixed once it is given or refused (a new decision is a new Consent). */
export type ConsentTerms = Readonly<{
  /** `Consent.scope` as given: patient-privacy. */
  scope: Plain<CodeableConcept>;
  /** `Consent.category` as given (e.g. LOINC 59284-0 Patient Consent). */
  category: Plain<CodeableConcept>[];
  /** `Consent.dateTime`: when the patient's decision was captured. */
  dateTime?: string;
  provision: ConsentProvision;
  informationGiven?: ConsentInformationGiven;
}>;

export const CONSENT_TERM_KEYS: readonly (keyof ConsentTerms)[] = [
  'scope',
  'category',
  'dateTime',
  'provision',
  'informationGiven',
];

/** Everything a consent is recorded with: a consumer builds the Consent from ConsentRecorded alone. */
export type ConsentContent = ConsentTerms &
  Readonly<{
    status: ConsentStatus;
    /** `Consent.patient`: by INS or NAM. Never changes. */
    patient: ConsentPatient;
    /**
     * The R4 elements the domain does not model (`identifier`, `performer`, `organization`,
     * `source[x]`, `policy`, `policyRule`, `verification`, `text`, other extensions…), as given:
     * they may change in any status but entered-in-error.
     */
    kept?: JsonObject;
  }>;
