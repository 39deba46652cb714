import type { Reference } from 'fhir/r4.js';
import { ValidationIssues } from '@carenet/eventsourcing';
import { PATIENT_SYSTEMS } from '../references/identifier-systems.js';
import { LITERAL_REFERENCE_SYSTEM } from '../references/literal-reference.js';
import { patientOfReference } from '../references/patient-reference.js';
import { patientKey } from './fact-keys.js';

/** The element naming the patient a resource is about (its Patient compartment), by type. */
const PATIENT_ELEMENT: Readonly<Record<string, string>> = {
  Task: 'for',
  CarePlan: 'subject',
  CareTeam: 'subject',
  Goal: 'subject',
  Communication: 'subject',
  DocumentReference: 'subject',
  Consent: 'patient',
};

/** The key of a patient reference no access fact can name: only an administrator sees it. */
export const UNRESOLVED_PATIENT_KEY = 'unresolved';

/**
 * The key (`<system>|<value>`, as the access facts store it) of the patient a resource is about:
 * a Task's `for`, a CarePlan's, CareTeam's or Goal's `subject`, a Consent's `patient`, an
 * AuditEvent's entity of type Patient (the patient whose data was accessed); a Patient
 * is about itself (its INS or NAM, else its own literal reference). `null` when the resource is
 * about no patient (a CareTeam without subject, a type with no patient compartment). A patient
 * reference that cannot be read gets a key no fact names.
 */
export function patientKeyOfResource(resource: { readonly resourceType: string }): string | null {
  const r = resource as Record<string, unknown> & { readonly resourceType: string; readonly id?: string };
  if (r.resourceType === 'Patient') {
    const identifiers = (r.identifier ?? []) as { system?: string; value?: string }[];
    const national = identifiers.find(
      (i) => i.system !== undefined && PATIENT_SYSTEMS.includes(i.system) && i.value !== undefined,
    );
    if (national?.system !== undefined && national.value !== undefined)
      return patientKey(national as { system: string; value: string });
    return r.id === undefined
      ? null
      : patientKey({ system: LITERAL_REFERENCE_SYSTEM, value: `Patient/${r.id}` });
  }
  if (r.resourceType === 'AuditEvent') return auditEventPatientKey(r);
  const element = PATIENT_ELEMENT[r.resourceType];
  if (element === undefined) return null;
  const reference = r[element] as Reference | undefined;
  if (reference === undefined) return null;
  const contained = (r.contained ?? []) as { resourceType?: string; id?: string }[];
  const patient = patientOfReference(
    reference,
    element,
    new ValidationIssues(),
    (ref) => contained.find((c) => `#${c.id ?? ''}` === ref)?.resourceType,
  );
  return patient === undefined ? UNRESOLVED_PATIENT_KEY : patientKey(patient);
}

/** The patient of an AuditEvent: its entity of type Patient, by identifier (the audit records'). */
function auditEventPatientKey(r: Record<string, unknown>): string | null {
  const entities = (r.entity ?? []) as { what?: Reference }[];
  const what = entities.find((e) => e.what?.type === 'Patient')?.what;
  if (what === undefined) return null;
  // The records name the patient by the key itself (a national identifier, or the literal
  // reference's system for a patient named `Patient/<id>`).
  const { system, value } = what.identifier ?? {};
  if (system !== undefined && value !== undefined) return patientKey({ system, value });
  const patient = patientOfReference(what, 'entity.what', new ValidationIssues(), () => undefined);
  return patient === undefined ? UNRESOLVED_PATIENT_KEY : patientKey(patient);
}
