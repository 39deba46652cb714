import { describe, it } from '@jest/globals';
import type { ProfessionalActor } from '@carenet/access';
import { BusinessRuleError, ForbiddenError } from '@carenet/eventsourcing';
import { deciderSpecification } from '@carenet/testing';
import { taskDecider, type TaskCommand, type TransitionCommandType } from '../src/task/index.js';
import {
  ADMIN,
  AFTER_DUE,
  CLOCK,
  createTask,
  CREATED,
  DETAILS,
  DUE,
  EHR,
  GP,
  historyOf,
  LATER,
  NURSE_1,
  NURSE_2,
  party,
  PHARMACIST,
  REASON,
  run,
  SSIAD,
  TASK_ID,
  transition,
} from './support/task-fixtures.js';

const spec = deciderSpecification(taskDecider);
const fact = (by: TaskCommand['actor'], at = LATER) => ({ taskId: TASK_ID, by, at });

describe('who may do what', () => {
  const ownerCommands: [TransitionCommandType, Parameters<typeof historyOf>[0]][] = [
    ['ReceiveTask', 'requested'],
    ['AcceptTask', 'requested'],
    ['RejectTask', 'received'],
    ['StartTask', 'accepted'],
    ['PutTaskOnHold', 'in-progress'],
    ['ResumeTask', 'on-hold'],
    ['CompleteTask', 'in-progress'],
    ['FailTask', 'in-progress'],
  ];

  it.each(ownerCommands)(
    'only the owner issues %s (the requester, another nurse, an admin system may not)',
    (type, from) => {
      for (const actor of [GP, NURSE_2, ADMIN]) {
        spec
          .given(historyOf(from))
          .when({ ...transition(type), actor })
          .thenThrows(ForbiddenError);
      }
    },
  );

  const requesterCommands: [TransitionCommandType, Parameters<typeof historyOf>[0]][] = [
    ['SubmitTask', 'draft'],
    ['CancelTask', 'requested'],
    ['CancelTask', 'in-progress'],
  ];

  it.each(requesterCommands)('only the requester issues %s (from %s)', (type, from) => {
    for (const actor of [NURSE_1, ADMIN]) {
      spec
        .given(historyOf(from))
        .when({ ...transition(type), actor })
        .thenThrows(ForbiddenError);
    }
  });

  it('only the requester changes the request', () => {
    spec
      .given(historyOf('requested'))
      .when({
        type: 'ChangeTaskDetails',
        actor: NURSE_1,
        now: LATER,
        details: { ...DETAILS, priority: 'urgent' },
      })
      .thenThrows(ForbiddenError);
  });

  it('only the requester reassigns the owner', () => {
    spec
      .given(historyOf('requested'))
      .when({ type: 'ChangeTaskOwner', actor: NURSE_1, now: LATER, owner: party(NURSE_2) })
      .thenThrows(ForbiddenError);
  });

  it('an administrator system marks a task entered-in-error', () => {
    spec
      .given(historyOf('completed'))
      .when({ type: 'MarkTaskEnteredInError', actor: ADMIN, now: LATER })
      .then([{ type: 'TaskEnteredInError', data: { ...fact(ADMIN), previousStatus: 'completed' } }]);
  });

  it('neither the owner nor a system without administrator marks it entered-in-error', () => {
    for (const actor of [NURSE_1, EHR]) {
      spec
        .given(historyOf('requested'))
        .when({ type: 'MarkTaskEnteredInError', actor, now: LATER })
        .thenThrows(ForbiddenError);
    }
  });

  it('a professional acting for an owning organisation acts as the owner', () => {
    const ssiadNurse: ProfessionalActor = { ...NURSE_2, organization: SSIAD.identifier };
    const given = run([createTask({ owner: SSIAD })]);
    spec
      .given(given)
      .when({ type: 'AcceptTask', actor: ssiadNurse, now: LATER })
      .then([{ type: 'TaskAccepted', data: fact(ssiadNurse) }]);
    spec.given(given).when({ type: 'AcceptTask', actor: NURSE_2, now: LATER }).thenThrows(ForbiddenError);
  });

  it('a task is created by its requester or by a system on the requester’s behalf, not by someone else', () => {
    spec
      .given([])
      .when(createTask({ actor: NURSE_2 }))
      .thenThrows(ForbiddenError);
    const [created] = run([createTask({ actor: EHR })]);
    spec
      .given([])
      .when(createTask({ actor: EHR }))
      .then([created!]);
  });

  it('only a system reports a task overdue', () => {
    spec
      .given(historyOf('requested'))
      .when({ type: 'MarkTaskOverdue', actor: GP, now: AFTER_DUE })
      .thenThrows(ForbiddenError);
  });
});

