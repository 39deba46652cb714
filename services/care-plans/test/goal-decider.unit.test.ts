import { describe, expect, it } from '@jest/globals';
import { BusinessRuleError, ForbiddenError, ValidationError } from '@carenet/eventsourcing';
import { deciderSpecification } from '@carenet/testing';
import {
  GOAL_ACHIEVEMENT_STATUSES,
  GOAL_LIFECYCLE_STATUSES,
  GOAL_RULES,
  GOAL_STATUSES_REQUIRING_REASON,
  GOAL_TRANSITIONS,
  goalDecider,
  type GoalCommand,
} from '../src/goal/index.js';
import {
  ACHIEVED,
  ADMIN,
  COORDINATOR,
  DETAILS,
  EHR,
  GOAL_ID,
  goalIn,
  GP,
  IMPROVING,
  LATER,
  NURSE,
  OTHER_PATIENT,
  PATIENT,
  PATIENT_ACTOR,
  revisionOf,
  run,
  SET,
  setGoal,
  stateOf,
} from './support/goal-fixtures.js';

const spec = deciderSpecification(goalDecider);
const fact = (by: GoalCommand['actor'] = GP, at = LATER) => ({ goalId: GOAL_ID, by, at });
const rule = (code: string) => [BusinessRuleError, { rule: code }] as const;

describe('setting a goal', () => {
  it('GoalSet carries the full content', () => {
    spec
      .given([])
      .when(setGoal({ lifecycleStatus: 'active', achievementStatus: IMPROVING }))
      .then([
        {
          type: 'GoalSet',
          data: {
            ...fact(COORDINATOR, SET),
            goal: { ...DETAILS, lifecycleStatus: 'active', achievementStatus: IMPROVING, subject: PATIENT },
          },
        },
      ]);
  });

  it('is set once, proposed, planned, accepted or active, by a professional or a system', () => {
    spec
      .given(goalIn('proposed'))
      .when(setGoal())
      .thenThrows(...rule(GOAL_RULES.alreadyExists));
    for (const lifecycleStatus of [
      'on-hold',
      'completed',
      'cancelled',
      'rejected',
      'entered-in-error',
    ] as const) {
      spec
        .given([])
        .when({ ...setGoal(), lifecycleStatus } as unknown as GoalCommand)
        .thenThrows(...rule(GOAL_RULES.initialStatus));
    }
    expect(run([setGoal({ actor: EHR })])).toHaveLength(1);
    spec
      .given([])
      .when(setGoal({ actor: PATIENT_ACTOR }))
      .thenThrows(ForbiddenError);
  });

  it('refuses a goal without description, a target detail without measure, a target due before the start, bad dates', () => {
    spec
      .given([])
      .when(setGoal({ details: { ...DETAILS, description: { text: ' ' } } }))
      .thenThrows(...rule(GOAL_RULES.descriptionRequired));
    spec
      .given([])
      .when(setGoal({ details: { ...DETAILS, targets: [{ detailString: 'better' }] } }))
      .thenThrows(...rule(GOAL_RULES.targetMeasureRequired));
    spec
      .given([])
      .when(
        setGoal({ details: { ...DETAILS, targets: [{ measure: { text: 'x' }, dueDate: '2026-01-01' }] } }),
      )
      .thenThrows(...rule(GOAL_RULES.targetDueBeforeStart));
    spec
      .given([])
      .when(setGoal({ details: { ...DETAILS, startDate: 'soon' } }))
      .thenThrows(ValidationError);
  });

  it('an achievement comes with an accepted or active goal only', () => {
    spec
      .given([])
      .when(setGoal({ achievementStatus: IMPROVING }))
      .thenThrows(...rule(GOAL_RULES.achievementNotApplicable));
  });

  it('nothing else happens to a goal that does not exist', () => {
    spec
      .given([])
      .when({ type: 'RecordGoalAchievement', actor: GP, now: LATER, achievementStatus: ACHIEVED })
      .thenThrows(...rule(GOAL_RULES.notSet));
  });
});

