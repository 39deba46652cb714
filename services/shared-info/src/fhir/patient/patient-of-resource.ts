import type { Extension, Patient, Reference } from 'fhir/r4.js';
import { literalReferenceOf, partyOfReference } from '@carenet/access';
import type { ValidationIssues } from '@carenet/eventsourcing';
import {
  PATIENT_IDENTITY_STATUSES,
  type MergeTarget,
  type PatientDemographics,
  type PatientIdentity,
  type PatientIdentityStatus,
  type PatientReference,
} from '../../patient/index.js';
import { optional } from '../../shared/optional.js';
import { extensionPath, singleExtension } from '../shared/extensions.js';
import { keptElementsOf } from '../shared/kept-elements.js';
import {
  IDENTITY_RELIABILITY_SYSTEM,
  IDENTITY_STATUS_CODES,
  IDENTITY_STATUS_SUB_EXTENSION,
  PATIENT_EXTENSIONS,
} from './patient-canonical.js';

/** What a Patient body says, each part `undefined` when it had an issue (collected in `issues`). */
export interface PatientOfResource {
  readonly identity: PatientIdentity | undefined;
  readonly demographics: PatientDemographics | undefined;
  readonly generalPractitioner: PatientReference[];
  /** The patient this record is replaced by (`link` of type replaced-by), if any. */
  readonly replacedBy: MergeTarget | undefined;
}

/** The elements of Patient the domain models (the others are kept as given). */
const MODELLED: ReadonlySet<string> = new Set([
  'identifier',
  'active',
  'name',
  'telecom',
  'gender',
  'birthDate',
  'address',
  'contact',
  'link',
  'generalPractitioner',
]);
const KNOWN_EXTENSIONS: ReadonlySet<string> = new Set(Object.values(PATIENT_EXTENSIONS));

function identityStatusOf(
  extension: Extension | undefined,
  issues: ValidationIssues,
): PatientIdentityStatus | null | undefined {
  if (extension === undefined) return undefined;
  const path = extensionPath('Patient', extension.url);
  const statuses = (extension.extension ?? []).filter((sub) => sub.url === IDENTITY_STATUS_SUB_EXTENSION);
  if (statuses.length > 1) {
    issues.add(`${path}.extension('${IDENTITY_STATUS_SUB_EXTENSION}')`, 'is given more than once');
    return null;
  }
  const coding = statuses[0]?.valueCoding;
  if (statuses[0] === undefined) return undefined;
  const codes = Object.entries(IDENTITY_STATUS_CODES);
  const status = codes.find(
    ([, code]) => coding?.system === IDENTITY_RELIABILITY_SYSTEM && coding.code === code,
  )?.[0];
  if (status === undefined) {
    issues.add(
      `${path}.extension('${IDENTITY_STATUS_SUB_EXTENSION}').valueCoding`,
      `is one of ${codes.map(([, code]) => code).join(', ')} of ${IDENTITY_RELIABILITY_SYSTEM} (provisional, recovered, validated, qualified identity)`,
    );
    return null;
  }
  return PATIENT_IDENTITY_STATUSES.find((candidate) => candidate === status);
}

function identityOf(resource: Patient, issues: ValidationIssues): PatientIdentity | undefined {
  const reliability = singleExtension(
    resource.extension,
    'Patient',
    PATIENT_EXTENSIONS.identityReliability,
    issues,
  );
  const status = identityStatusOf(reliability, issues);
  if (status === null) return undefined;
  (resource.identifier ?? []).forEach((identifier, i) => {
    if (identifier.system !== undefined && (identifier.value ?? '') === '') {
      issues.add(`Patient.identifier[${i}].value`, 'is required with a system: the identifier of the person');
    }
  });
  return {
    identifiers: resource.identifier ?? [],
    ...optional('identityStatus', status),
    ...optional('identityReliability', reliability),
  };
}

/** The patient a `replaced-by` link names: a Patient of this server (`Patient/<id>`). */
function replacedByOf(resource: Patient, issues: ValidationIssues): MergeTarget | undefined {
  const links = (resource.link ?? [])
    .map((link, i) => ({ link, i }))
    .filter(({ link }) => link.type === 'replaced-by');
  if (links.length > 1) {
    issues.add('Patient.link', 'has one replaced-by link at most: a record is merged into one patient');
    return;
  }
  const found = links[0];
  if (found === undefined) return;
  const reference = found.link.other.reference;
  const literal = reference === undefined ? undefined : literalReferenceOf(reference);
  if (literal?.form !== 'relative' || literal.type !== 'Patient') {
    issues.add(
      `Patient.link[${found.i}].other.reference`,
      'a record is merged into a Patient of the network: Patient/<id>',
    );
    return;
  }
  const patientId = literal.reference.split('/')[1] ?? '';
  return { patientId, other: found.link.other };
}

function generalPractitionerOf(resource: Patient, issues: ValidationIssues): PatientReference[] {
  (resource.generalPractitioner ?? []).forEach((reference: Reference, i) => {
    const path = `Patient.generalPractitioner[${i}]`;
    const party = partyOfReference(reference, path, issues);
    if (party?.kind === 'system') issues.add(path, 'a software system is no general practitioner');
  });
  return resource.generalPractitioner ?? [];
}

/**
 * Reads a Patient body. Modelled: `identifier` (as given) with the FR Core identity-reliability
 * extension (its `identityStatus`: PROV, RECUP, VALI, QUAL), `active`, `name`, `telecom`,
 * `gender`, `birthDate`, `address`, `contact`, `link` (replaced-by: the merge; the others as
 * given), `generalPractitioner` (professionals or organisations, by national identifier or
 * literal reference). Every other element is kept as given; `modifierExtension` and
 * `implicitRules` are issues. Server-owned: `id`, `meta`, recorded-by.
 */
export function patientOfResource(resource: Patient, issues: ValidationIssues): PatientOfResource {
  const identity = identityOf(resource, issues);
  const kept = keptElementsOf(resource, MODELLED, 'Patient', issues, KNOWN_EXTENSIONS);
  const demographics: PatientDemographics = {
    ...optional('active', resource.active),
    names: resource.name ?? [],
    telecom: resource.telecom ?? [],
    ...optional('gender', resource.gender),
    ...optional('birthDate', resource.birthDate),
    addresses: resource.address ?? [],
    contacts: resource.contact ?? [],
    links: (resource.link ?? []).filter((link) => link.type !== 'replaced-by'),
    ...optional('kept', kept),
  };
  return {
    identity,
    demographics,
    generalPractitioner: generalPractitionerOf(resource, issues),
    replacedBy: replacedByOf(resource, issues),
  };
}