describe('statusReason', () => {
  it.each([
    ['RejectTask', 'requested'],
    ['FailTask', 'in-progress'],
    ['CancelTask', 'accepted'],
  ] as const)('%s without a statusReason is refused', (type, from) => {
    for (const reason of [undefined, { text: '  ' }, { coding: [] }]) {
      const command = { type, actor: type === 'CancelTask' ? GP : NURSE_1, now: LATER };
      spec
        .given(historyOf(from))
        .when(reason === undefined ? command : { ...command, reason })
        .thenThrows(BusinessRuleError, { rule: 'task-status-reason-required' });
    }
  });

  it('a coded reason is enough', () => {
    const reason = { coding: [{ system: 'http://example.org/reasons', code: 'no-capacity' }] };
    spec
      .given(historyOf('requested'))
      .when({ type: 'RejectTask', actor: NURSE_1, now: LATER, reason })
      .then([{ type: 'TaskRejected', data: { ...fact(NURSE_1), reason } }]);
  });
});

describe('the request', () => {
  const urgent = { ...DETAILS, priority: 'urgent' as const, description: 'twice a day' };

  it('changes while not accepted: the new values and the removed elements', () => {
    const { restrictionPeriod: _removed, ...withoutDue } = urgent;
    spec
      .given(historyOf('received'))
      .when({ type: 'ChangeTaskDetails', actor: GP, now: LATER, details: withoutDue })
      .then([
        {
          type: 'TaskDetailsChanged',
          data: {
            ...fact(GP),
            changed: { priority: 'urgent', description: 'twice a day' },
            removed: ['restrictionPeriod'],
          },
        },
      ]);
  });

  it.each(['accepted', 'ready', 'in-progress', 'on-hold'] as const)('is immutable once %s', (status) => {
    spec
      .given(historyOf(status))
      .when({ type: 'ChangeTaskDetails', actor: GP, now: LATER, details: urgent })
      .thenThrows(BusinessRuleError, { rule: 'task-immutable-after-acceptance' });
  });

  it('an update that changes nothing of it is no change, even after acceptance', () => {
    spec
      .given(historyOf('accepted'))
      .when({ type: 'ChangeTaskDetails', actor: GP, now: LATER, details: DETAILS })
      .then([]);
  });

  it('does not change on a finished task', () => {
    spec
      .given(historyOf('rejected'))
      .when({ type: 'ChangeTaskDetails', actor: GP, now: LATER, details: urgent })
      .thenThrows(BusinessRuleError, { rule: 'task-finished' });
  });
});

describe('creation rules', () => {
  it('a task exists once', () => {
    spec
      .given(historyOf('requested'))
      .when(createTask())
      .thenThrows(BusinessRuleError, { rule: 'task-already-exists' });
  });

  it('commands on a task that does not exist are refused', () => {
    spec.given([]).when(transition('AcceptTask')).thenThrows(BusinessRuleError, { rule: 'task-not-created' });
  });

  it('a requested or ready task has an owner; a draft may wait for one', () => {
    const { owner: _owner, ...withoutOwner } = createTask();
    spec.given([]).when(withoutOwner).thenThrows(BusinessRuleError, { rule: 'task-owner-required' });
    spec
      .given([])
      .when({ ...withoutOwner, status: 'ready' })
      .thenThrows(BusinessRuleError, { rule: 'task-owner-required' });
    const drafted = run([{ ...withoutOwner, status: 'draft' }]);
    spec
      .given(drafted)
      .when(transition('SubmitTask'))
      .thenThrows(BusinessRuleError, { rule: 'task-owner-required' });
  });

  it('sharing names a co-owner; other modes do not', () => {
    spec
      .given([])
      .when(createTask({ mode: 'sharing' }))
      .thenThrows(BusinessRuleError, { rule: 'task-co-owner-required' });
    spec
      .given([])
      .when(createTask({ coOwner: party(PHARMACIST) }))
      .thenThrows(BusinessRuleError, { rule: 'task-co-owner-only-for-sharing' });
  });

  it('transfer says whether responsibility moves; other modes do not', () => {
    spec
      .given([])
      .when(createTask({ mode: 'transfer' }))
      .thenThrows(BusinessRuleError, { rule: 'task-responsibility-moves-required' });
    spec
      .given([])
      .when(createTask({ responsibilityMoves: true }))
      .thenThrows(BusinessRuleError, { rule: 'task-responsibility-moves-only-for-transfer' });
  });
});