describe('the lifecycle', () => {
  const pairs = GOAL_LIFECYCLE_STATUSES.flatMap((from) =>
    GOAL_LIFECYCLE_STATUSES.filter((to) => to !== from).map((to) => [from, to] as const),
  );

  it.each(pairs)('%s → %s follows goal-status', (from, to) => {
    const command: GoalCommand = {
      type: 'ChangeGoalLifecycleStatus',
      actor: COORDINATOR,
      now: LATER,
      lifecycleStatus: to,
      statusReason: 'why',
    };
    if (from === 'entered-in-error') {
      spec
        .given(goalIn(from))
        .when(command)
        .thenThrows(...rule(GOAL_RULES.enteredInError));
    } else if (GOAL_TRANSITIONS[from].includes(to)) {
      spec
        .given(goalIn(from))
        .when(command)
        .then([
          {
            type: 'GoalLifecycleStatusChanged',
            data: { ...fact(COORDINATOR), previousStatus: from, lifecycleStatus: to, statusReason: 'why' },
          },
        ]);
    } else {
      spec
        .given(goalIn(from))
        .when(command)
        .thenThrows(...rule(GOAL_RULES.illegalTransition));
    }
  });

  it('the same status again changes nothing', () => {
    spec
      .given(goalIn('active'))
      .when({ type: 'ChangeGoalLifecycleStatus', actor: GP, now: LATER, lifecycleStatus: 'active' })
      .then([]);
  });

  it.each(GOAL_STATUSES_REQUIRING_REASON)('%s needs a statusReason', (to) => {
    spec
      .given(goalIn('proposed'))
      .when({ type: 'ChangeGoalLifecycleStatus', actor: GP, now: LATER, lifecycleStatus: to })
      .thenThrows(...rule(GOAL_RULES.statusReasonRequired));
  });

  it('entered-in-error: who set the goal, or an administrator system; nobody else', () => {
    const command = {
      type: 'ChangeGoalLifecycleStatus',
      now: LATER,
      lifecycleStatus: 'entered-in-error',
    } as const;
    expect(run([{ ...command, actor: ADMIN }], goalIn('active')).at(-1)?.type).toBe(
      'GoalLifecycleStatusChanged',
    );
    spec
      .given(goalIn('active'))
      .when({ ...command, actor: GP })
      .thenThrows(ForbiddenError);
    spec
      .given(goalIn('active'))
      .when({ ...command, actor: EHR })
      .thenThrows(ForbiddenError);
  });

  it('a patient does not move a goal', () => {
    spec
      .given(goalIn('proposed'))
      .when({
        type: 'ChangeGoalLifecycleStatus',
        actor: PATIENT_ACTOR,
        now: LATER,
        lifecycleStatus: 'accepted',
      })
      .thenThrows(ForbiddenError);
  });

  it('the state keeps the reason of the last move', () => {
    const events = run(
      [
        {
          type: 'ChangeGoalLifecycleStatus',
          actor: GP,
          now: LATER,
          lifecycleStatus: 'on-hold',
          statusReason: 'hospitalised',
        },
        { type: 'ChangeGoalLifecycleStatus', actor: GP, now: LATER, lifecycleStatus: 'active' },
      ],
      goalIn('active'),
    );
    expect(stateOf(events).statusReason).toBeUndefined();
    expect(stateOf(events.slice(0, -1)).statusReason).toBe('hospitalised');
  });
});

describe('achievement', () => {
  it.each(GOAL_LIFECYCLE_STATUSES.filter((s) => s !== 'entered-in-error'))('for a %s goal', (status) => {
    const command: GoalCommand = {
      type: 'RecordGoalAchievement',
      actor: NURSE,
      now: LATER,
      achievementStatus: ACHIEVED,
    };
    if (GOAL_ACHIEVEMENT_STATUSES.includes(status)) {
      spec
        .given(goalIn(status))
        .when(command)
        .then([{ type: 'GoalAchievementRecorded', data: { ...fact(NURSE), achievementStatus: ACHIEVED } }]);
    } else {
      spec
        .given(goalIn(status))
        .when(command)
        .thenThrows(...rule(GOAL_RULES.achievementNotApplicable));
    }
  });

  it('records the previous assessment; the same assessment again changes nothing', () => {
    const given = run(
      [{ type: 'RecordGoalAchievement', actor: NURSE, now: LATER, achievementStatus: IMPROVING }],
      goalIn('active'),
    );
    spec
      .given(given)
      .when({ type: 'RecordGoalAchievement', actor: NURSE, now: LATER, achievementStatus: ACHIEVED })
      .then([
        {
          type: 'GoalAchievementRecorded',
          data: { ...fact(NURSE), achievementStatus: ACHIEVED, previousAchievementStatus: IMPROVING },
        },
      ]);
    spec
      .given(given)
      .when({ type: 'RecordGoalAchievement', actor: NURSE, now: LATER, achievementStatus: IMPROVING })
      .then([]);
  });

  it('not on an entered-in-error goal, not by the patient', () => {
    spec
      .given(goalIn('entered-in-error'))
      .when({ type: 'RecordGoalAchievement', actor: NURSE, now: LATER, achievementStatus: ACHIEVED })
      .thenThrows(...rule(GOAL_RULES.enteredInError));
    spec
      .given(goalIn('active'))
      .when({ type: 'RecordGoalAchievement', actor: PATIENT_ACTOR, now: LATER, achievementStatus: ACHIEVED })
      .thenThrows(ForbiddenError);
  });
});

