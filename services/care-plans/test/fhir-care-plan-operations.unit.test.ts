// $validate-plan and $record-agreement parameters; the identifier of an action's Task.
import { describe, expect, it } from '@jest/globals';
import type { Parameters } from 'fhir/r4.js';
import {
  CARE_PLAN_ACTION_SYSTEM,
  carePlanActionIdentifier,
  parseCarePlanActionIdentifier,
  RECORD_AGREEMENT_OPERATION,
  recordAgreementCommand,
  VALIDATE_PLAN_OPERATION,
  validatePlanCommand,
} from '../src/fhir/care-plan/index.js';
import { GP, LATER, PATIENT_Y } from './support/care-plan-fixtures.js';
import { expectValidR4, issuePaths } from './support/fhir-care-plan-fixtures.js';

const parameters = (...parameter: NonNullable<Parameters['parameter']>): Parameters => ({
  resourceType: 'Parameters',
  parameter,
});

describe('the operations’ canonical URLs', () => {
  it('are under the carenet base', () => {
    expect(VALIDATE_PLAN_OPERATION).toBe(
      'https://carenet.example.org/fhir/OperationDefinition/CarePlan-validate-plan',
    );
    expect(RECORD_AGREEMENT_OPERATION).toBe(
      'https://carenet.example.org/fhir/OperationDefinition/CarePlan-record-agreement',
    );
  });
});

describe('validatePlanCommand ($validate-plan)', () => {
  const ISSUED = { actor: GP, now: LATER };

  it('takes no body, or an optional note', () => {
    expect(validatePlanCommand(undefined, ISSUED)).toEqual({ type: 'ValidateCarePlan', ...ISSUED });
    const body = parameters({ name: 'note', valueString: 'vu en consultation' });
    expectValidR4(body);
    expect(validatePlanCommand(body, ISSUED)).toEqual({
      type: 'ValidateCarePlan',
      ...ISSUED,
      note: 'vu en consultation',
    });
  });

  it('refuses unknown, repeated or mistyped parameters, with their paths', () => {
    expect(
      issuePaths(() =>
        validatePlanCommand(
          parameters({ name: 'validator', valueString: 'me' }, { name: 'note', valueCode: 'ok' }),
          ISSUED,
        ),
      ),
    ).toEqual(['Parameters.parameter[validator]', 'Parameters.parameter[note]']);
    expect(
      issuePaths(() =>
        validatePlanCommand(
          parameters({ name: 'note', valueString: 'a' }, { name: 'note', valueString: 'b' }),
          ISSUED,
        ),
      ),
    ).toEqual(['Parameters.parameter[note]']);
  });
});

describe('recordAgreementCommand ($record-agreement)', () => {
  const ISSUED = { actor: PATIENT_Y, now: LATER };

  it('reads the patient’s own agreement', () => {
    const body = parameters(
      { name: 'agreedBy', valueCode: 'patient' },
      { name: 'method', valueCode: 'oral' },
      { name: 'note', valueString: 'au domicile, en présence de C' },
    );
    expectValidR4(body);
    expect(recordAgreementCommand(body, ISSUED)).toEqual({
      type: 'RecordPatientAgreement',
      ...ISSUED,
      agreedBy: 'patient',
      method: 'oral',
      note: 'au domicile, en présence de C',
    });
  });

  it('reads a representative’s agreement with their name and relationship', () => {
    const body = parameters(
      { name: 'agreedBy', valueCode: 'representative' },
      {
        name: 'representative',
        part: [
          { name: 'name', valueString: 'Z' },
          { name: 'relationship', valueString: 'personne de confiance' },
        ],
      },
      { name: 'method', valueCode: 'written' },
    );
    expectValidR4(body);
    expect(recordAgreementCommand(body, ISSUED)).toEqual({
      type: 'RecordPatientAgreement',
      ...ISSUED,
      agreedBy: 'representative',
      representative: { name: 'Z', relationship: 'personne de confiance' },
      method: 'written',
    });
  });

  it('leaves a representative agreement without representative to the decider (a business rule)', () => {
    const body = parameters(
      { name: 'agreedBy', valueCode: 'representative' },
      { name: 'method', valueCode: 'oral' },
    );
    expect(recordAgreementCommand(body, ISSUED)).not.toHaveProperty('representative');
  });

  it('requires agreedBy and method: no body is two issues', () => {
    expect(issuePaths(() => recordAgreementCommand(undefined, ISSUED))).toEqual([
      'Parameters.parameter[agreedBy]',
      'Parameters.parameter[method]',
    ]);
  });

  it('refuses unknown codes, an incomplete representative, a representative of the patient themself', () => {
    expect(
      issuePaths(() =>
        recordAgreementCommand(
          parameters(
            { name: 'agreedBy', valueCode: 'neighbour' },
            { name: 'method', valueCode: 'telepathy' },
            {
              name: 'representative',
              part: [
                { name: 'name', valueString: 'Z' },
                { name: 'age', valueString: '40' },
              ],
            },
            { name: 'signature', valueString: 'x' },
          ),
          ISSUED,
        ),
      ),
    ).toEqual([
      'Parameters.parameter[signature]',
      'Parameters.parameter[agreedBy]',
      'Parameters.parameter[method]',
      'Parameters.parameter[representative].part[age]',
      'Parameters.parameter[representative].part[relationship]',
    ]);
    expect(
      issuePaths(() =>
        recordAgreementCommand(
          parameters(
            { name: 'agreedBy', valueCode: 'patient' },
            { name: 'method', valueCode: 'oral' },
            {
              name: 'representative',
              part: [
                { name: 'name', valueString: 'Z' },
                { name: 'relationship', valueString: 'fils' },
              ],
            },
          ),
          ISSUED,
        ),
      ),
    ).toEqual(['Parameters.parameter[representative]']);
  });
});

describe('the identifier of an action’s Task', () => {
  it('is <carePlanId>#<actionId> in the care-plan-action naming system, and reads back', () => {
    const identifier = carePlanActionIdentifier('ppcs-y-1', 'a2');
    expect(identifier).toEqual({
      system: 'https://carenet.example.org/fhir/NamingSystem/care-plan-action',
      value: 'ppcs-y-1#a2',
    });
    expect(identifier.system).toBe(CARE_PLAN_ACTION_SYSTEM);
    expect(parseCarePlanActionIdentifier(identifier.value)).toEqual({
      carePlanId: 'ppcs-y-1',
      actionId: 'a2',
    });
  });

  it.each(['ppcs-y-1', '#a2', 'ppcs-y-1#', 'ppcs-y-1#a#2', 'ppcs y#a2', `${'x'.repeat(65)}#a1`])(
    'reads %s as no action',
    (value) => {
      expect(parseCarePlanActionIdentifier(value)).toBeUndefined();
    },
  );
});
