import { describe, expect, it } from '@jest/globals';
import type { Parameters } from 'fhir/r4.js';
import {
  COOPERATION_MODE_SYSTEM,
  RESPONSIBILITY_OPERATION,
  responsibilityParameters,
  TRANSFER_OPERATION,
  transferTaskCommand,
} from '../src/fhir/index.js';
import { responsibilityAt } from '../src/task/index.js';
import { expectValidR4, IDNPS, stateAfter, validationIssues } from './support/fhir-task-fixtures.js';
import { createTask, GP, LATER, NURSE_1, NURSE_2, party, transition } from './support/task-fixtures.js';

const input = { actor: NURSE_1, now: LATER };
const N2 = { type: 'Practitioner', identifier: { system: IDNPS, value: '860000000002' }, display: 'N2' };
const LEAVE = { start: '2026-06-01T00:00:00.000Z', end: '2026-06-16T00:00:00.000Z' };

function parameters(...parameter: NonNullable<Parameters['parameter']>): Parameters {
  return { resourceType: 'Parameters', parameter };
}

const leave = parameters(
  { name: 'owner', valueReference: N2 },
  { name: 'reason', valueCodeableConcept: { text: 'leave' } },
  { name: 'period', valuePeriod: LEAVE },
  { name: 'responsibilityMoves', valueBoolean: true },
);

const paths = (body: Parameters | undefined, query = '') =>
  validationIssues(() => transferTaskCommand(body, new URLSearchParams(query), input)).map(
    (issue) => issue.path,
  );

describe('operation canonicals', () => {
  it('are under the carenet canonical base', () => {
    expect(TRANSFER_OPERATION).toBe('https://carenet.example.org/fhir/OperationDefinition/Task-transfer');
    expect(RESPONSIBILITY_OPERATION).toBe(
      'https://carenet.example.org/fhir/OperationDefinition/Task-responsibility',
    );
    expect(COOPERATION_MODE_SYSTEM).toBe('https://carenet.example.org/fhir/CodeSystem/cooperation-mode');
  });
});

describe('transferTaskCommand', () => {
  it('maps the Parameters of a transfer on leave (valid R4 Parameters)', () => {
    expectValidR4(leave);
    expect(transferTaskCommand(leave, new URLSearchParams(), input)).toEqual({
      type: 'TransferTask',
      actor: NURSE_1,
      now: LATER,
      to: { ...party(NURSE_2), type: 'Practitioner' },
      reason: { text: 'leave' },
      responsibilityMoves: true,
      period: LEAVE,
    });
  });

  it('takes the new owner by literal reference, kept as given', () => {
    const command = transferTaskCommand(
      parameters(
        { name: 'owner', valueReference: { reference: 'PractitionerRole/n2-leave', display: 'N2' } },
        { name: 'reason', valueString: 'leave' },
        { name: 'responsibilityMoves', valueBoolean: false },
      ),
      new URLSearchParams(),
      input,
    );
    expect(command.to).toEqual({
      kind: 'professional',
      identifier: {
        system: 'https://carenet.example.org/fhir/NamingSystem/literal-reference',
        value: 'PractitionerRole/n2-leave',
      },
      reference: 'PractitionerRole/n2-leave',
      display: 'N2',
    });
  });

  it('takes a valueString reason and a basis', () => {
    const command = transferTaskCommand(
      parameters(
        { name: 'owner', valueReference: N2 },
        { name: 'reason', valueString: 'leave' },
        { name: 'responsibilityMoves', valueBoolean: false },
        {
          name: 'basis',
          part: [
            {
              name: 'kind',
              valueCoding: {
                system: 'https://carenet.example.org/fhir/CodeSystem/responsibility-basis',
                code: 'agreement',
              },
            },
            { name: 'reference', valueString: 'agreement-7' },
          ],
        },
      ),
      new URLSearchParams(),
      input,
    );
    expect(command).toMatchObject({
      reason: { text: 'leave' },
      responsibilityMoves: false,
      basis: { kind: 'agreement', reference: 'agreement-7' },
    });
    expect(command.period).toBeUndefined();
  });

  it('reads the query when there is no body', () => {
    const query = `owner=${IDNPS}|860000000002&reason=leave&responsibilityMoves=true&period-start=${LEAVE.start}&period-end=${LEAVE.end}&basis=protocol|https://x/PlanDefinition/p&_format=json`;
    expect(transferTaskCommand(undefined, new URLSearchParams(query), input)).toEqual({
      type: 'TransferTask',
      actor: NURSE_1,
      now: LATER,
      to: { kind: 'professional', identifier: { system: IDNPS, value: '860000000002' } },
      reason: { text: 'leave' },
      responsibilityMoves: true,
      period: LEAVE,
      basis: { kind: 'protocol', reference: 'https://x/PlanDefinition/p' },
    });
  });

  it('requires owner, reason and responsibilityMoves', () => {
    expect(paths(parameters())).toEqual([
      'Parameters.parameter[owner]',
      'Parameters.parameter[reason]',
      'Parameters.parameter[responsibilityMoves]',
    ]);
    expect(paths(undefined)).toEqual([
      'Parameters.parameter[owner]',
      'Parameters.parameter[reason]',
      'Parameters.parameter[responsibilityMoves]',
    ]);
  });

  it('refuses invalid values, unknown and repeated parameters', () => {
    expect(
      paths(
        parameters(
          { name: 'owner', valueReference: { reference: 'Patient/1' } },
          { name: 'reason', valueBoolean: true },
          { name: 'responsibilityMoves', valueString: 'yes' },
          { name: 'period', valuePeriod: { start: 'soon' } },
          { name: 'period', valuePeriod: LEAVE },
          { name: 'newOwner', valueString: 'x' },
        ),
      ),
    ).toEqual([
      'Parameters.parameter[period]',
      'Parameters.parameter[newOwner]',
      'Parameters.parameter[reason]',
      'Parameters.parameter[responsibilityMoves]',
      'Parameters.parameter[owner].valueReference.reference',
      'Parameters.parameter[period].start',
    ]);
    expect(paths(undefined, 'owner=860000000002&reason=leave&responsibilityMoves=maybe')).toEqual([
      'Parameters.parameter[responsibilityMoves]',
      'Parameters.parameter[owner]',
    ]);
  });
});