describe('ReviseGoal (PUT) is decided as a diff', () => {
  it('the same goal changes nothing (whatever its status)', () => {
    for (const status of GOAL_LIFECYCLE_STATUSES)
      spec
        .given(goalIn(status))
        .when(revisionOf(goalIn(status)))
        .then([]);
  });

  it('emits GoalRevised, then the lifecycle change, then the achievement', () => {
    const { priority: _priority, ...withoutPriority } = DETAILS;
    const given = goalIn('accepted');
    const { statusReason: _reason, ...revision } = revisionOf(given);
    spec
      .given(given)
      .when({
        ...revision,
        details: { ...withoutPriority, description: { text: 'Walk 45 minutes a day' } },
        lifecycleStatus: 'active',
        achievementStatus: IMPROVING,
      })
      .then([
        {
          type: 'GoalRevised',
          data: {
            ...fact(),
            changed: { description: { text: 'Walk 45 minutes a day' } },
            removed: ['priority'],
          },
        },
        {
          type: 'GoalLifecycleStatusChanged',
          data: { ...fact(), previousStatus: 'accepted', lifecycleStatus: 'active' },
        },
        { type: 'GoalAchievementRecorded', data: { ...fact(), achievementStatus: IMPROVING } },
      ]);
  });

  it('a new reason for the same status is a revision; with a new status it goes with the move', () => {
    const given = goalIn('on-hold');
    spec
      .given(given)
      .when({ ...revisionOf(given), statusReason: 'waiting for physiotherapy' })
      .then([
        {
          type: 'GoalRevised',
          data: { ...fact(), changed: { statusReason: 'waiting for physiotherapy' }, removed: [] },
        },
      ]);
    spec
      .given(given)
      .when({ ...revisionOf(given), lifecycleStatus: 'cancelled', statusReason: 'moved away' })
      .then([
        {
          type: 'GoalLifecycleStatusChanged',
          data: {
            ...fact(),
            previousStatus: 'on-hold',
            lifecycleStatus: 'cancelled',
            statusReason: 'moved away',
          },
        },
      ]);
  });

  it('refuses another patient, a closed or entered-in-error goal, an erased achievement, a bad move', () => {
    spec
      .given(goalIn('active'))
      .when({ ...revisionOf(goalIn('active')), subject: OTHER_PATIENT })
      .thenThrows(...rule(GOAL_RULES.immutableSubject));
    for (const status of ['completed', 'cancelled', 'rejected'] as const) {
      spec
        .given(goalIn(status))
        .when({ ...revisionOf(goalIn(status)), details: { ...DETAILS, category: [] } })
        .thenThrows(...rule(GOAL_RULES.closed));
    }
    spec
      .given(goalIn('entered-in-error'))
      .when({ ...revisionOf(goalIn('entered-in-error')), details: { ...DETAILS, category: [] } })
      .thenThrows(...rule(GOAL_RULES.enteredInError));
    const assessed = run(
      [{ type: 'RecordGoalAchievement', actor: NURSE, now: LATER, achievementStatus: IMPROVING }],
      goalIn('active'),
    );
    const { achievementStatus: _a, ...withoutAchievement } = revisionOf(assessed);
    spec
      .given(assessed)
      .when(withoutAchievement)
      .thenThrows(...rule(GOAL_RULES.achievementErased));
    spec
      .given(goalIn('active'))
      .when({ ...revisionOf(goalIn('active')), lifecycleStatus: 'proposed' })
      .thenThrows(...rule(GOAL_RULES.illegalTransition));
    spec
      .given(goalIn('active'))
      .when({ ...revisionOf(goalIn('active')), details: { ...DETAILS, targets: [{ detailBoolean: true }] } })
      .thenThrows(...rule(GOAL_RULES.targetMeasureRequired));
    spec
      .given(goalIn('active'))
      .when({ ...revisionOf(goalIn('active')), actor: PATIENT_ACTOR, details: { ...DETAILS, category: [] } })
      .thenThrows(ForbiddenError);
  });

  it('the state follows the revision', () => {
    const given = goalIn('active');
    const { startDate: _s, ...withoutStart } = DETAILS;
    const events = run([{ ...revisionOf(given), details: { ...withoutStart, addresses: [] } }], given);
    const goal = stateOf(events);
    expect(goal.startDate).toBeUndefined();
    expect(goal.addresses).toEqual([]);
    expect(goal.lastModified).toBe(LATER);
  });
});
