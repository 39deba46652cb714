import {
  DATA_CATEGORIES,
  DATA_CATEGORY_SYSTEM,
  hasNationalIdentifier,
  patientOfReference,
  type ConsentRecipient,
  type DataCategory,
} from '@carenet/access';
import type { ValidationIssues } from '@carenet/eventsourcing';
import type {
  CodeableConcept,
  Coding,
  Consent,
  ConsentProvision as FhirProvision,
  Extension,
} from 'fhir/r4.js';
import {
  CONSENT_STATUSES,
  type ConsentInformationGiven,
  type ConsentPatient,
  type ConsentProvision,
  type ConsentStatus,
  type ConsentTerms,
} from '../../consent/index.js';
import { optional } from '../../shared/optional.js';
import { extensionPath, singleExtension } from '../shared/extensions.js';
import { keptElementsOf, type KeptElements } from '../shared/kept-elements.js';
import { CONSENT_EXTENSIONS } from './consent-canonical.js';
import { recipientOfReference } from './consent-recipient.js';

/** What a Consent body says, each part `undefined` when it had an issue (collected in `issues`). */
export interface ConsentOfResource {
  readonly status: ConsentStatus | undefined;
  readonly patient: ConsentPatient | undefined;
  readonly terms: ConsentTerms | undefined;
  readonly kept: KeptElements | undefined;
}

const MODELLED: ReadonlySet<string> = new Set([
  'status',
  'scope',
  'category',
  'patient',
  'dateTime',
  'provision',
]);
const KNOWN_EXTENSIONS: ReadonlySet<string> = new Set([
  CONSENT_EXTENSIONS.informationGiven,
  CONSENT_EXTENSIONS.recordedBy,
]);
const PROVISION_MODELLED: ReadonlySet<string> = new Set(['type', 'period', 'actor', 'code', 'provision']);

function categoryOf(coding: Coding, path: string, issues: ValidationIssues): DataCategory | undefined {
  if (coding.system !== DATA_CATEGORY_SYSTEM) {
    issues.add(
      `${path}.system`,
      `is ${DATA_CATEGORY_SYSTEM}: a consent or objection names categories of shared information (${DATA_CATEGORIES.join(', ')})`,
    );
    return;
  }
  const category = DATA_CATEGORIES.find((candidate) => candidate === coding.code);
  if (category === undefined) issues.add(`${path}.code`, `is one of ${DATA_CATEGORIES.join(', ')}`);
  return category;
}

function categoriesOf(codes: readonly CodeableConcept[], issues: ValidationIssues): DataCategory[] {
  const categories = new Set<DataCategory>();
  codes.forEach((concept, i) => {
    const path = `Consent.provision.code[${i}]`;
    if ((concept.coding ?? []).length === 0) {
      issues.add(path, 'names a category by coding (system shared-information-category)');
    }
    (concept.coding ?? []).forEach((coding, j) => {
      const category = categoryOf(coding, `${path}.coding[${j}]`, issues);
      if (category !== undefined) categories.add(category);
    });
  });
  return DATA_CATEGORIES.filter((category) => categories.has(category));
}

function provisionOf(resource: Consent, issues: ValidationIssues): ConsentProvision | undefined {
  const provision: FhirProvision | undefined = resource.provision;
  if (provision === undefined) {
    issues.add(
      'Consent.provision',
      'is required: what the patient consents to (permit) or objects to (deny)',
    );
    return;
  }
  if (provision.type === undefined) issues.add('Consent.provision.type', 'is required: permit or deny');
  if (provision.provision !== undefined) {
    issues.add(
      'Consent.provision.provision',
      'is not accepted: one Consent records one consent or one objection (record each as its own Consent)',
    );
  }
  const recipients: (ConsentRecipient | undefined)[] = (provision.actor ?? []).map((actor, i) =>
    recipientOfReference(actor.reference, `Consent.provision.actor[${i}].reference`, issues),
  );
  const codes = provision.code ?? [];
  const categories = categoriesOf(codes, issues);
  const kept = keptElementsOf(provision, PROVISION_MODELLED, 'Consent.provision', issues);
  if (provision.type === undefined || recipients.some((recipient) => recipient === undefined)) return;
  return {
    type: provision.type,
    ...optional('period', provision.period),
    actors: provision.actor ?? [],
    recipients: recipients as ConsentRecipient[],
    codes,
    categories,
    ...optional('kept', kept),
  };
}

