// FHIR request bodies and helpers shared by the FHIR mapping tests (fhir-*.unit.test.ts).
import { expect } from '@jest/globals';
import { BusinessRuleError, fold, ValidationError } from '@carenet/eventsourcing';
import { createResourceValidator } from '@carenet/fhir';
import type { Task } from 'fhir/r4.js';
import { TASK_EXTENSIONS, COOPERATION_MODE_SYSTEM } from '../../src/fhir/index.js';
import { taskDecider, type ExistingTask, type TaskCommand, type TaskEvent } from '../../src/task/index.js';
import { run } from './task-fixtures.js';

export const IDNPS = 'urn:oid:1.2.250.1.71.4.2.1';
export const INS = 'urn:oid:1.2.250.1.213.1.4.8';
export const FINESS = 'https://finess.esante.gouv.fr';

/** A delegation of wound care from the GP (Dr A, IDNPS) to IDEL N1, as an EHR POSTs it. */
export function delegationBody(overrides: Partial<Task> = {}): Task {
  return {
    resourceType: 'Task',
    extension: [
      {
        url: TASK_EXTENSIONS.cooperationMode,
        valueCoding: { system: COOPERATION_MODE_SYSTEM, code: 'delegation', display: 'Delegation' },
      },
    ],
    identifier: [{ system: 'urn:oid:1.2.3.4.5', value: 'ehr-task-42' }],
    instantiatesCanonical: 'https://carenet.example.org/fhir/PlanDefinition/protocol-wounds|1',
    basedOn: [{ reference: 'CarePlan/ppcs-1' }],
    status: 'requested',
    intent: 'order',
    priority: 'urgent',
    code: { coding: [{ system: 'http://snomed.info/sct', code: '225358003', display: 'Wound care' }] },
    description: 'Daily dressing of the left leg ulcer',
    focus: { reference: 'MedicationRequest/mr-1' },
    for: { type: 'Patient', identifier: { system: INS, value: '279035121518989' } },
    requester: {
      type: 'Practitioner',
      identifier: { system: IDNPS, value: '810000000001' },
      display: 'Dr A',
    },
    owner: { type: 'Practitioner', identifier: { system: IDNPS, value: '860000000001' }, display: 'N1' },
    restriction: { period: { start: '2026-05-20T08:00:00.000Z', end: '2026-05-31T18:00:00.000Z' } },
    note: [{ text: 'Patient allergic to latex' }],
    input: [{ type: { text: 'wound photo' }, valueString: 'see DMP' }],
    ...overrides,
  };
}

/** The state after running commands from an empty stream (or after `given`). */
export function stateAfter(commands: readonly TaskCommand[], given: readonly TaskEvent[] = []): ExistingTask {
  const state = fold(taskDecider, run(commands, given));
  if (!state.exists) throw new TypeError('no task');
  return state;
}

export const validator = createResourceValidator({ types: ['Task', 'Parameters'] });

/** Asserts the resource is valid FHIR R4 (the validator's issues in the failure message). */
export function expectValidR4(resource: { resourceType: string }): void {
  const result = validator.validate(resource, { type: resource.resourceType });
  expect(result.ok ? [] : result.issues).toEqual([]);
}

/** The issues of the ValidationError `act` throws: `[path, message]` pairs. */
export function validationIssues(act: () => unknown): { path: string; message: string }[] {
  try {
    act();
  } catch (error) {
    if (error instanceof ValidationError) return [...error.issues];
    throw error;
  }
  throw new Error('expected a ValidationError');
}

/** The rule and message of the BusinessRuleError `act` throws. */
export function businessRule(act: () => unknown): { rule: string; message: string } {
  try {
    act();
  } catch (error) {
    if (error instanceof BusinessRuleError) return { rule: error.rule, message: error.message };
    throw error;
  }
  throw new Error('expected a BusinessRuleError');
}
