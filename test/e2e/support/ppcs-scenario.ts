// The PPCS scenario of DOMAIN.md (S2) on the PPCS platform: who acts, the patient, and the plan
// the coordinator drafts for them.
import type { CarePlan, CarePlanActivity, Reference } from 'fhir/r4.js';
import { CARE_PLAN_EXTENSIONS } from '@carenet/care-plans';
import { IDNPS, INS, professional } from './ppcs-platform.js';

/** The DAC coordinator, a nurse. */
export const C = professional('870000000001', '60', 'C (DAC coordinator)');
/** The médecin traitant. */
export const DR_B = professional('810000000002', '10', 'Dr B');
/** The independent nurse (IDEL). */
export const IDEL = professional('860000000001', '60', 'N (IDEL)');
export const PHARMACIST = professional('821000000001', '21', 'Ph');
/** The patient's INS. */
export const Y = { system: INS, value: '279035121518989' };
/** The day of the discharge. */
export const D = '2026-05-20T08:00:00.000Z';

/** A professional as a Practitioner reference by identifier. */
export const ref = (actor: ReturnType<typeof professional>): Reference => ({
  type: 'Practitioner',
  identifier: actor.kind === 'professional' ? actor.identifier : { system: IDNPS, value: '' },
});

/** An action of the plan: a Task of `performer`, not started, scheduled by `schedule`. */
export const activity = (
  performer: Reference,
  code: string,
  schedule: Partial<CarePlanActivity['detail'] & object>,
  priority = 'routine',
): CarePlanActivity => ({
  detail: {
    extension: [{ url: CARE_PLAN_EXTENSIONS.actionPriority, valueCode: priority }],
    kind: 'Task',
    code: { text: code },
    status: 'not-started',
    performer: [performer],
    ...schedule,
  },
});

/** Y's draft PPCS, coordinated by C, with DR_B as médecin traitant; review D+30. */
export function draftPpcs(title: string, activities: CarePlanActivity[]): CarePlan {
  return {
    resourceType: 'CarePlan',
    extension: [
      { url: CARE_PLAN_EXTENSIONS.coordinator, valueReference: ref(C) },
      { url: CARE_PLAN_EXTENSIONS.medecinTraitant, valueReference: ref(DR_B) },
      { url: CARE_PLAN_EXTENSIONS.reviewDate, valueDate: '2026-06-19' },
    ],
    status: 'draft',
    intent: 'plan',
    category: [
      {
        coding: [{ system: 'https://carenet.example.org/fhir/CodeSystem/care-plan-category', code: 'ppcs' }],
      },
    ],
    title,
    subject: { identifier: Y },
    activity: activities,
  };
}
