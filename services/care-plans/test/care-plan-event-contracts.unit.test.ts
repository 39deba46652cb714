import { describe, expect, it } from '@jest/globals';
import { joinSealed, loadContractRegistry } from '@carenet/contracts';
import { CARE_PLAN_EVENT_TYPES, type CarePlanCommand, type CarePlanEvent } from '../src/care-plan/index.js';
import {
  active,
  ADMIN,
  AFTER_REVIEW,
  AGREE,
  CLOCK,
  CONSUMER,
  COORDINATOR,
  D_PLUS_48H,
  DAILY_HELP,
  draftCommand,
  FALL_PREVENTION,
  LATER,
  linked,
  ORDINARY_CATEGORY,
  party,
  PHARMACIST,
  PLAN,
  revise,
  run,
  VALIDATE,
  WOUND_CARE,
} from './support/care-plan-fixtures.js';

const contracts = loadContractRegistry();
const V2 = '2026-05-25T09:00:00.000Z';

/** Events of every kind, as the decider produces them in the scenarios of the other tests. */
function producedEvents(): CarePlanEvent[] {
  const progress = (actionId: string, taskStatus: 'in-progress' | 'completed'): CarePlanCommand => ({
    type: 'RecordActionProgress',
    actor: CONSUMER,
    now: LATER,
    actionId,
    taskStatus,
    taskId: `task-${actionId}`,
    taskVersion: taskStatus === 'in-progress' ? 3 : 4,
  });
  const moved = { ...WOUND_CARE, performer: party(PHARMACIST), due: '2026-06-01T18:00:00.000Z' };
  const followed = run(
    [
      progress('wound-care', 'in-progress'),
      progress('wound-care', 'completed'),
      {
        type: 'RaiseActionOverdueAlert',
        actor: CONSUMER,
        now: '2026-05-22T10:00:00.000Z',
        actionId: 'med-reconciliation',
        taskId: 'task-med-reconciliation',
        due: D_PLUS_48H,
      },
      { type: 'RaiseReviewOverdueAlert', actor: CLOCK, now: AFTER_REVIEW },
      revise({ actions: [moved, DAILY_HELP, FALL_PREVENTION], reviewDate: '2026-07-19' }, V2),
      { ...VALIDATE, note: 'v2 ok' },
      {
        type: 'RecordPatientAgreement',
        actor: COORDINATOR,
        now: V2,
        agreedBy: 'representative',
        representative: { name: 'M. Y', relationship: 'son' },
        method: 'written',
        note: 'signed',
      },
      { type: 'SuspendCarePlan', actor: COORDINATOR, now: V2, reason: { text: 'hospitalised' } },
      { type: 'ResumeCarePlan', actor: COORDINATOR, now: V2 },
      { type: 'CompleteCarePlan', actor: COORDINATOR, now: V2, note: 'goals met' },
      { type: 'MarkCarePlanEnteredInError', actor: ADMIN, now: V2, reason: { text: 'wrong patient' } },
    ],
    linked(),
  );
  const {
    coordinator: _c,
    medecinTraitant: _m,
    reviewDate: _r,
    ...ordinary
  } = {
    ...PLAN,
    category: [ORDINARY_CATEGORY],
  };
  return [
    ...followed,
    ...run(
      [{ type: 'RevokeCarePlan', actor: COORDINATOR, now: LATER, reason: { text: 'moved away' } }],
      active(),
    ),
    ...run([
      draftCommand({ carePlanId: 'ordinary-1', plan: ordinary }),
      { type: 'ActivateCarePlan', actor: COORDINATOR, now: LATER },
    ]),
    ...run([draftCommand(), AGREE]),
  ];
}

describe('every CarePlan event validates against its contract', () => {
  const events = producedEvents();

  it('the scenarios produce every event type', () => {
    expect(new Set(events.map((event) => event.type))).toEqual(new Set(CARE_PLAN_EVENT_TYPES));
  });

  it.each(CARE_PLAN_EVENT_TYPES)('%s.v1 has a contract', (type) => {
    expect(contracts.get(`carenet.care-plans.${type}.v1`)).toBeDefined();
  });

  it('each produced event is valid', () => {
    for (const event of events) {
      expect({
        type: event.type,
        result: contracts.validate(`carenet.care-plans.${event.type}.v1`, event.data),
      }).toEqual({ type: event.type, result: { ok: true } });
    }
  });

  it('what each event publishes in clear (its sealed personal data out) is valid too, and the sealed values restore it', () => {
    for (const event of events) {
      const ceType = `carenet.care-plans.${event.type}.v1`;
      const { clear, sealed } = contracts.splitSealed(ceType, event.data);
      expect({ type: event.type, result: contracts.validate(ceType, clear) }).toEqual({
        type: event.type,
        result: { ok: true },
      });
      expect(joinSealed(clear, sealed)).toEqual(event.data);
    }
  });

  it('a contract refuses data that misses what the fact needs', () => {
    const scheduled = events.find((event) => event.type === 'CarePlanActionsScheduled');
    const { coordinator: _coordinator, ...withoutCoordinator } = scheduled!.data as Record<string, unknown>;
    expect(contracts.validate('carenet.care-plans.CarePlanActionsScheduled.v1', withoutCoordinator).ok).toBe(
      false,
    );
    const revoked = events.find((event) => event.type === 'CarePlanRevoked');
    const { reason: _reason, ...withoutReason } = revoked!.data as Record<string, unknown>;
    expect(contracts.validate('carenet.care-plans.CarePlanRevoked.v1', withoutReason).ok).toBe(false);
  });
});
