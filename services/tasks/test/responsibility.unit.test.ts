import { describe, expect, it } from '@jest/globals';
import { BusinessRuleError, ForbiddenError, fold } from '@carenet/eventsourcing';
import { deciderSpecification } from '@carenet/testing';
import {
  ledgerKeepsInvariant,
  recordAssignments,
  responsibilityAt,
  taskDecider,
  type Party,
  type ResponsibilityAssignment,
  type TaskEvent,
  type TransferTask,
} from '../src/task/index.js';
import {
  COORDINATOR,
  createTask,
  CREATED,
  DETAILS,
  GP,
  historyOf,
  LATER,
  NURSE_1,
  NURSE_2,
  party,
  PHARMACIST,
  run,
  TASK_ID,
  transition,
} from './support/task-fixtures.js';

const spec = deciderSpecification(taskDecider);
const LEAVE = { text: 'leave' };

function at(events: readonly TaskEvent[], instant: string) {
  const answer = responsibilityAt(fold(taskDecider, events), instant);
  return answer === undefined
    ? undefined
    : {
        accountable: answer.accountable,
        performer: answer.performer,
        mode: answer.mode,
        reason: answer.reason,
      };
}

function transferTo(to: Party, overrides: Partial<TransferTask> = {}): TransferTask {
  return {
    type: 'TransferTask',
    actor: NURSE_1,
    now: LATER,
    to,
    reason: LEAVE,
    responsibilityMoves: false,
    ...overrides,
  };
}

describe('delegation', () => {
  it('keeps the requester accountable; the owner performs', () => {
    const events = historyOf('in-progress');
    expect(at(events, LATER)).toEqual({
      accountable: [party(GP)],
      performer: party(NURSE_1),
      mode: 'delegation',
      reason: { text: 'task created (delegation)' },
    });
    expect(responsibilityAt(fold(taskDecider, events), LATER)?.basis).toEqual({
      kind: 'care-plan',
      reference: 'CarePlan/ppcs-1',
    });
  });

  it('under a protocol, the basis is the protocol', () => {
    const protocol = 'https://carenet.example.org/fhir/PlanDefinition/renewal|2';
    const events = run([createTask({ details: { ...DETAILS, instantiatesCanonical: protocol } })]);
    expect(responsibilityAt(fold(taskDecider, events), LATER)?.basis).toEqual({
      kind: 'protocol',
      reference: protocol,
    });
  });

  it('answers nothing before the task existed', () => {
    expect(
      responsibilityAt(fold(taskDecider, historyOf('requested')), '2026-05-01T00:00:00Z'),
    ).toBeUndefined();
    expect(responsibilityAt(fold(taskDecider, []), LATER)).toBeUndefined();
  });
});

describe('transfer (mode)', () => {
  it('moves accountability to the owner when responsibility moves', () => {
    const events = run([createTask({ mode: 'transfer', responsibilityMoves: true })]);
    expect(at(events, LATER)).toMatchObject({ accountable: [party(NURSE_1)], performer: party(NURSE_1) });
  });

  it('keeps the requester accountable when it does not', () => {
    const events = run([createTask({ mode: 'transfer', responsibilityMoves: false })]);
    expect(at(events, LATER)).toMatchObject({ accountable: [party(GP)], performer: party(NURSE_1) });
  });

  it('a draft without owner stays with the requester until an owner is named', () => {
    const { owner: _owner, ...draft } = createTask({
      status: 'draft',
      mode: 'transfer',
      responsibilityMoves: true,
    });
    const drafted = run([draft]);
    expect(at(drafted, LATER)).toMatchObject({ accountable: [party(GP)], performer: undefined });
    const named = run([{ type: 'ChangeTaskOwner', actor: GP, now: LATER, owner: party(NURSE_1) }], drafted);
    expect(at(named, LATER)).toMatchObject({ accountable: [party(NURSE_1)], performer: party(NURSE_1) });
    expect(at(named, CREATED)).toMatchObject({ accountable: [party(GP)] });
  });
});

describe('sharing', () => {
  it('makes the requester and the co-owner both accountable', () => {
    const events = run([createTask({ mode: 'sharing', coOwner: party(PHARMACIST) })]);
    expect(at(events, LATER)).toMatchObject({
      accountable: [party(GP), party(PHARMACIST)],
      performer: party(NURSE_1),
    });
  });

  it('refuses a co-owner who is the requester (two distinct accountable parties)', () => {
    spec
      .given([])
      .when(createTask({ mode: 'sharing', coOwner: party(GP) }))
      .thenThrows(BusinessRuleError, { rule: 'responsibility-invariant' });
  });

  it('a transfer moving responsibility moves the share of the party handing over', () => {
    const events = run(
      [transferTo(party(NURSE_2), { responsibilityMoves: true })],
      run([createTask({ mode: 'sharing', coOwner: party(NURSE_1) })]),
    );
    expect(at(events, LATER)).toMatchObject({
      accountable: [party(GP), party(NURSE_2)],
      performer: party(NURSE_2),
    });
  });

  it('refuses a transfer that would merge the two accountable parties', () => {
    spec
      .given(run([createTask({ mode: 'sharing', coOwner: party(NURSE_1) })]))
      .when(transferTo(party(GP), { responsibilityMoves: true }))
      .thenThrows(BusinessRuleError, { rule: 'responsibility-invariant' });
  });
});

