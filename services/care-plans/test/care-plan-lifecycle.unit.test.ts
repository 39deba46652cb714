import { describe, expect, it } from '@jest/globals';
import { BusinessRuleError, ForbiddenError } from '@carenet/eventsourcing';
import { deciderSpecification } from '@carenet/testing';
import { CARE_PLAN_RULES, carePlanDecider, type CarePlanContent } from '../src/care-plan/index.js';
import {
  ACTIVATE,
  active,
  ADMIN,
  AGREE,
  approved,
  CARE_PLAN_ID,
  CONSUMER,
  COORDINATOR,
  D,
  DAILY_HELP,
  draftCommand,
  drafted,
  EHR,
  fact,
  GP,
  HAND_OVER,
  LATER,
  linked,
  NURSE,
  ORDINARY_CATEGORY,
  party,
  PATIENT_Y,
  PLAN,
  revise,
  run,
  S2_HANDED,
  stateOf,
  VALIDATE,
  validated,
  WOUND_CARE,
} from './support/care-plan-fixtures.js';

const spec = deciderSpecification(carePlanDecider);

function without(key: keyof CarePlanContent): CarePlanContent {
  const { [key]: _removed, ...rest } = PLAN;
  return rest as CarePlanContent;
}

describe('drafting a care plan', () => {
  it('records version 1 with the full content and its author', () => {
    spec
      .given([])
      .when(draftCommand())
      .then([
        {
          type: 'CarePlanDrafted',
          data: { ...fact(COORDINATOR, D), version: 1, author: party(COORDINATOR), plan: PLAN },
        },
      ]);
    const state = stateOf(drafted());
    expect([state.status, state.ppcs, state.version, state.revalidationRequired]).toEqual([
      'draft',
      true,
      1,
      false,
    ]);
  });

  it.each([
    ['reviewDate', CARE_PLAN_RULES.ppcsReviewDateRequired],
    ['coordinator', CARE_PLAN_RULES.ppcsCoordinatorRequired],
    ['medecinTraitant', CARE_PLAN_RULES.ppcsMedecinTraitantRequired],
  ] as const)('a PPCS without %s is refused (%s)', (key, rule) => {
    spec
      .given([])
      .when(draftCommand({ plan: without(key) }))
      .thenThrows(BusinessRuleError, { rule });
  });

  it('an ordinary care plan needs no review date, coordinator or médecin traitant', () => {
    const plan = {
      ...without('reviewDate'),
      category: [ORDINARY_CATEGORY],
    };
    const { coordinator: _c, medecinTraitant: _m, ...ordinary } = plan;
    expect(run([draftCommand({ plan: ordinary })]).map((event) => event.type)).toEqual(['CarePlanDrafted']);
  });

  it('refuses two actions with the same actionId, a system performer, a schedule ending before it starts', () => {
    spec
      .given([])
      .when(draftCommand({ plan: { ...PLAN, actions: [WOUND_CARE, WOUND_CARE] } }))
      .thenThrows(BusinessRuleError, { rule: CARE_PLAN_RULES.actionIdDuplicate });
    spec
      .given([])
      .when(draftCommand({ plan: { ...PLAN, actions: [{ ...WOUND_CARE, performer: party(EHR) }] } }))
      .thenThrows(BusinessRuleError, { rule: CARE_PLAN_RULES.performerKind });
    spec
      .given([])
      .when(
        draftCommand({
          plan: {
            ...PLAN,
            actions: [{ ...WOUND_CARE, scheduled: { kind: 'period', start: LATER, end: D } }],
          },
        }),
      )
      .thenThrows(BusinessRuleError, { rule: CARE_PLAN_RULES.actionScheduleInvalid });
  });

  it('the médecin traitant is a professional', () => {
    spec
      .given([])
      .when(draftCommand({ plan: { ...PLAN, medecinTraitant: party(EHR) } }))
      .thenThrows(BusinessRuleError, { rule: CARE_PLAN_RULES.medecinTraitantProfessional });
  });

  it('is drafted by its author or a system on the author’s behalf, not by someone else, not twice', () => {
    expect(run([draftCommand({ actor: EHR })])).toHaveLength(1);
    spec
      .given([])
      .when(draftCommand({ actor: NURSE }))
      .thenThrows(ForbiddenError);
    spec
      .given([])
      .when(draftCommand({ actor: PATIENT_Y }))
      .thenThrows(ForbiddenError);
    spec
      .given(drafted())
      .when(draftCommand())
      .thenThrows(BusinessRuleError, { rule: CARE_PLAN_RULES.alreadyExists });
  });

  it('no other command on a plan that does not exist', () => {
    spec.given([]).when(VALIDATE).thenThrows(BusinessRuleError, { rule: CARE_PLAN_RULES.notCreated });
  });
});

