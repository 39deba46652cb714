import { describe, it } from '@jest/globals';
import { BusinessRuleError, ForbiddenError } from '@carenet/eventsourcing';
import { deciderSpecification } from '@carenet/testing';
import { CARE_PLAN_RULES, carePlanDecider, type CarePlanCommand } from '../src/care-plan/index.js';
import {
  active,
  AFTER_REVIEW,
  CLOCK,
  CONSUMER,
  COORDINATOR,
  D_PLUS_48H,
  drafted,
  HAND_OVER,
  LATER,
  linked,
  PLAN,
  REVIEW_DATE,
  run,
} from './support/care-plan-fixtures.js';

const spec = deciderSpecification(carePlanDecider);
const OVERDUE_AT = '2026-05-22T09:00:00.000Z';

const actionOverdue: CarePlanCommand = {
  type: 'RaiseActionOverdueAlert',
  actor: CONSUMER,
  now: OVERDUE_AT,
  actionId: 'med-reconciliation',
  taskId: 'task-med-reconciliation',
  due: D_PLUS_48H,
};
const reviewOverdue: CarePlanCommand = { type: 'RaiseReviewOverdueAlert', actor: CLOCK, now: AFTER_REVIEW };

describe('an overdue action alerts the coordinator, once', () => {
  it('raises CarePlanAlertRaised with a deterministic id', () => {
    spec
      .given(linked())
      .when(actionOverdue)
      .then([
        {
          type: 'CarePlanAlertRaised',
          data: {
            carePlanId: 'ppcs-y-1',
            by: CONSUMER,
            at: OVERDUE_AT,
            alertId: `action-med-reconciliation-${D_PLUS_48H}`,
            kind: 'action-overdue',
            coordinator: HAND_OVER.coordinator,
            patient: PLAN.subject,
            reason: `action med-reconciliation (Task/task-med-reconciliation) was due ${D_PLUS_48H} and is not done`,
            due: D_PLUS_48H,
            actionId: 'med-reconciliation',
            taskId: 'task-med-reconciliation',
          },
        },
      ]);
    spec
      .given(run([actionOverdue], linked()))
      .when(actionOverdue)
      .then([]);
  });

  it('not for an action done, removed or unknown, nor for a plan not followed', () => {
    const done = run(
      [
        {
          type: 'RecordActionProgress',
          actor: CONSUMER,
          now: LATER,
          actionId: 'med-reconciliation',
          taskStatus: 'completed',
        },
      ],
      linked(),
    );
    spec.given(done).when(actionOverdue).then([]);
    spec
      .given(linked())
      .when({ ...actionOverdue, actionId: 'unknown' })
      .then([]);
    spec.given(drafted()).when(actionOverdue).then([]);
  });

  it('is raised by a system only', () => {
    spec
      .given(linked())
      .when({ ...actionOverdue, actor: COORDINATOR })
      .thenThrows(ForbiddenError);
  });
});

describe('an overdue review alerts the coordinator, once', () => {
  it('the day after the review date, on an active plan', () => {
    spec
      .given(active())
      .when(reviewOverdue)
      .then([
        {
          type: 'CarePlanAlertRaised',
          data: {
            carePlanId: 'ppcs-y-1',
            by: CLOCK,
            at: AFTER_REVIEW,
            alertId: `review-${REVIEW_DATE}`,
            kind: 'review-overdue',
            coordinator: HAND_OVER.coordinator,
            patient: PLAN.subject,
            reason: `care plan ppcs-y-1 was to be reviewed on ${REVIEW_DATE}`,
            due: REVIEW_DATE,
          },
        },
      ]);
    spec
      .given(run([reviewOverdue], active()))
      .when(reviewOverdue)
      .then([]);
  });

  it('not before (the review date itself is not overdue); nothing on a plan not active', () => {
    spec
      .given(active())
      .when({ ...reviewOverdue, now: `${REVIEW_DATE}T20:00:00.000Z` })
      .thenThrows(BusinessRuleError, { rule: CARE_PLAN_RULES.reviewNotOverdue });
    spec.given(drafted()).when(reviewOverdue).then([]);
  });

  it('a new review date may fall due again', () => {
    const reviewed = run(
      [
        reviewOverdue,
        {
          type: 'ReviseCarePlan',
          actor: COORDINATOR,
          now: AFTER_REVIEW,
          plan: { ...PLAN, reviewDate: '2026-07-19' },
        },
      ],
      active(),
    );
    spec
      .given(reviewed)
      .when({ ...reviewOverdue, now: '2026-07-20T07:00:00.000Z' })
      .then([
        {
          type: 'CarePlanAlertRaised',
          data: {
            carePlanId: 'ppcs-y-1',
            by: CLOCK,
            at: '2026-07-20T07:00:00.000Z',
            alertId: 'review-2026-07-19',
            kind: 'review-overdue',
            coordinator: HAND_OVER.coordinator,
            patient: PLAN.subject,
            reason: 'care plan ppcs-y-1 was to be reviewed on 2026-07-19',
            due: '2026-07-19',
          },
        },
      ]);
  });
});