describe('distribution', () => {
  const parent = createTask({
    taskId: 'ppcs-actions',
    actor: COORDINATOR,
    requester: party(COORDINATOR),
    owner: party(COORDINATOR),
    mode: 'distribution',
  });

  it('the distributor is accountable for the split (parent task)', () => {
    expect(at(run([parent]), LATER)).toMatchObject({
      accountable: [party(COORDINATOR)],
      mode: 'distribution',
    });
  });

  it('each owner is accountable for its part (child task)', () => {
    const child = createTask({
      actor: COORDINATOR,
      requester: party(COORDINATOR),
      owner: party(NURSE_1),
      mode: 'distribution',
      partOf: 'ppcs-actions',
    });
    expect(at(run([child]), LATER)).toMatchObject({
      accountable: [party(NURSE_1)],
      performer: party(NURSE_1),
    });
  });
});

describe('$transfer', () => {
  it('without responsibility moving: the new owner performs, the requester stays accountable', () => {
    const events = run([transferTo(party(NURSE_2))], historyOf('accepted'));
    expect(at(events, LATER)).toEqual({
      accountable: [party(GP)],
      performer: party(NURSE_2),
      mode: 'transfer',
      reason: LEAVE,
    });
    expect(at(events, CREATED)).toMatchObject({ accountable: [party(GP)], performer: party(NURSE_1) });
  });

  it('with responsibility moving: the new owner answers for it from then on', () => {
    const events = run([transferTo(party(NURSE_2), { responsibilityMoves: true })], historyOf('in-progress'));
    expect(at(events, LATER)).toMatchObject({ accountable: [party(NURSE_2)], performer: party(NURSE_2) });
    expect(at(events, CREATED)).toMatchObject({ accountable: [party(GP)], performer: party(NURSE_1) });
    expect(at(events, '2030-01-01T00:00:00Z')).toMatchObject({ accountable: [party(NURSE_2)] });
  });

  it('records the earlier open-ended assignments as ended (validTo)', () => {
    const events = run([transferTo(party(NURSE_2), { responsibilityMoves: true })], historyOf('in-progress'));
    const state = fold(taskDecider, events);
    if (!state.exists) throw new TypeError('no task');
    expect(
      state.responsibility.map(({ holder, role, validTo }) => [holder.identifier.value, role, validTo]),
    ).toEqual([
      ['810000000001', 'accountable', LATER],
      ['860000000001', 'performer', LATER],
      ['860000000002', 'performer', undefined],
      ['860000000002', 'accountable', undefined],
    ]);
  });

  it('may be asked by an accountable party, not by a stranger', () => {
    spec
      .given(historyOf('accepted'))
      .when(transferTo(party(NURSE_2), { actor: GP }))
      .then(run([transferTo(party(NURSE_2), { actor: GP })], historyOf('accepted')).slice(-1));
    spec
      .given(historyOf('accepted'))
      .when(transferTo(party(NURSE_2), { actor: PHARMACIST }))
      .thenThrows(ForbiddenError);
  });

  it('refuses a transfer to the performing party, of a draft, of a finished task', () => {
    spec
      .given(historyOf('accepted'))
      .when(transferTo(party(NURSE_1)))
      .thenThrows(BusinessRuleError, { rule: 'transfer-same-owner' });
    spec
      .given(historyOf('draft'))
      .when(transferTo(party(NURSE_2), { actor: GP }))
      .thenThrows(BusinessRuleError, { rule: 'transfer-from-draft' });
    spec
      .given(historyOf('completed'))
      .when(transferTo(party(NURSE_2)))
      .thenThrows(BusinessRuleError, { rule: 'task-finished' });
  });

  it('refuses a retroactive period and a period ending before it starts', () => {
    spec
      .given(historyOf('accepted'))
      .when(transferTo(party(NURSE_2), { period: { start: CREATED } }))
      .thenThrows(BusinessRuleError, { rule: 'transfer-retroactive' });
    spec
      .given(historyOf('accepted'))
      .when(
        transferTo(party(NURSE_2), {
          period: { start: '2026-06-15T00:00:00Z', end: '2026-06-01T00:00:00Z' },
        }),
      )
      .thenThrows(BusinessRuleError, { rule: 'transfer-period-invalid' });
  });
});