describe('reassigning the owner', () => {
  it('the requester reassigns a requested task: the new owner performs', () => {
    const [changed] = run(
      [{ type: 'ChangeTaskOwner', actor: GP, now: LATER, owner: party(NURSE_2) }],
      historyOf('requested'),
    ).slice(-1);
    spec
      .given(historyOf('requested'))
      .when({ type: 'ChangeTaskOwner', actor: GP, now: LATER, owner: party(NURSE_2) })
      .then([
        {
          type: 'TaskOwnerChanged',
          data: {
            ...fact(GP),
            previousOwner: party(NURSE_1),
            owner: party(NURSE_2),
            assignments: [
              {
                holder: party(NURSE_2),
                role: 'performer',
                mode: 'delegation',
                basis: { kind: 'care-plan', reference: 'CarePlan/ppcs-1' },
                validFrom: LATER,
                reason: { text: 'owner changed by the requester' },
                recordedBy: GP,
                recordedAt: LATER,
              },
            ],
          },
        },
      ]);
    const given = [...historyOf('requested'), changed!];
    spec.given(given).when(transition('AcceptTask')).thenThrows(ForbiddenError);
    spec
      .given(given)
      .when({ type: 'AcceptTask', actor: NURSE_2, now: LATER })
      .then([{ type: 'TaskAccepted', data: fact(NURSE_2) }]);
  });

  it('is no longer possible once received (use $transfer)', () => {
    spec
      .given(historyOf('received'))
      .when({ type: 'ChangeTaskOwner', actor: GP, now: LATER, owner: party(NURSE_2) })
      .thenThrows(BusinessRuleError, { rule: 'task-owner-change-after-receipt' });
  });
});

describe('overdue', () => {
  it('a task past its due date and not finished is overdue, once', () => {
    spec
      .given(historyOf('in-progress'))
      .when({ type: 'MarkTaskOverdue', actor: CLOCK, now: AFTER_DUE })
      .then([{ type: 'TaskOverdue', data: { ...fact(CLOCK, AFTER_DUE), due: DUE, status: 'in-progress' } }]);
    const overdue = run(
      [{ type: 'MarkTaskOverdue', actor: CLOCK, now: AFTER_DUE }],
      historyOf('in-progress'),
    );
    spec.given(overdue).when({ type: 'MarkTaskOverdue', actor: CLOCK, now: AFTER_DUE }).then([]);
  });

  it.each(['completed', 'cancelled', 'failed', 'rejected', 'entered-in-error'] as const)(
    'a %s task is never overdue',
    (status) => {
      spec.given(historyOf(status)).when({ type: 'MarkTaskOverdue', actor: CLOCK, now: AFTER_DUE }).then([]);
    },
  );

  it('not before its due date, nor without one', () => {
    spec
      .given(historyOf('requested'))
      .when({ type: 'MarkTaskOverdue', actor: CLOCK, now: DUE })
      .thenThrows(BusinessRuleError, { rule: 'task-not-overdue' });
    const { restrictionPeriod: _due, ...noDue } = DETAILS;
    spec
      .given(run([createTask({ details: noDue })]))
      .when({ type: 'MarkTaskOverdue', actor: CLOCK, now: AFTER_DUE })
      .thenThrows(BusinessRuleError, { rule: 'task-not-overdue' });
  });

  it('a new due date set before acceptance may fall due again', () => {
    const later = '2026-06-10T18:00:00.000Z';
    const history = run(
      [
        { type: 'MarkTaskOverdue', actor: CLOCK, now: AFTER_DUE },
        {
          type: 'ChangeTaskDetails',
          actor: GP,
          now: AFTER_DUE,
          details: { ...DETAILS, restrictionPeriod: { end: later } },
        },
      ],
      historyOf('requested'),
    );
    spec
      .given(history)
      .when({ type: 'MarkTaskOverdue', actor: CLOCK, now: '2026-06-11T08:00:00.000Z' })
      .then([
        {
          type: 'TaskOverdue',
          data: { ...fact(CLOCK, '2026-06-11T08:00:00.000Z'), due: later, status: 'requested' },
        },
      ]);
  });
});

describe('creation event', () => {
  it('carries the full content and the initial assignments', () => {
    spec
      .given([])
      .when(createTask())
      .then([
        {
          type: 'TaskRequested',
          data: {
            ...fact(GP, CREATED),
            task: {
              ...DETAILS,
              intent: 'order',
              mode: 'delegation',
              for: createTask().for,
              requester: party(GP),
              owner: party(NURSE_1),
              authoredOn: CREATED,
            },
            assignments: (['accountable', 'performer'] as const).map((role) => ({
              holder: role === 'accountable' ? party(GP) : party(NURSE_1),
              role,
              mode: 'delegation' as const,
              basis: { kind: 'care-plan' as const, reference: 'CarePlan/ppcs-1' },
              validFrom: CREATED,
              reason: { text: 'task created (delegation)' },
              recordedBy: GP,
              recordedAt: CREATED,
            })),
          },
        },
      ]);
  });

  it('uses REASON in cancellation', () => {
    spec
      .given(historyOf('draft'))
      .when(transition('CancelTask'))
      .then([{ type: 'TaskCancelled', data: { ...fact(GP), reason: REASON } }]);
  });
});