function informationGivenOf(
  resource: Consent,
  issues: ValidationIssues,
): ConsentInformationGiven | null | undefined {
  const url = CONSENT_EXTENSIONS.informationGiven;
  const extension: Extension | undefined = singleExtension(resource.extension, 'Consent', url, issues);
  if (extension === undefined) return undefined;
  const path = extensionPath('Consent', url);
  const subs = extension.extension ?? [];
  const dates = subs.filter((sub) => sub.url === 'date');
  const date = dates[0]?.valueDateTime;
  if (dates.length !== 1 || date === undefined) {
    issues.add(
      `${path}.extension('date')`,
      'is required once (valueDateTime): when the patient was informed',
    );
  }
  const categories = new Set<DataCategory>();
  subs.forEach((sub, i) => {
    if (sub.url !== 'category') return;
    const at = `${path}.extension[${i}].valueCoding`;
    if (sub.valueCoding === undefined) {
      issues.add(at, 'is required: a category of information told');
      return;
    }
    const category = categoryOf(sub.valueCoding, at, issues);
    if (category !== undefined) categories.add(category);
  });
  if (date === undefined || dates.length !== 1) return null;
  return { date, categories: DATA_CATEGORIES.filter((category) => categories.has(category)), extension };
}

function patientOf(resource: Consent, issues: ValidationIssues): ConsentPatient | undefined {
  const patient = patientOfReference(resource.patient, 'Consent.patient', issues);
  if (patient !== undefined && !hasNationalIdentifier(patient)) {
    issues.add(
      'Consent.patient.identifier',
      'a consent names the patient by national identifier (INS, or the Québec NAM), so that every service of the network applies it',
    );
    return;
  }
  if (patient?.type !== 'Patient') return patient;
  // `type` Patient is what the server renders anyway: dropped, so a body read back states the same patient.
  const { type: _type, ...rest } = patient;
  return rest;
}

/**
 * Reads a Consent body. Modelled: `status`, `scope` (patient-privacy), `category`, `patient` (by
 * INS or NAM), `dateTime`, `provision` (one root provision: `type` permit | deny, `period`,
 * `actor` — professionals, organisations, professions, sectors — and `code` in the
 * shared-information-category system; its other elements kept as given; a nested provision is
 * refused), and the consent-information-given extension. Every other element is kept as given;
 * `modifierExtension` and `implicitRules` are issues; R4 ppc-1 (a policy or a policyRule) is
 * checked. Server-owned: `id`, `meta`, recorded-by.
 */
export function consentOfResource(resource: Consent, issues: ValidationIssues): ConsentOfResource {
  const status = CONSENT_STATUSES.find((candidate) => candidate === resource.status);
  if (status === undefined) issues.add('Consent.status', `is one of ${CONSENT_STATUSES.join(', ')}`);
  const scope = resource.scope as CodeableConcept | undefined;
  if (scope === undefined) issues.add('Consent.scope', 'is required: patient-privacy');
  const category = resource.category as CodeableConcept[] | undefined;
  if (category === undefined || category.length === 0) {
    issues.add('Consent.category', 'is required (e.g. LOINC 59284-0 Patient Consent)');
  }
  if (resource.policy === undefined && resource.policyRule === undefined) {
    issues.add('Consent.policyRule', 'a Consent has a policy or a policyRule (ppc-1): e.g. OPTIN or OPTOUT');
  }
  const patient = patientOf(resource, issues);
  const provision = provisionOf(resource, issues);
  const informationGiven = informationGivenOf(resource, issues);
  const kept = keptElementsOf(resource, MODELLED, 'Consent', issues, KNOWN_EXTENSIONS);
  const terms =
    scope === undefined || category === undefined || provision === undefined || informationGiven === null
      ? undefined
      : {
          scope,
          category,
          ...optional('dateTime', resource.dateTime),
          provision,
          ...optional('informationGiven', informationGiven),
        };
  return { status, patient, terms, kept };
}