describe('responsibilityParameters: scenario S4 (N1 on leave 1–15 June, N2 replaces her)', () => {
  const state = stateAfter([
    createTask({ mode: 'transfer', responsibilityMoves: true }),
    transition('AcceptTask'),
    transferTaskCommand(leave, new URLSearchParams(), input),
  ]);
  const answer = (at: string) => responsibilityParameters(responsibilityAt(state, at), at);
  const valueOf = (parameters: Parameters, name: string) =>
    parameters.parameter?.filter((parameter) => parameter.name === name);

  it('answers N1 before the leave', () => {
    const before = answer('2026-05-25T10:00:00.000Z');
    expectValidR4(before);
    expect(valueOf(before, 'accountable')?.map((p) => p.valueReference?.identifier?.value)).toEqual([
      '860000000001',
    ]);
    expect(valueOf(before, 'performer')?.[0]?.valueReference).toEqual({
      type: 'Practitioner',
      identifier: { system: IDNPS, value: '860000000001' },
      display: 'N1',
    });
  });

  it('answers N2 during the leave, with the mode, basis and reason', () => {
    const during = answer('2026-06-05T10:00:00.000Z');
    expectValidR4(during);
    expect(during).toEqual({
      resourceType: 'Parameters',
      parameter: [
        { name: 'at', valueInstant: '2026-06-05T10:00:00.000Z' },
        { name: 'accountable', valueReference: N2 },
        { name: 'performer', valueReference: N2 },
        {
          name: 'mode',
          valueCoding: { system: COOPERATION_MODE_SYSTEM, code: 'transfer', display: 'Transfer' },
        },
        {
          name: 'basis',
          part: [
            {
              name: 'kind',
              valueCoding: {
                system: 'https://carenet.example.org/fhir/CodeSystem/responsibility-basis',
                code: 'care-plan',
                display: 'Care plan',
              },
            },
            { name: 'reference', valueReference: { reference: 'CarePlan/ppcs-1' } },
          ],
        },
        { name: 'reason', valueCodeableConcept: { text: 'leave' } },
      ],
    });
  });

  it('answers N1 again after the leave', () => {
    const after = answer('2026-06-20T10:00:00.000Z');
    expect(valueOf(after, 'performer')?.[0]?.valueReference?.identifier?.value).toBe('860000000001');
  });

  it('answers only `at` before the task existed (nobody was responsible)', () => {
    const before = answer('2026-01-01T00:00:00.000Z');
    expect(before).toEqual({
      resourceType: 'Parameters',
      parameter: [{ name: 'at', valueInstant: '2026-01-01T00:00:00.000Z' }],
    });
    expectValidR4(before);
  });

  it('renders both accountable parties of a sharing, and a protocol basis as valueCanonical', () => {
    const sharing = stateAfter([
      createTask({
        mode: 'sharing',
        coOwner: party(NURSE_2),
        details: {
          code: { text: 'x' },
          basedOn: [],
          instantiatesCanonical: 'https://x/PlanDefinition/p|1',
          priority: 'routine',
          notes: [],
          inputs: [],
        },
      }),
    ]);
    const at = LATER;
    const result = responsibilityParameters(responsibilityAt(sharing, at), at);
    expectValidR4(result);
    expect(valueOf(result, 'accountable')?.map((p) => p.valueReference?.identifier?.value)).toEqual([
      party(GP).identifier.value,
      '860000000002',
    ]);
    expect(valueOf(result, 'basis')?.[0]?.part?.[1]).toEqual({
      name: 'reference',
      valueCanonical: 'https://x/PlanDefinition/p|1',
    });
  });
});