describe('activating a PPCS', () => {
  it('is refused without the médecin traitant’s validation', () => {
    spec
      .given(run([draftCommand(), AGREE]))
      .when(ACTIVATE)
      .thenThrows(BusinessRuleError, { rule: CARE_PLAN_RULES.ppcsValidationRequired });
  });

  it('is refused without the patient’s agreement', () => {
    spec
      .given(validated())
      .when(ACTIVATE)
      .thenThrows(BusinessRuleError, { rule: CARE_PLAN_RULES.ppcsAgreementRequired });
  });

  it('is refused while another PPCS of the patient is active (the application says which)', () => {
    spec
      .given(approved())
      .when({ ...ACTIVATE, otherActivePpcs: 'ppcs-y-0' })
      .thenThrows(BusinessRuleError, { rule: CARE_PLAN_RULES.ppcsOneActivePerPatient });
  });

  it('hands every action to the Tasks service, once, with performer and due date', () => {
    spec
      .given(approved())
      .when(ACTIVATE)
      .then([
        { type: 'CarePlanActivated', data: { ...fact(COORDINATOR), version: 1 } },
        {
          type: 'CarePlanActionsScheduled',
          data: { ...fact(COORDINATOR), ...HAND_OVER, version: 1, actions: S2_HANDED },
        },
      ]);
    const state = stateOf(active());
    expect(
      Object.values(state.activities).map((activity) => [activity.handed.actionId, activity.status]),
    ).toEqual([
      ['med-reconciliation', 'scheduled'],
      ['wound-care', 'scheduled'],
      ['daily-help', 'scheduled'],
    ]);
    // Nothing is handed over twice: re-validating or re-agreeing the same actions changes nothing.
    spec.given(active()).when(VALIDATE).then([]);
    spec.given(active()).when(AGREE).then([]);
    spec
      .given(active())
      .when(ACTIVATE)
      .thenThrows(BusinessRuleError, { rule: CARE_PLAN_RULES.illegalTransition });
  });

  it('prevention actions are handed over first, then by priority', () => {
    const prevention = { ...DAILY_HELP, actionId: 'fall-check', kind: 'prevention' as const };
    const events = run([
      draftCommand({ plan: { ...PLAN, actions: [...PLAN.actions, prevention] } }),
      VALIDATE,
      AGREE,
      ACTIVATE,
    ]);
    const scheduled = events.at(-1);
    expect(
      scheduled?.type === 'CarePlanActionsScheduled' && scheduled.data.actions.map((a) => a.actionId),
    ).toEqual(['fall-check', 'med-reconciliation', 'wound-care', 'daily-help']);
  });

  it('is done by a planner or a system, not by a performer', () => {
    spec
      .given(approved())
      .when({ ...ACTIVATE, actor: NURSE })
      .thenThrows(ForbiddenError);
    expect(run([{ ...ACTIVATE, actor: EHR }], approved()).at(-2)?.type).toBe('CarePlanActivated');
    expect(run([{ ...ACTIVATE, actor: GP }], approved()).at(-2)?.type).toBe('CarePlanActivated');
  });
});

describe('an ordinary care plan', () => {
  const ordinary: CarePlanContent = { ...PLAN, category: [ORDINARY_CATEGORY] };

  it('activates without validation or agreement, and ignores another active PPCS', () => {
    const events = run([draftCommand({ plan: ordinary }), { ...ACTIVATE, otherActivePpcs: 'ppcs-y-0' }]);
    expect(events.map((event) => event.type)).toEqual([
      'CarePlanDrafted',
      'CarePlanActivated',
      'CarePlanActionsScheduled',
    ]);
  });

  it('hands a revised action over at once (no re-validation)', () => {
    const given = run([draftCommand({ plan: ordinary }), ACTIVATE]);
    const events = run(
      [
        {
          type: 'ReviseCarePlan',
          actor: COORDINATOR,
          now: LATER,
          plan: { ...ordinary, actions: [WOUND_CARE] },
        },
      ],
      given,
    ).slice(given.length);
    expect(events.map((event) => event.type)).toEqual(['CarePlanRevised', 'CarePlanActionsWithdrawn']);
    expect(stateOf([...given, ...events]).revalidationRequired).toBe(false);
  });

  it('cannot become a PPCS by revision: whether the PPCS rules apply is fixed at creation', () => {
    spec
      .given(run([draftCommand({ plan: ordinary })]))
      .when({ type: 'ReviseCarePlan', actor: COORDINATOR, now: LATER, plan: PLAN })
      .thenThrows(BusinessRuleError, { rule: CARE_PLAN_RULES.ppcsCategoryFixed });
  });
});

