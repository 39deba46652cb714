// FHIR Patient and Consent bodies shared by the mapping tests, and their helpers.
import { expect } from '@jest/globals';
import { BusinessRuleError, ValidationError } from '@carenet/eventsourcing';
import { createResourceValidator } from '@carenet/fhir';
import type { Consent, Extension, Patient } from 'fhir/r4.js';
import { GP, INS_NIR, IPP, PATIENT_INS } from './actors.js';
import {
  category,
  informationGiven,
  IRCP,
  LOINC_CONSENT,
  SCOPE,
  SOCIAL_WORKER_REFERENCE,
} from './consent-fixtures.js';
import { reliability } from './patient-fixtures.js';

const RECORDED_BY = 'https://carenet.example.org/fhir/StructureDefinition/recorded-by';

/** Yvonne Martin, as the DAC's tool POSTs her: every kind of R4 element, modelled or kept. */
export function patientBody(overrides: Partial<Patient> = {}): Patient {
  return {
    resourceType: 'Patient',
    meta: {
      source: 'https://dac.example/coordination-tool',
      tag: [{ system: 'urn:oid:1.2.250.1.999.3', code: 'dac' }],
    },
    text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">Yvonne Martin</div>' },
    language: 'fr-FR',
    extension: [
      reliability('QUAL'),
      {
        url: 'http://hl7.org/fhir/StructureDefinition/patient-birthPlace',
        valueAddress: { city: 'Bordeaux' },
      },
    ],
    identifier: [
      { use: 'official', system: INS_NIR, value: '279035121518989' },
      { system: IPP, value: 'IPP-42' },
    ],
    active: true,
    name: [{ use: 'official', family: 'Martin', given: ['Yvonne', 'Marie'] }],
    telecom: [{ system: 'phone', value: '+33 5 56 00 00 00', use: 'home' }],
    gender: 'female',
    birthDate: '1979-03-12',
    _birthDate: {
      extension: [
        {
          url: 'http://hl7.org/fhir/StructureDefinition/patient-birthTime',
          valueDateTime: '1979-03-12T04:30:00+01:00',
        },
      ],
    },
    deceasedBoolean: false,
    address: [
      { use: 'home', line: ['1 rue de la Paix'], city: 'Bordeaux', postalCode: '33000', country: 'FR' },
    ],
    maritalStatus: {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-MaritalStatus', code: 'W' }],
    },
    multipleBirthBoolean: false,
    contact: [
      {
        relationship: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0131', code: 'N' }] }],
        name: { family: 'Martin', given: ['Léa'] },
        telecom: [{ system: 'phone', value: '+33 6 00 00 00 00' }],
      },
    ],
    communication: [{ language: { coding: [{ system: 'urn:ietf:bcp:47', code: 'fr' }] }, preferred: true }],
    generalPractitioner: [
      {
        type: 'Practitioner',
        identifier: { system: GP.identifier.system, value: GP.identifier.value },
        display: 'Dr B',
      },
    ],
    managingOrganization: {
      identifier: { system: 'https://finess.esante.gouv.fr', value: '330000099' },
      display: 'DAC',
    },
    link: [{ other: { reference: 'Patient/elsewhere' }, type: 'seealso' }],
    ...overrides,
  };
}

/** Y's consent to share social and medico-social information with social worker S, as C records it. */
export function consentBody(overrides: Partial<Consent> = {}): Consent {
  return {
    resourceType: 'Consent',
    meta: { security: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'R' }] },
    extension: [informationGiven(['social', 'medico-social'], '2026-05-20T07:30:00.000Z')],
    identifier: [{ system: 'urn:oid:1.2.250.1.999.2', value: 'form-12' }],
    status: 'active',
    scope: SCOPE,
    category: LOINC_CONSENT,
    patient: { type: 'Patient', identifier: PATIENT_INS, display: 'Yvonne Martin' },
    dateTime: '2026-05-20T08:00:00.000Z',
    performer: [{ type: 'Patient', identifier: PATIENT_INS }],
    sourceAttachment: {
      contentType: 'application/pdf',
      title: 'Signed consent form',
      url: 'https://dac.example/forms/12.pdf',
    },
    policyRule: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'OPTIN' }] },
    provision: {
      type: 'permit',
      period: { start: '2026-05-20', end: '2026-12-31' },
      actor: [{ role: IRCP, reference: SOCIAL_WORKER_REFERENCE }],
      purpose: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: 'COC' }],
      action: [
        { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentaction', code: 'access' }] },
      ],
      code: [category('social'), category('medico-social')],
    },
    ...overrides,
  };
}

const validator = createResourceValidator({
  types: ['Patient', 'Consent', 'Communication', 'DocumentReference'],
});

/** Asserts the resource is valid FHIR R4 (the validator's issues in the failure message). */
export function expectValidR4(resource: { resourceType: string }): void {
  const result = validator.validate(resource, { type: resource.resourceType });
  expect(result.ok ? [] : result.issues).toEqual([]);
}

/** The issues of the ValidationError `act` throws. */
export function validationIssues(act: () => unknown): { path: string; message: string }[] {
  try {
    act();
  } catch (error) {
    if (error instanceof ValidationError) return [...error.issues];
    throw error;
  }
  throw new Error('expected a ValidationError');
}

/** The rule of the BusinessRuleError `act` throws. */
export function businessRule(act: () => unknown): string {
  try {
    act();
  } catch (error) {
    if (error instanceof BusinessRuleError) return error.rule;
    throw error;
  }
  throw new Error('expected a BusinessRuleError');
}

/** The resource without what the server owns: id, meta.versionId and lastUpdated, the recorded-by extension. */
export function withoutServerOwned<T extends { extension?: Extension[] | undefined }>(
  resource: T,
): Partial<T> {
  const { id: _id, meta, ...rest } = resource as T & { id?: string; meta?: Record<string, unknown> };
  const { versionId: _v, lastUpdated: _l, ...given } = meta ?? {};
  const extension = (resource.extension ?? []).filter((e) => e.url !== RECORDED_BY);
  const { extension: _extension, ...others } = rest;
  return {
    ...others,
    ...(extension.length > 0 && { extension }),
    ...(Object.keys(given).length > 0 && { meta: given }),
  } as Partial<T>;
}
