import { describe, expect, it } from '@jest/globals';
import { joinSealed, loadContractRegistry } from '@carenet/contracts';
import { GOAL_EVENT_TYPES, type GoalEvent } from '../src/goal/index.js';
import {
  ACHIEVED,
  DETAILS,
  GP,
  goalIn,
  IMPROVING,
  LATER,
  NURSE,
  revisionOf,
  run,
  setGoal,
} from './support/goal-fixtures.js';

const contracts = loadContractRegistry();

/** Events of every kind, as the decider produces them in the scenarios of the other tests. */
function producedEvents(): GoalEvent[] {
  const active = goalIn('active');
  const { priority: _priority, ...withoutPriority } = DETAILS;
  return [
    ...goalIn('completed'),
    ...goalIn('cancelled'),
    ...run(
      [
        { type: 'RecordGoalAchievement', actor: NURSE, now: LATER, achievementStatus: IMPROVING },
        {
          ...revisionOf(active),
          details: {
            ...withoutPriority,
            expressedBy: { kind: 'professional', identifier: GP.identifier, display: 'Dr A' },
            targets: [
              {
                measure: { text: 'pain' },
                detailRange: { low: { value: 0 }, high: { value: 3 } },
                dueDate: '2026-07-01',
              },
              { measure: { text: 'autonomy' }, detailCodeableConcept: { text: 'autonomous' } },
            ],
          },
          statusReason: 'resumed after hospital stay',
          achievementStatus: ACHIEVED,
        },
      ],
      active,
    ).slice(active.length),
    ...run([setGoal({ goalId: 'goal-2', lifecycleStatus: 'active', achievementStatus: IMPROVING })]),
  ];
}

describe('every Goal event validates against its contract', () => {
  const events = producedEvents();

  it('the scenarios produce every event type', () => {
    expect(new Set(events.map((event) => event.type))).toEqual(new Set(GOAL_EVENT_TYPES));
  });

  it.each(GOAL_EVENT_TYPES)('%s.v1 has a contract', (type) => {
    expect(contracts.get(`carenet.care-plans.${type}.v1`)).toBeDefined();
  });

  it('what each event publishes in clear is valid too, and the sealed values restore it', () => {
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

  it('each produced event is valid', () => {
    for (const event of events) {
      expect({
        type: event.type,
        result: contracts.validate(`carenet.care-plans.${event.type}.v1`, event.data),
      }).toEqual({
        type: event.type,
        result: { ok: true },
      });
    }
  });

  it('GoalSet refuses a goal without description', () => {
    const set = events.find((event) => event.type === 'GoalSet')!.data;
    const { description: _d, ...goal } = set.goal;
    expect(contracts.validate('carenet.care-plans.GoalSet.v1', { ...set, goal }).ok).toBe(false);
  });
});