describe('S4: leave leads to a transfer', () => {
  // N1 owns her part of a PPCS distributed by coordinator C: she answers for it. She is on
  // leave 1–15 June; on 25 May her open task goes to N2 for that period (mode transfer,
  // reason leave, responsibility moves).
  const recorded = '2026-05-25T09:00:00.000Z';
  const leave = { start: '2026-06-01T00:00:00.000Z', end: '2026-06-16T00:00:00.000Z' };
  const nurseTask = run([
    createTask({
      actor: COORDINATOR,
      requester: party(COORDINATOR),
      owner: party(NURSE_1),
      mode: 'distribution',
      partOf: 'ppcs-actions',
    }),
    { ...transition('AcceptTask'), now: LATER },
  ]);
  const transfer = transferTo(party(NURSE_2), { now: recorded, responsibilityMoves: true, period: leave });
  const events = run([transfer], nurseTask);

  it('records the transfer for the period', () => {
    const assignment = (role: 'accountable' | 'performer'): ResponsibilityAssignment => ({
      holder: party(NURSE_2),
      role,
      mode: 'transfer',
      basis: { kind: 'care-plan', reference: 'CarePlan/ppcs-1' },
      validFrom: leave.start,
      validTo: leave.end,
      reason: LEAVE,
      recordedBy: NURSE_1,
      recordedAt: recorded,
    });
    spec
      .given(nurseTask)
      .when(transfer)
      .then([
        {
          type: 'ResponsibilityTransferred',
          data: {
            taskId: TASK_ID,
            by: NURSE_1,
            at: recorded,
            from: party(NURSE_1),
            to: party(NURSE_2),
            reason: LEAVE,
            responsibilityMoves: true,
            period: leave,
            basis: { kind: 'care-plan', reference: 'CarePlan/ppcs-1' },
            assignments: [assignment('performer'), assignment('accountable')],
          },
        },
      ]);
  });

  it('answers N1 before 1 June, N2 during 1–15 June, N1 again after', () => {
    const n1 = { accountable: [party(NURSE_1)], performer: party(NURSE_1), mode: 'distribution' };
    expect(at(events, '2026-05-31T23:59:59.999Z')).toMatchObject(n1);
    expect(at(events, leave.start)).toEqual({
      accountable: [party(NURSE_2)],
      performer: party(NURSE_2),
      mode: 'transfer',
      reason: LEAVE,
    });
    expect(at(events, '2026-06-15T12:00:00.000Z')).toMatchObject({ accountable: [party(NURSE_2)] });
    expect(at(events, leave.end)).toMatchObject(n1);
  });

  it('N2 performs during the leave, N1 before and after it', () => {
    const during = '2026-06-05T08:00:00.000Z';
    const after = '2026-06-20T08:00:00.000Z';
    spec
      .given(events)
      .when({ type: 'StartTask', actor: NURSE_2, now: during })
      .then([{ type: 'TaskStarted', data: { taskId: TASK_ID, by: NURSE_2, at: during } }]);
    spec.given(events).when({ type: 'StartTask', actor: NURSE_1, now: during }).thenThrows(ForbiddenError);
    spec.given(events).when({ type: 'StartTask', actor: NURSE_2, now: after }).thenThrows(ForbiddenError);
    spec
      .given(events)
      .when({ type: 'StartTask', actor: NURSE_1, now: after })
      .then([{ type: 'TaskStarted', data: { taskId: TASK_ID, by: NURSE_1, at: after } }]);
  });
});

describe('the invariant', () => {
  const base = {
    mode: 'delegation' as const,
    basis: { kind: 'agreement' as const },
    reason: { text: 'test' },
    recordedBy: GP,
    recordedAt: CREATED,
  };

  it('holds with one accountable party at every instant', () => {
    const ledger = recordAssignments(
      [],
      [{ ...base, holder: party(GP), role: 'accountable', validFrom: CREATED }],
    );
    expect(ledgerKeepsInvariant(ledger, 1)).toBe(true);
  });

  it('breaks with two accountable parties in a single-accountable mode, or with one for sharing', () => {
    const ledger = recordAssignments(
      [],
      [
        { ...base, holder: party(GP), role: 'accountable', validFrom: CREATED },
        { ...base, holder: party(NURSE_1), role: 'accountable', validFrom: CREATED },
      ],
    );
    expect(ledgerKeepsInvariant(ledger, 1)).toBe(false);
    expect(ledgerKeepsInvariant(ledger, 2)).toBe(true);
    expect(ledgerKeepsInvariant(recordAssignments([], [ledger[0]!]), 2)).toBe(false);
  });
});
