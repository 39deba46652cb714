import type { Reference } from 'fhir/r4.js';
import type { ValidationIssues } from '@carenet/eventsourcing';
import { PATIENT_SYSTEMS } from './identifier-systems.js';

/** A patient by national identifier (INS, or the Québec NAM). */
export type PatientIdentifier = Readonly<{ system: string; value: string }>;

/** The patient as a Reference by identifier; `type` is set so that `patient=` searches match it. */
export function patientReference(patient: PatientIdentifier): Reference {
  return { type: 'Patient', identifier: { system: patient.system, value: patient.value } };
}

/**
 * The patient a Reference names, by INS (or the Québec NAM): DESIGN.md §5. A literal-only
 * reference (`Patient/123`) is an issue at `<path>.identifier`.
 */
export function patientOfReference(
  reference: Reference | undefined,
  path: string,
  issues: ValidationIssues,
): PatientIdentifier | undefined {
  if (reference === undefined) {
    issues.add(path, 'is required: the patient, by INS');
    return;
  }
  if (reference.type !== undefined && reference.type !== 'Patient') {
    issues.add(`${path}.type`, `is Patient: a patient is referenced here, not a ${reference.type}`);
    return;
  }
  const { identifier } = reference;
  if (identifier?.system === undefined || identifier.value === undefined || identifier.value === '') {
    issues.add(
      `${path}.identifier`,
      'patients are referenced by national identifier (Reference.identifier: INS urn:oid:1.2.250.1.213.1.4.8, or the Québec NAM), not by literal reference',
    );
    return;
  }
  if (!PATIENT_SYSTEMS.includes(identifier.system)) {
    issues.add(
      `${path}.identifier.system`,
      `${identifier.system} is not a patient identifier system: use ${PATIENT_SYSTEMS.join(', ')}`,
    );
    return;
  }
  return { system: identifier.system, value: identifier.value };
}
