import type { Reference } from 'fhir/r4.js';
import type { ValidationIssues } from '@carenet/eventsourcing';
import { PATIENT_SYSTEMS } from './identifier-systems.js';
import {
  LITERAL_REFERENCE_FORMS,
  LITERAL_REFERENCE_SYSTEM,
  literalReferenceOf,
} from './literal-reference.js';

/**
 * A patient by national identifier (INS, or the Québec NAM), or, named by a literal reference only
 * (`Patient/x` until the shared-information service hosts patients, an absolute URL to another
 * server, `#id` for a contained one), by that reference under LITERAL_REFERENCE_SYSTEM. The
 * literal reference, type and display are kept as given. Patients compare by `system` and `value`
 * only (`samePatient`).
 */
export type PatientIdentifier = Readonly<{
  system: string;
  value: string;
  reference?: string;
  type?: string;
  display?: string;
}>;

/** Whether two patient references name the same patient (identifier system and value). */
export function samePatient(a: PatientIdentifier, b: PatientIdentifier): boolean {
  return a.system === b.system && a.value === b.value;
}

/** Whether a patient is named by national identifier (INS, NAM), not by a literal reference only. */
export function hasNationalIdentifier(patient: PatientIdentifier): boolean {
  return patient.system !== LITERAL_REFERENCE_SYSTEM;
}

/**
 * The patient as a Reference, as it was given: by identifier (with `type` Patient, so that
 * `patient=` searches match it, and the literal reference when one came with it), or by literal
 * reference only (`type` only when it was given); with its display.
 */
export function patientReference(patient: PatientIdentifier): Reference {
  const display = patient.display === undefined ? {} : { display: patient.display };
  if (!hasNationalIdentifier(patient)) {
    return {
      reference: patient.reference ?? patient.value,
      ...(patient.type === undefined ? {} : { type: patient.type }),
      ...display,
    };
  }
  return {
    ...(patient.reference === undefined ? {} : { reference: patient.reference }),
    type: 'Patient',
    identifier: { system: patient.system, value: patient.value },
    ...display,
  };
}

/**
 * The patient a Reference names: by INS (or the Québec NAM), DESIGN.md §5, or by literal reference
 * to a Patient (`Patient/x`, `https://ehr.example/fhir/Patient/x`, or `#id` of a contained
 * Patient, whose type `containedTypeOf` gives). Another type, an identifier of another system, or
 * a reference of none of the forms is an issue at `path`.
 */
export function patientOfReference(
  reference: Reference | undefined,
  path: string,
  issues: ValidationIssues,
  containedTypeOf?: (reference: string) => string | undefined,
): PatientIdentifier | undefined {
  if (reference === undefined) {
    issues.add(path, 'is required: the patient, by INS or by reference');
    return;
  }
  if (reference.type !== undefined && reference.type !== 'Patient') {
    issues.add(`${path}.type`, `is Patient: a patient is referenced here, not a ${reference.type}`);
    return;
  }
  const given = {
    ...(reference.reference === undefined ? {} : { reference: reference.reference }),
    ...(reference.type === undefined ? {} : { type: reference.type }),
    ...(reference.display === undefined ? {} : { display: reference.display }),
  };
  const literal = reference.reference === undefined ? undefined : literalReferenceOf(reference.reference);
  if (reference.reference !== undefined) {
    if (literal === undefined) {
      issues.add(
        `${path}.reference`,
        `${reference.reference.slice(0, 80)} is not ${LITERAL_REFERENCE_FORMS}`,
      );
      return;
    }
    const type = literal.form === 'contained' ? containedTypeOf?.(literal.reference) : literal.type;
    if (type !== 'Patient') {
      issues.add(`${path}.reference`, `names a ${type ?? 'resource that is not contained'}, not a Patient`);
      return;
    }
  }
  const { identifier } = reference;
  if (identifier?.system === undefined || identifier.value === undefined || identifier.value === '') {
    if (literal === undefined) {
      issues.add(
        `${path}.identifier`,
        `the patient is referenced by national identifier (Reference.identifier: INS urn:oid:1.2.250.1.213.1.4.8, or the Québec NAM) or by literal reference (${LITERAL_REFERENCE_FORMS})`,
      );
      return;
    }
    return { system: LITERAL_REFERENCE_SYSTEM, value: literal.reference, ...given };
  }
  if (!PATIENT_SYSTEMS.includes(identifier.system)) {
    issues.add(
      `${path}.identifier.system`,
      `${identifier.system} is not a patient identifier system: use ${PATIENT_SYSTEMS.join(', ')}`,
    );
    return;
  }
  return { system: identifier.system, value: identifier.value, ...given };
}
