import type { OperationDefinition, OperationDefinitionParameter } from 'fhir/r4.js';
import {
  RESPONSIBILITY_BASIS_SYSTEM,
  RESPONSIBILITY_OPERATION,
  TRANSFER_OPERATION,
} from './task-canonical.js';

/** When these definitions last changed (OperationDefinition.date). */
const DATE = '2026-12-07';

const basisParameter = (use: 'in' | 'out', documentation: string): OperationDefinitionParameter => ({
  name: 'basis',
  use,
  min: 0,
  max: '1',
  documentation,
  part: [
    {
      name: 'kind',
      use,
      min: 1,
      max: '1',
      type: 'Coding',
      documentation: `protocol | care-plan | agreement | employment (code system ${RESPONSIBILITY_BASIS_SYSTEM}); on the way in a valueCode is accepted too`,
    },
    {
      name: 'reference',
      use,
      min: 0,
      max: '1',
      type: 'string',
      documentation:
        'what the basis is: the protocol canonical (valueCanonical), the CarePlan (valueReference) or the agreement id (valueString)',
    },
  ],
});

/** `Task/[id]/$transfer` (POST): another party performs the Task, and answers for it if responsibility moves. */
export const TRANSFER_OPERATION_DEFINITION: OperationDefinition = {
  resourceType: 'OperationDefinition',
  id: 'Task-transfer',
  url: TRANSFER_OPERATION,
  name: 'TaskTransfer',
  title: 'Transfer a Task to another owner',
  status: 'active',
  kind: 'operation',
  date: DATE,
  publisher: 'carenet',
  description:
    'Hands a Task over to another professional or organisation (for a leave, a change of team): the new owner ' +
    'performs it from now on (or for the period), and becomes accountable too when responsibilityMoves is true. ' +
    'The change is a new version of the Task and an entry of its responsibility ledger. Without a Parameters ' +
    'body the same parameters come from the query string (owner=<system>|<value>, reason=<text>, ' +
    'responsibilityMoves=true|false, period-start, period-end, basis=<kind>[|<reference>]).',
  affectsState: true,
  code: 'transfer',
  resource: ['Task'],
  system: false,
  type: false,
  instance: true,
  parameter: [
    {
      name: 'owner',
      use: 'in',
      min: 1,
      max: '1',
      type: 'Reference',
      documentation:
        'the new owner, by identifier (IDNPS/RPPS for a professional, FINESS for an organisation) or by literal reference (Practitioner/x, PractitionerRole/x, Organization/x, an absolute URL)',
    },
    {
      name: 'reason',
      use: 'in',
      min: 1,
      max: '1',
      type: 'CodeableConcept',
      documentation: 'why the Task is transferred (a valueString is accepted as its text)',
    },
    {
      name: 'responsibilityMoves',
      use: 'in',
      min: 1,
      max: '1',
      type: 'boolean',
      documentation: 'whether the new owner also becomes accountable (true) or only performs (false)',
    },
    {
      name: 'period',
      use: 'in',
      min: 0,
      max: '1',
      type: 'Period',
      documentation: 'from start (default now) to end (default for good)',
    },
    basisParameter('in', 'the basis of the new assignments (default: the basis in force)'),
    { name: 'return', use: 'out', min: 1, max: '1', type: 'Task', documentation: 'the Task, transferred' },
  ],
};

/** `Task/[id]/$responsibility?at=<instant>` (GET): who was accountable and who performed at an instant. */
export const RESPONSIBILITY_OPERATION_DEFINITION: OperationDefinition = {
  resourceType: 'OperationDefinition',
  id: 'Task-responsibility',
  url: RESPONSIBILITY_OPERATION,
  name: 'TaskResponsibility',
  title: 'Who was responsible for a Task at an instant',
  status: 'active',
  kind: 'operation',
  date: DATE,
  publisher: 'carenet',
  description:
    "Answers from the Task's responsibility ledger who was accountable, who performed, in which cooperation " +
    'mode, on which basis and why, at any instant. No accountable parameter in the answer means nobody was ' +
    '(the instant is before the Task existed).',
  affectsState: false,
  code: 'responsibility',
  resource: ['Task'],
  system: false,
  type: false,
  instance: true,
  parameter: [
    {
      name: 'at',
      use: 'in',
      min: 0,
      max: '1',
      type: 'dateTime',
      documentation: 'the instant asked about (default now)',
    },
    { name: 'at', use: 'out', min: 1, max: '1', type: 'instant', documentation: 'the instant asked about' },
    {
      name: 'accountable',
      use: 'out',
      min: 0,
      max: '2',
      type: 'Reference',
      documentation: 'who answered for the Task then, as the Task names them (two when it is shared)',
    },
    {
      name: 'performer',
      use: 'out',
      min: 0,
      max: '1',
      type: 'Reference',
      documentation: 'who performed it then, as the Task names them; absent while nobody did (a draft)',
    },
    {
      name: 'mode',
      use: 'out',
      min: 0,
      max: '1',
      type: 'Coding',
      documentation: 'the cooperation mode of the latest assignment in force',
    },
    basisParameter('out', 'the basis of the latest assignment in force'),
    {
      name: 'reason',
      use: 'out',
      min: 0,
      max: '1',
      type: 'CodeableConcept',
      documentation: 'why the latest assignment in force was made',
    },
  ],
};

/** The OperationDefinitions of the tasks service's operations. */
export const TASK_OPERATION_DEFINITIONS: readonly OperationDefinition[] = [
  TRANSFER_OPERATION_DEFINITION,
  RESPONSIBILITY_OPERATION_DEFINITION,
];
