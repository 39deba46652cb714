import type { Actor } from '@carenet/access';
import { BusinessRuleError, ValidationIssues } from '@carenet/eventsourcing';
import type { Patient } from 'fhir/r4.js';
import {
  PATIENT_RULES,
  type ExistingPatient,
  type MergePatient,
  type PatientCommand,
  type RevisePatient,
} from '../../patient/index.js';
import { patientOfResource } from './patient-of-resource.js';

/** What the network knows of a patient a record would be merged into (another stream). */
export type MergeTargetLookup = (patientId: string) => Promise<MergePatient['target']>;

/**
 * The commands a PUT of a Patient stands for, against its current state: one RevisePatient (PUT
 * semantics: identity, demographics and médecin traitant as the body states them; the decider
 * makes one event per fact), then, when the body adds a `replaced-by` link, one MergePatient (the
 * target looked up). A merge is not undone: a merged record's body keeps its replaced-by link.
 */
export async function updatePatientCommands(
  state: ExistingPatient,
  resource: Patient,
  input: { readonly actor: Actor; readonly now: string; readonly targetOf: MergeTargetLookup },
): Promise<PatientCommand[]> {
  const issues = new ValidationIssues();
  const { identity, demographics, generalPractitioner, replacedBy } = patientOfResource(resource, issues);
  issues.throwIfAny();
  if (identity === undefined || demographics === undefined) return issues.fail();
  if (state.mergedInto !== undefined && replacedBy?.patientId !== state.mergedInto.patientId) {
    throw new BusinessRuleError(
      PATIENT_RULES.merged,
      `Patient/${state.id} was merged into Patient/${state.mergedInto.patientId}: a merge is not undone`,
    );
  }
  const revision: RevisePatient = {
    type: 'RevisePatient',
    actor: input.actor,
    now: input.now,
    identity,
    demographics,
    generalPractitioner,
  };
  if (replacedBy === undefined || state.mergedInto !== undefined) return [revision];
  const target = await input.targetOf(replacedBy.patientId);
  return [revision, { type: 'MergePatient', actor: input.actor, now: input.now, into: replacedBy, target }];
}
