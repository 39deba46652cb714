// Actors and goals shared by the Goal decider tests.
import type { SystemActor } from '@carenet/access';
import { fold } from '@carenet/eventsourcing';
import {
  goalDecider,
  type ExistingGoal,
  type GoalCommand,
  type GoalDetails,
  type GoalEvent,
  type GoalLifecycleStatus,
  type SetGoal,
} from '../../src/goal/index.js';
import { COORDINATOR, GP, PATIENT } from './care-team-fixtures.js';

export { COORDINATOR, GP, NURSE, PATIENT, PATIENT_ACTOR, OTHER_PATIENT, EHR } from './care-team-fixtures.js';

export const ADMIN: SystemActor = { kind: 'system', clientId: 'carenet-ops', administrator: true };
export const GOAL_ID = 'goal-1';
export const SET = '2026-05-20T08:00:00.000Z';
export const LATER = '2026-05-21T08:00:00.000Z';

export const DETAILS: GoalDetails = {
  description: { text: 'Walk 30 minutes a day without help' },
  priority: {
    coding: [{ system: 'http://terminology.hl7.org/CodeSystem/goal-priority', code: 'high-priority' }],
  },
  category: [
    { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/goal-category', code: 'physiotherapy' }] },
  ],
  targets: [
    {
      measure: { text: 'walking time' },
      detailQuantity: { value: 30, unit: 'min', system: 'http://unitsofmeasure.org', code: 'min' },
      dueDate: '2026-09-01',
    },
  ],
  startDate: '2026-05-20',
  expressedBy: { kind: 'patient' },
  addresses: [{ display: 'Fall risk after hip fracture' }],
};

export const ACHIEVED = {
  coding: [{ system: 'http://terminology.hl7.org/CodeSystem/goal-achievement', code: 'achieved' }],
};
export const IMPROVING = {
  coding: [{ system: 'http://terminology.hl7.org/CodeSystem/goal-achievement', code: 'improving' }],
};

export function setGoal(overrides: Partial<SetGoal> = {}): SetGoal {
  return {
    type: 'SetGoal',
    goalId: GOAL_ID,
    actor: COORDINATOR,
    now: SET,
    lifecycleStatus: 'proposed',
    subject: PATIENT,
    details: DETAILS,
    ...overrides,
  };
}

export function run(commands: readonly GoalCommand[], given: readonly GoalEvent[] = []): GoalEvent[] {
  const events = [...given];
  for (const command of commands) events.push(...goalDecider.decide(command, fold(goalDecider, events)));
  return events;
}

export function stateOf(events: readonly GoalEvent[]): ExistingGoal {
  const state = fold(goalDecider, events);
  if (!state.exists) throw new TypeError('no goal');
  return state;
}

/** A path to each status, from a goal set proposed by the coordinator. */
export function goalIn(status: GoalLifecycleStatus): GoalEvent[] {
  const move = (to: GoalLifecycleStatus): GoalCommand => ({
    type: 'ChangeGoalLifecycleStatus',
    actor: GP,
    now: LATER,
    lifecycleStatus: to,
    statusReason: 'because',
  });
  const paths: Record<GoalLifecycleStatus, GoalLifecycleStatus[]> = {
    proposed: [],
    planned: ['planned'],
    accepted: ['accepted'],
    active: ['active'],
    'on-hold': ['active', 'on-hold'],
    completed: ['active', 'completed'],
    cancelled: ['cancelled'],
    rejected: ['rejected'],
    'entered-in-error': ['entered-in-error'],
  };
  return run([
    setGoal(),
    ...paths[status].map((to) => ({ ...move(to), actor: to === 'entered-in-error' ? COORDINATOR : GP })),
  ]);
}

/** The PUT of the goal as it stands. */
export function revisionOf(
  events: readonly GoalEvent[],
  now = LATER,
): Extract<GoalCommand, { type: 'ReviseGoal' }> {
  const goal = stateOf(events);
  const details: GoalDetails = {
    description: goal.description,
    category: goal.category,
    targets: goal.targets,
    addresses: goal.addresses,
    ...(goal.priority === undefined ? {} : { priority: goal.priority }),
    ...(goal.startDate === undefined ? {} : { startDate: goal.startDate }),
    ...(goal.expressedBy === undefined ? {} : { expressedBy: goal.expressedBy }),
  };
  return {
    type: 'ReviseGoal',
    actor: GP,
    now,
    subject: goal.subject,
    lifecycleStatus: goal.lifecycleStatus,
    details,
    ...(goal.statusReason === undefined ? {} : { statusReason: goal.statusReason }),
    ...(goal.achievementStatus === undefined ? {} : { achievementStatus: goal.achievementStatus }),
  };
}
