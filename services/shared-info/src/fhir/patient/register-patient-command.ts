import type { Actor } from '@carenet/access';
import { ValidationIssues } from '@carenet/eventsourcing';
import type { Patient } from 'fhir/r4.js';
import type { RegisterPatient } from '../../patient/index.js';
import { patientOfResource } from './patient-of-resource.js';

/**
 * The RegisterPatient a POSTed FHIR Patient stands for (see patientOfResource). A record is
 * registered in use: a `replaced-by` link is an issue (a merge is a PUT of the duplicate). Every
 * content issue is reported at once in one ValidationError.
 */
export function registerPatientCommand(
  resource: Patient,
  input: { readonly patientId: string; readonly actor: Actor; readonly now: string },
): RegisterPatient {
  const issues = new ValidationIssues();
  const { identity, demographics, generalPractitioner, replacedBy } = patientOfResource(resource, issues);
  if (replacedBy !== undefined) {
    issues.add(
      'Patient.link',
      'a record is registered in use: merge a duplicate with a PUT of its replaced-by link',
    );
  }
  issues.throwIfAny();
  if (identity === undefined || demographics === undefined) return issues.fail();
  return {
    type: 'RegisterPatient',
    patientId: input.patientId,
    actor: input.actor,
    now: input.now,
    patient: { ...identity, ...demographics, generalPractitioner },
  };
}