describe('the lifecycle after activation', () => {
  const suspend = {
    type: 'SuspendCarePlan',
    actor: COORDINATOR,
    now: LATER,
    reason: { text: 'hospitalised' },
  } as const;
  const resume = { type: 'ResumeCarePlan', actor: COORDINATOR, now: LATER } as const;

  it('active ⇄ on-hold', () => {
    spec
      .given(active())
      .when(suspend)
      .then([
        { type: 'CarePlanSuspended', data: { ...fact(COORDINATOR), reason: { text: 'hospitalised' } } },
      ]);
    const onHold = run([suspend], active());
    expect(stateOf(onHold).status).toBe('on-hold');
    spec
      .given(onHold)
      .when(resume)
      .then([{ type: 'CarePlanResumed', data: fact(COORDINATOR) }]);
    expect(stateOf(run([resume], onHold)).status).toBe('active');
  });

  it('resuming a PPCS is refused while another PPCS of the patient became active', () => {
    spec
      .given(run([suspend], active()))
      .when({ ...resume, otherActivePpcs: 'ppcs-y-2' })
      .thenThrows(BusinessRuleError, { rule: CARE_PLAN_RULES.ppcsOneActivePerPatient });
  });

  it('revocation needs a reason and withdraws the open actions', () => {
    spec
      .given(active())
      .when({ type: 'RevokeCarePlan', actor: COORDINATOR, now: LATER })
      .thenThrows(BusinessRuleError, { rule: CARE_PLAN_RULES.revocationReasonRequired });
    spec
      .given(linked())
      .when({ type: 'RevokeCarePlan', actor: GP, now: LATER, reason: { text: 'moved to an EHPAD' } })
      .then([
        { type: 'CarePlanRevoked', data: { ...fact(GP), reason: { text: 'moved to an EHPAD' } } },
        {
          type: 'CarePlanActionsWithdrawn',
          data: {
            ...fact(GP),
            actionIds: ['med-reconciliation', 'wound-care', 'daily-help'],
            reason: { text: `care plan ${CARE_PLAN_ID} revoked: moved to an EHPAD` },
          },
        },
      ]);
  });

  it('a draft may be revoked (abandoned); nothing was handed over', () => {
    spec
      .given(drafted())
      .when({ type: 'RevokeCarePlan', actor: COORDINATOR, now: LATER, reason: { text: 'refused' } })
      .then([{ type: 'CarePlanRevoked', data: { ...fact(COORDINATOR), reason: { text: 'refused' } } }]);
  });

  it('completion withdraws the actions not finished; entered-in-error from any status', () => {
    const given = run(
      [
        {
          type: 'RecordActionProgress',
          actor: CONSUMER,
          now: LATER,
          actionId: 'wound-care',
          taskStatus: 'completed',
        },
      ],
      linked(),
    );
    spec
      .given(given)
      .when({ type: 'CompleteCarePlan', actor: COORDINATOR, now: LATER })
      .then([
        { type: 'CarePlanCompleted', data: fact(COORDINATOR) },
        {
          type: 'CarePlanActionsWithdrawn',
          data: {
            ...fact(COORDINATOR),
            actionIds: ['med-reconciliation', 'daily-help'],
            reason: { text: `care plan ${CARE_PLAN_ID} completed` },
          },
        },
      ]);
    const completed = run([{ type: 'CompleteCarePlan', actor: COORDINATOR, now: LATER }], given);
    spec
      .given(completed)
      .when({ type: 'MarkCarePlanEnteredInError', actor: ADMIN, now: LATER })
      .then([{ type: 'CarePlanEnteredInError', data: { ...fact(ADMIN), previousStatus: 'completed' } }]);
    spec
      .given(drafted())
      .when({ type: 'MarkCarePlanEnteredInError', actor: NURSE, now: LATER })
      .thenThrows(ForbiddenError);
  });

  it.each([
    ['SuspendCarePlan', 'draft'],
    ['ResumeCarePlan', 'active'],
    ['CompleteCarePlan', 'draft'],
  ] as const)('%s from %s is an illegal transition', (type, from) => {
    spec
      .given(from === 'draft' ? drafted() : active())
      .when({ type, actor: COORDINATOR, now: LATER })
      .thenThrows(BusinessRuleError, { rule: CARE_PLAN_RULES.illegalTransition });
  });

  it('a finished plan goes nowhere but entered-in-error', () => {
    const revoked = run(
      [{ type: 'RevokeCarePlan', actor: COORDINATOR, now: LATER, reason: { text: 'x' } }],
      active(),
    );
    for (const type of ['ResumeCarePlan', 'SuspendCarePlan', 'CompleteCarePlan'] as const) {
      spec
        .given(revoked)
        .when({ type, actor: COORDINATOR, now: LATER })
        .thenThrows(BusinessRuleError, { rule: CARE_PLAN_RULES.illegalTransition });
    }
    spec
      .given(revoked)
      .when(revise({ title: 'after the end' }))
      .thenThrows(BusinessRuleError, { rule: CARE_PLAN_RULES.reviseFromStatus });
  });
});
