import { assertNever, BusinessRuleError, jsonEqual } from '@carenet/eventsourcing';
import { optional } from '../shared/optional.js';
import type { MergePatient, PatientCommand, RegisterPatient, RevisePatient } from './patient-commands.js';
import { PATIENT_DEMOGRAPHIC_KEYS, type PatientDemographics } from './patient-content.js';
import type { PatientEvent } from './patient-events.js';
import { requireIdentityRules } from './patient-identity.js';
import { requireRecordKeeper } from './patient-permissions.js';
import { PATIENT_RULES } from './patient-rules.js';
import type { ExistingPatient, PatientState } from './patient-state.js';

interface Issued {
  readonly actor: RegisterPatient['actor'];
  readonly now: string;
}

function fact(patient: ExistingPatient, command: Issued) {
  return { patientId: patient.id, by: command.actor, at: command.now };
}

/** The birth date (a FHIR date, possibly partial) is not after the command's instant. */
function requireBirthDateNotInFuture(birthDate: string | undefined, now: string): void {
  if (birthDate === undefined) return;
  // A partial date (YYYY, YYYY-MM) is in the future only when its first day is.
  if (birthDate.slice(0, 10) > now.slice(0, 10)) {
    throw new BusinessRuleError(
      PATIENT_RULES.birthDateInFuture,
      `Patient.birthDate ${birthDate} is after today (${now.slice(0, 10)})`,
    );
  }
}

function requireNotMerged(patient: ExistingPatient): void {
  if (patient.mergedInto !== undefined) {
    throw new BusinessRuleError(
      PATIENT_RULES.merged,
      `Patient/${patient.id} was merged into Patient/${patient.mergedInto.patientId}: it no longer changes (use the surviving record)`,
    );
  }
}

function registerPatient(command: RegisterPatient, state: PatientState): PatientEvent[] {
  if (state.exists) {
    throw new BusinessRuleError(PATIENT_RULES.alreadyExists, `Patient/${state.id} exists already`);
  }
  requireRecordKeeper(command.actor, 'registers a patient');
  requireIdentityRules(command.patient);
  requireBirthDateNotInFuture(command.patient.birthDate, command.now);
  return [
    {
      type: 'PatientRegistered',
      data: { patientId: command.patientId, by: command.actor, at: command.now, patient: command.patient },
    },
  ];
}

function revisePatient(command: RevisePatient, patient: ExistingPatient): PatientEvent[] {
  const identityChanges =
    !jsonEqual(patient.identifiers, command.identity.identifiers) ||
    patient.identityStatus !== command.identity.identityStatus ||
    !jsonEqual(patient.identityReliability, command.identity.identityReliability);
  const changed: Partial<Record<keyof PatientDemographics, unknown>> = {};
  const removed: (keyof PatientDemographics)[] = [];
  for (const key of PATIENT_DEMOGRAPHIC_KEYS) {
    const after = command.demographics[key];
    if (jsonEqual(patient[key], after)) continue;
    // Lists are never absent in the state: an empty list is the removal of every item.
    if (after === undefined) removed.push(key);
    else changed[key] = after;
  }
  const demographicsChange = removed.length > 0 || Object.keys(changed).length > 0;
  const practitionerChanges = !jsonEqual(patient.generalPractitioner, command.generalPractitioner);
  if (!identityChanges && !demographicsChange && !practitionerChanges) return [];
  requireNotMerged(patient);
  requireRecordKeeper(command.actor, 'changes a patient record');
  const events: PatientEvent[] = [];
  if (identityChanges) {
    requireIdentityRules(command.identity);
    events.push({
      type: 'PatientIdentityChanged',
      data: {
        ...fact(patient, command),
        identifiers: command.identity.identifiers,
        ...optional('identityStatus', command.identity.identityStatus),
        ...optional('previousIdentityStatus', patient.identityStatus),
        ...optional('identityReliability', command.identity.identityReliability),
      },
    });
  }
  if (demographicsChange) {
    requireBirthDateNotInFuture(command.demographics.birthDate, command.now);
    events.push({
      type: 'PatientDemographicsChanged',
      data: { ...fact(patient, command), changed: changed as Partial<PatientDemographics>, removed },
    });
  }
  if (practitionerChanges) {
    events.push({
      type: 'PatientGeneralPractitionerChanged',
      data: { ...fact(patient, command), generalPractitioner: [...command.generalPractitioner] },
    });
  }
  return events;
}

function mergePatient(command: MergePatient, patient: ExistingPatient): PatientEvent[] {
  if (patient.mergedInto?.patientId === command.into.patientId) return [];
  requireNotMerged(patient);
  requireRecordKeeper(command.actor, 'merges patient records');
  if (command.into.patientId === patient.id) {
    throw new BusinessRuleError(
      PATIENT_RULES.mergeIntoItself,
      `Patient/${patient.id} is not merged into itself`,
    );
  }
  if (command.target === 'unknown') {
    throw new BusinessRuleError(
      PATIENT_RULES.mergeTargetUnknown,
      `Patient/${command.into.patientId} is no patient of the network: a record is merged into an existing one`,
    );
  }
  if (command.target === 'merged') {
    throw new BusinessRuleError(
      PATIENT_RULES.mergeTargetMerged,
      `Patient/${command.into.patientId} was itself merged into another: merge into the surviving record`,
    );
  }
  if (patient.active === true) {
    throw new BusinessRuleError(
      PATIENT_RULES.mergedIsInactive,
      `a merged record is no longer in use: Patient.active is false (or absent) with a replaced-by link`,
    );
  }
  return [
    {
      type: 'PatientMerged',
      data: { ...fact(patient, command), into: command.into, identifiers: patient.identifiers },
    },
  ];
}

/** Decides what a command means for a Patient: the events, or a typed error. Pure. */
export function decide(command: PatientCommand, state: PatientState): PatientEvent[] {
  if (command.type === 'RegisterPatient') return registerPatient(command, state);
  if (!state.exists) throw new BusinessRuleError(PATIENT_RULES.notRegistered, 'the patient does not exist');
  switch (command.type) {
    case 'RevisePatient':
      return revisePatient(command, state);
    case 'MergePatient':
      return mergePatient(command, state);
    default:
      return assertNever(command);
  }
}
