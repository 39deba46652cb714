import type { OperationDefinition } from 'fhir/r4.js';
import { RECORD_AGREEMENT_OPERATION, VALIDATE_PLAN_OPERATION } from './care-plan-canonical.js';

/** When these definitions last changed (OperationDefinition.date). */
const DATE = '2026-12-07';

/** `CarePlan/[id]/$validate-plan` (POST): the médecin traitant validates the plan's current actions. */
export const VALIDATE_PLAN_OPERATION_DEFINITION: OperationDefinition = {
  resourceType: 'OperationDefinition',
  id: 'CarePlan-validate-plan',
  url: VALIDATE_PLAN_OPERATION,
  name: 'CarePlanValidatePlan',
  title: 'Validate a PPCS',
  status: 'active',
  kind: 'operation',
  date: DATE,
  publisher: 'carenet',
  description:
    "The patient's médecin traitant (the caller) validates the current actions of a PPCS, which the plan " +
    'needs before it is activated (ppcs-validation-required). Another caller gets a 422 naming the rule.',
  affectsState: true,
  code: 'validate-plan',
  resource: ['CarePlan'],
  system: false,
  type: false,
  instance: true,
  parameter: [
    { name: 'note', use: 'in', min: 0, max: '1', type: 'string', documentation: 'a note on the validation' },
    {
      name: 'return',
      use: 'out',
      min: 1,
      max: '1',
      type: 'CarePlan',
      documentation: 'the CarePlan, validated',
    },
  ],
};

/** `CarePlan/[id]/$record-agreement` (POST): the patient's (or representative's) agreement to the current actions. */
export const RECORD_AGREEMENT_OPERATION_DEFINITION: OperationDefinition = {
  resourceType: 'OperationDefinition',
  id: 'CarePlan-record-agreement',
  url: RECORD_AGREEMENT_OPERATION,
  name: 'CarePlanRecordAgreement',
  title: "Record the patient's agreement to a PPCS",
  status: 'active',
  kind: 'operation',
  date: DATE,
  publisher: 'carenet',
  description:
    'Records that the patient, or their representative, agreed to the current actions of a PPCS, which the ' +
    'plan needs before it is activated (ppcs-agreement-required).',
  affectsState: true,
  code: 'record-agreement',
  resource: ['CarePlan'],
  system: false,
  type: false,
  instance: true,
  parameter: [
    {
      name: 'agreedBy',
      use: 'in',
      min: 1,
      max: '1',
      type: 'code',
      documentation: 'patient | representative',
    },
    {
      name: 'representative',
      use: 'in',
      min: 0,
      max: '1',
      documentation:
        'who agreed for the patient: with agreedBy representative only, and required then (care-plan-representative-required)',
      part: [
        { name: 'name', use: 'in', min: 1, max: '1', type: 'string', documentation: 'their name' },
        {
          name: 'relationship',
          use: 'in',
          min: 1,
          max: '1',
          type: 'string',
          documentation: 'their relationship to the patient (legal guardian, trusted person…)',
        },
      ],
    },
    {
      name: 'method',
      use: 'in',
      min: 1,
      max: '1',
      type: 'code',
      documentation: 'oral | written | electronic',
    },
    { name: 'note', use: 'in', min: 0, max: '1', type: 'string', documentation: 'a note on the agreement' },
    {
      name: 'return',
      use: 'out',
      min: 1,
      max: '1',
      type: 'CarePlan',
      documentation: 'the CarePlan, with the agreement recorded',
    },
  ],
};

/** The OperationDefinitions of the care-plans service's operations. */
export const CARE_PLAN_OPERATION_DEFINITIONS: readonly OperationDefinition[] = [
  VALIDATE_PLAN_OPERATION_DEFINITION,
  RECORD_AGREEMENT_OPERATION_DEFINITION,
];
