import type { Actor } from '@carenet/access';
import type { Parameters, ParametersParameter } from 'fhir/r4.js';
import {
  AGREEMENT_METHODS,
  type AgreedBy,
  type RecordPatientAgreement,
  type Representative,
  type ValidateCarePlan,
} from '../../care-plan/index.js';
import { optional } from '../shared/optional.js';
import { ValidationIssues } from '@carenet/eventsourcing';

const at = (name: string): string => `Parameters.parameter[${name}]`;

/** The parameters by name; unknown or repeated names are issues. */
function byName<N extends string>(
  parameters: Parameters | undefined,
  names: readonly N[],
  operation: string,
  issues: ValidationIssues,
): Map<N, ParametersParameter> {
  const found = new Map<N, ParametersParameter>();
  for (const parameter of parameters?.parameter ?? []) {
    const name = names.find((candidate) => candidate === parameter.name);
    if (name === undefined) {
      issues.add(at(parameter.name), `is not a parameter of ${operation} (${names.join(', ')})`);
    } else if (found.has(name)) issues.add(at(name), 'is given more than once');
    else found.set(name, parameter);
  }
  return found;
}

function noteOf(parameter: ParametersParameter | undefined, issues: ValidationIssues): string | undefined {
  if (parameter === undefined) return undefined;
  if (parameter.valueString === undefined) issues.add(at('note'), 'is a valueString');
  return parameter.valueString;
}

/**
 * The ValidateCarePlan of a `$validate-plan` call (OperationDefinition VALIDATE_PLAN_OPERATION):
 * the médecin traitant (the actor) validates the current actions. Parameters, all optional:
 * `note` (valueString). No body is no parameter. Invalid parameters are one ValidationError,
 * paths `Parameters.parameter[<name>]`. Who may validate is the decider's.
 */
export function validatePlanCommand(
  parameters: Parameters | undefined,
  input: { readonly actor: Actor; readonly now: string },
): ValidateCarePlan {
  const issues = new ValidationIssues();
  const given = byName(parameters, ['note'] as const, '$validate-plan', issues);
  const note = noteOf(given.get('note'), issues);
  issues.throwIfAny();
  return { type: 'ValidateCarePlan', actor: input.actor, now: input.now, ...optional('note', note) };
}

const AGREED_BY: readonly AgreedBy[] = ['patient', 'representative'];
const REPRESENTATIVE_PARTS = ['name', 'relationship'] as const;

function representativeOf(
  parameter: ParametersParameter,
  issues: ValidationIssues,
): Representative | undefined {
  const path = at('representative');
  const parts = new Map<string, string | undefined>();
  let valid = true;
  for (const part of parameter.part ?? []) {
    const name = REPRESENTATIVE_PARTS.find((candidate) => candidate === part.name);
    if (name === undefined) {
      issues.add(
        `${path}.part[${part.name}]`,
        `is not a part of representative (${REPRESENTATIVE_PARTS.join(', ')})`,
      );
      valid = false;
    } else if (parts.has(name)) {
      issues.add(`${path}.part[${name}]`, 'is given more than once');
      valid = false;
    } else parts.set(name, part.valueString);
  }
  for (const name of REPRESENTATIVE_PARTS) {
    const value = parts.get(name);
    if (value === undefined || value.trim() === '') {
      issues.add(
        `${path}.part[${name}]`,
        name === 'name'
          ? 'is required: a valueString, the name of the representative'
          : 'is required: a valueString, their relationship to the patient (legal guardian, trusted person…)',
      );
      valid = false;
    }
  }
  const name = parts.get('name');
  const relationship = parts.get('relationship');
  return valid && name !== undefined && relationship !== undefined ? { name, relationship } : undefined;
}

function codeOf<C extends string>(
  parameter: ParametersParameter | undefined,
  name: string,
  codes: readonly C[],
  issues: ValidationIssues,
): C | undefined {
  if (parameter === undefined) {
    issues.add(at(name), `is required: a valueCode, one of ${codes.join(', ')}`);
    return;
  }
  const code = codes.find((candidate) => candidate === parameter.valueCode);
  if (code === undefined) issues.add(at(name), `is a valueCode, one of ${codes.join(', ')}`);
  return code;
}

/**
 * The RecordPatientAgreement of a `$record-agreement` call (OperationDefinition
 * RECORD_AGREEMENT_OPERATION): the patient's (or their representative's) agreement to the
 * current actions. Parameters:
 * - `agreedBy` (valueCode patient | representative, required);
 * - `representative` (parts `name` and `relationship`, valueString each): with agreedBy
 *   representative only (when it is missing there, the decider refuses:
 *   `care-plan-representative-required`);
 * - `method` (valueCode oral | written | electronic, required);
 * - `note` (valueString, optional).
 * Missing or invalid parameters are one ValidationError, paths `Parameters.parameter[<name>]`
 * (`Parameters.parameter[representative].part[name]` for a part).
 */
export function recordAgreementCommand(
  parameters: Parameters | undefined,
  input: { readonly actor: Actor; readonly now: string },
): RecordPatientAgreement {
  const issues = new ValidationIssues();
  const given = byName(
    parameters,
    ['agreedBy', 'representative', 'method', 'note'] as const,
    '$record-agreement',
    issues,
  );
  const agreedBy = codeOf(given.get('agreedBy'), 'agreedBy', AGREED_BY, issues);
  const method = codeOf(given.get('method'), 'method', AGREEMENT_METHODS, issues);
  const representativeParameter = given.get('representative');
  if (representativeParameter !== undefined && agreedBy === 'patient') {
    issues.add(at('representative'), 'is given only when agreedBy is representative');
  }
  const representative =
    representativeParameter === undefined ? undefined : representativeOf(representativeParameter, issues);
  const note = noteOf(given.get('note'), issues);
  issues.throwIfAny();
  if (agreedBy === undefined || method === undefined) return issues.fail();
  return {
    type: 'RecordPatientAgreement',
    actor: input.actor,
    now: input.now,
    agreedBy,
    ...optional('representative', representative),
    method,
    ...optional('note', note),
  };
}
