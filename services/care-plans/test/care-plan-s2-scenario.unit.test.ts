// Scenario S2 of DOMAIN.md §7, at the decider: the CHU discharges Y; DAC coordinator C drafts a
// PPCS (IDEL wound care 3×/week, pharmacist medication reconciliation within 48 h, SAD daily
// help; review D+30). Until Dr B (médecin traitant) validates and Y agrees, no Task is asked
// for; then three, with owners and due dates. An overdue action alerts C. Revision v2 keeps v1.
import { describe, expect, it } from '@jest/globals';
import { BusinessRuleError } from '@carenet/eventsourcing';
import { CARE_PLAN_RULES, type CarePlanEvent } from '../src/care-plan/index.js';
import {
  ACTIVATE,
  AGREE,
  CONSUMER,
  COORDINATOR,
  D,
  D_PLUS_48H,
  draftCommand,
  END_OF_REVIEW_DAY,
  eventsOf,
  FALL_PREVENTION,
  GP,
  HAND_OVER,
  NURSE,
  party,
  PHARMACIST,
  PLAN,
  REVIEW_DATE,
  revise,
  run,
  SAD,
  stateOf,
  VALIDATE,
  WOUND_CARE_END,
} from './support/care-plan-fixtures.js';

const handOvers = (events: readonly CarePlanEvent[]) =>
  events.filter((event) => event.type.startsWith('CarePlanActions'));

describe('S2: hospital discharge creates a PPCS', () => {
  it('from the draft to three Tasks asked for, an alert to C, and v2 keeping v1', () => {
    // C drafts the PPCS at discharge (D), review at D+30.
    const log = run([draftCommand()]);
    expect(REVIEW_DATE).toBe('2026-06-19');
    expect(stateOf(log)).toMatchObject({
      status: 'draft',
      reviewDate: REVIEW_DATE,
      coordinator: party(COORDINATOR),
    });

    // Not yet: neither validated nor agreed.
    expect(() => eventsOf(ACTIVATE, log)).toThrow(BusinessRuleError);
    // Dr B validates: still no Task, activation still refused (Y has not agreed).
    log.push(...eventsOf(VALIDATE, log));
    let refusal: unknown;
    try {
      eventsOf(ACTIVATE, log);
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toMatchObject({ rule: CARE_PLAN_RULES.ppcsAgreementRequired });
    // Y agrees.
    log.push(...eventsOf(AGREE, log));
    expect(handOvers(log)).toEqual([]);

    // Activation: the three actions go to the Tasks service, with owners and due dates.
    log.push(...eventsOf(ACTIVATE, log));
    const scheduled = handOvers(log);
    expect(scheduled).toHaveLength(1);
    const [event] = scheduled;
    expect(event?.type).toBe('CarePlanActionsScheduled');
    if (event?.type !== 'CarePlanActionsScheduled') return;
    expect(event.data).toMatchObject({ ...HAND_OVER, version: 1 });
    expect(event.data.actions.map((action) => [action.actionId, action.performer, action.due])).toEqual([
      ['med-reconciliation', party(PHARMACIST), D_PLUS_48H],
      ['wound-care', party(NURSE), WOUND_CARE_END],
      ['daily-help', SAD, END_OF_REVIEW_DAY],
    ]);

    // The tasks consumer links the three Tasks; the pharmacist is late: C is alerted, once.
    for (const action of event.data.actions) {
      log.push(
        ...eventsOf(
          {
            type: 'LinkActionTask',
            actor: CONSUMER,
            now: D,
            actionId: action.actionId,
            taskId: `task-${action.actionId}`,
          },
          log,
        ),
      );
    }
    const overdue = {
      type: 'RaiseActionOverdueAlert',
      actor: CONSUMER,
      now: '2026-05-22T10:00:00.000Z',
      actionId: 'med-reconciliation',
      taskId: 'task-med-reconciliation',
      due: D_PLUS_48H,
    } as const;
    log.push(...eventsOf(overdue, log));
    expect(eventsOf(overdue, log)).toEqual([]);
    expect(log.at(-1)).toMatchObject({
      type: 'CarePlanAlertRaised',
      data: { kind: 'action-overdue', coordinator: party(COORDINATOR), actionId: 'med-reconciliation' },
    });

    // Revision v2 (a fall-prevention visit): a new version; v1 stays in the log, whole.
    const v1 = log.length;
    log.push(
      ...eventsOf(revise({ actions: [...PLAN.actions, FALL_PREVENTION] }, '2026-05-25T09:00:00.000Z'), log),
    );
    expect(log[0]).toMatchObject({ type: 'CarePlanDrafted', data: { version: 1, plan: PLAN } });
    expect(stateOf(log.slice(0, v1)).actions).toEqual(PLAN.actions);
    expect(stateOf(log)).toMatchObject({ version: 2, revalidationRequired: true });
    // Not handed over until Dr B and Y approve v2's actions.
    expect(handOvers(log.slice(v1))).toEqual([]);
    log.push(...eventsOf({ ...VALIDATE, actor: GP }, log));
    log.push(...eventsOf(AGREE, log));
    expect(
      handOvers(log.slice(v1)).map(
        (e) => e.type === 'CarePlanActionsScheduled' && e.data.actions.map((a) => a.actionId),
      ),
    ).toEqual([['fall-prevention']]);
  });
});
