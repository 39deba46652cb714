import { describe, expect, it } from '@jest/globals';
import { BusinessRuleError, ForbiddenError } from '@carenet/eventsourcing';
import { deciderSpecification } from '@carenet/testing';
import { CARE_PLAN_RULES, carePlanDecider } from '../src/care-plan/index.js';
import {
  active,
  AGREE,
  COORDINATOR,
  DAILY_HELP,
  drafted,
  END_OF_REVIEW_DAY,
  eventsOf,
  fact,
  FALL_PREVENTION,
  GP,
  HAND_OVER,
  handed,
  LATER,
  linked,
  MED_RECONCILIATION,
  NURSE,
  OTHER_PATIENT,
  party,
  PHARMACIST,
  PLAN,
  revise,
  run,
  stateOf,
  VALIDATE,
  WOUND_CARE,
  WOUND_CARE_END,
} from './support/care-plan-fixtures.js';

const spec = deciderSpecification(carePlanDecider);
const V2 = '2026-05-25T09:00:00.000Z';

/** v2: fall prevention added, medication reconciliation removed (done at the pharmacy). */
const V2_ACTIONS = [WOUND_CARE, DAILY_HELP, FALL_PREVENTION];

describe('revising a plan', () => {
  it('a revision is a new version with the full content; the previous version stays in the log', () => {
    const given = drafted();
    const events = eventsOf(revise({ title: 'PPCS v2' }, V2), given);
    expect(events).toEqual([
      {
        type: 'CarePlanRevised',
        data: {
          ...fact(COORDINATOR, V2),
          version: 2,
          previousVersion: 1,
          plan: { ...PLAN, title: 'PPCS v2' },
          changed: ['title'],
          actions: { added: [], removed: [], changed: [] },
          actionsVersion: 1,
          approvalRequired: true,
        },
      },
    ]);
    const history = [...given, ...events];
    // v1 is still there, whole, and folding up to it gives v1 back.
    expect(history[0]?.type === 'CarePlanDrafted' && history[0].data.plan.title).toBe(PLAN.title);
    expect([stateOf(history.slice(0, 1)).title, stateOf(history.slice(0, 1)).version]).toEqual([
      PLAN.title,
      1,
    ]);
    expect([stateOf(history).title, stateOf(history).version]).toEqual(['PPCS v2', 2]);
  });

  it('the same content again is no new version (an idempotent PUT)', () => {
    spec.given(drafted()).when(revise({})).then([]);
  });

  it('content optional elements absent from the new version are removed', () => {
    const { careTeam: _c, ...plan } = PLAN;
    const events = run([{ type: 'ReviseCarePlan', actor: COORDINATOR, now: V2, plan }], drafted());
    expect(stateOf(events).careTeam).toBeUndefined();
  });

  it('in draft and active only; by a planner; never another patient; the PPCS rules hold', () => {
    const onHold = run([{ type: 'SuspendCarePlan', actor: COORDINATOR, now: LATER }], active());
    spec
      .given(onHold)
      .when(revise({ title: 'x' }))
      .thenThrows(BusinessRuleError, { rule: CARE_PLAN_RULES.reviseFromStatus });
    spec
      .given(active())
      .when({ ...revise({ title: 'x' }), actor: NURSE })
      .thenThrows(ForbiddenError);
    spec
      .given(active())
      .when(revise({ subject: OTHER_PATIENT.identifier }))
      .thenThrows(BusinessRuleError, { rule: CARE_PLAN_RULES.subjectImmutable });
    const { reviewDate: _r, ...withoutReview } = PLAN;
    spec
      .given(active())
      .when({ type: 'ReviseCarePlan', actor: GP, now: V2, plan: withoutReview })
      .thenThrows(BusinessRuleError, { rule: CARE_PLAN_RULES.ppcsReviewDateRequired });
  });

  it('a draft revision of the actions makes the earlier validation and agreement stale', () => {
    const given = run([VALIDATE, AGREE, revise({ actions: V2_ACTIONS }, V2)], drafted());
    spec
      .given(given)
      .when({ type: 'ActivateCarePlan', actor: COORDINATOR, now: V2 })
      .thenThrows(BusinessRuleError, { rule: CARE_PLAN_RULES.ppcsValidationRequired });
  });
});

describe('a revision of the actions of an active PPCS', () => {
  const revision = revise({ actions: V2_ACTIONS }, V2);

  it('requires re-validation and new agreement; nothing is handed over meanwhile', () => {
    spec
      .given(active())
      .when(revision)
      .then([
        {
          type: 'CarePlanRevised',
          data: {
            ...fact(COORDINATOR, V2),
            version: 2,
            previousVersion: 1,
            plan: { ...PLAN, actions: V2_ACTIONS },
            changed: ['actions'],
            actions: { added: ['fall-prevention'], removed: ['med-reconciliation'], changed: [] },
            actionsVersion: 2,
            approvalRequired: true,
          },
        },
      ]);
    const pending = run([revision], active());
    const state = stateOf(pending);
    expect([state.status, state.revalidationRequired, state.actionsVersion]).toEqual(['active', true, 2]);
    // The validation alone hands nothing over: the patient has not agreed to v2 yet.
    expect(eventsOf(VALIDATE, pending).map((event) => event.type)).toEqual(['CarePlanValidated']);
  });

  it('once validated and agreed again: the new actions are scheduled, the removed ones withdrawn', () => {
    const given = run([revision, VALIDATE], linked());
    spec
      .given(given)
      .when({ ...AGREE, now: V2 })
      .then([
        {
          type: 'CarePlanPatientAgreementRecorded',
          data: {
            ...fact(AGREE.actor, V2),
            patient: PLAN.subject,
            agreedBy: 'patient',
            method: 'electronic',
            version: 2,
            actionsVersion: 2,
          },
        },
        {
          type: 'CarePlanActionsWithdrawn',
          data: {
            ...fact(AGREE.actor, V2),
            actionIds: ['med-reconciliation'],
            reason: { text: 'removed from care plan ppcs-y-1 (version 2)' },
          },
        },
        {
          type: 'CarePlanActionsScheduled',
          data: {
            ...fact(AGREE.actor, V2),
            ...HAND_OVER,
            version: 2,
            actions: [handed(FALL_PREVENTION, FALL_PREVENTION.due ?? '')],
          },
        },
      ]);
    const after = stateOf(run([{ ...AGREE, now: V2 }], given));
    expect(after.revalidationRequired).toBe(false);
    // The withdrawn action keeps its Task link (its Task is being cancelled).
    expect(after.activities['med-reconciliation']).toMatchObject({
      withdrawn: true,
      taskId: 'task-med-reconciliation',
    });
  });

  it('a changed performer or due date is handed over as a change of the same action', () => {
    const moved = { ...WOUND_CARE, performer: party(PHARMACIST), due: '2026-06-01T18:00:00.000Z' };
    const given = run([revise({ actions: [moved, MED_RECONCILIATION, DAILY_HELP] }, V2), VALIDATE], active());
    const events = eventsOf({ ...AGREE, now: V2 }, given);
    expect(events.slice(1)).toEqual([
      {
        type: 'CarePlanActionsChanged',
        data: {
          ...fact(AGREE.actor, V2),
          ...HAND_OVER,
          version: 2,
          changes: [{ action: handed(moved, '2026-06-01T18:00:00.000Z'), changed: ['performer', 'due'] }],
        },
      },
    ]);
  });

  it('a revision that leaves the actions alone needs no re-approval; due dates that follow the review date change', () => {
    spec
      .given(active())
      .when(revise({ reviewDate: '2026-06-26' }, V2))
      .then([
        {
          type: 'CarePlanRevised',
          data: {
            ...fact(COORDINATOR, V2),
            version: 2,
            previousVersion: 1,
            plan: { ...PLAN, reviewDate: '2026-06-26' },
            changed: ['reviewDate'],
            actions: { added: [], removed: [], changed: [] },
            actionsVersion: 1,
            approvalRequired: false,
          },
        },
        {
          type: 'CarePlanActionsChanged',
          data: {
            ...fact(COORDINATOR, V2),
            ...HAND_OVER,
            version: 2,
            changes: [{ action: handed(DAILY_HELP, '2026-06-26T23:59:59.999Z'), changed: ['due'] }],
          },
        },
      ]);
  });

  it('an action removed then put back is handed over again as a new occurrence', () => {
    const removed = run([revision, VALIDATE, AGREE], active());
    const back = run([revise({ actions: PLAN.actions }, V2), VALIDATE, AGREE], removed);
    const scheduled = back.at(-1);
    expect(scheduled?.type === 'CarePlanActionsScheduled' && scheduled.data.actions).toEqual([
      handed(MED_RECONCILIATION, '2026-05-22T08:00:00.000Z', 2),
    ]);
    const withdrawn = back.at(-2);
    expect(withdrawn?.type === 'CarePlanActionsWithdrawn' && withdrawn.data.actionIds).toEqual([
      'fall-prevention',
    ]);
    expect(stateOf(back).activities['wound-care']?.handed).toEqual(handed(WOUND_CARE, WOUND_CARE_END));
    expect(stateOf(back).activities['daily-help']?.handed).toEqual(handed(DAILY_HELP, END_OF_REVIEW_DAY));
  });
});
