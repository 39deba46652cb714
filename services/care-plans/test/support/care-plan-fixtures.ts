// Actors, plans and histories shared by the CarePlan decider tests: scenario S2 of DOMAIN.md §7
// (the CHU discharges Y; DAC coordinator C drafts a PPCS; Dr B, médecin traitant, validates).
import type { PatientActor, ProfessionalActor, SystemActor } from '@carenet/access';
import { fold } from '@carenet/eventsourcing';
import {
  CARE_PLAN_CATEGORY_SYSTEM,
  carePlanDecider,
  partyOfActor,
  type CarePlanAction,
  type CarePlanCommand,
  type CarePlanContent,
  type CarePlanEvent,
  type DraftCarePlan,
  type ExistingCarePlan,
  type Party,
  type RecordPatientAgreement,
  type ValidateCarePlan,
  type ActivateCarePlan,
} from '../../src/care-plan/index.js';

const IDNPS = 'urn:oid:1.2.250.1.71.4.2.1';
const INS = 'urn:oid:1.2.250.1.213.1.4.8';
const FINESS = 'https://finess.esante.gouv.fr';
const PROFESSION = 'https://mos.esante.gouv.fr/NOS/TRE_G15-ProfessionSante/FHIR/TRE-G15-ProfessionSante';

function professional(value: string, code: string, name: string): ProfessionalActor {
  return {
    kind: 'professional',
    identifier: { system: IDNPS, value },
    profession: { system: PROFESSION, code },
    sector: 'primary-care',
    name,
  };
}

/** DAC coordinator C: drafts the PPCS, its référent. */
export const COORDINATOR: ProfessionalActor = {
  ...professional('870000000001', '60', 'C'),
  sector: 'medico-social',
};
/** Dr B, Y's médecin traitant. */
export const GP = professional('810000000002', '10', 'Dr B');
/** Another GP (not Y's médecin traitant). */
export const OTHER_GP = professional('810000000009', '10', 'Dr Z');
/** IDEL N (wound care) and the pharmacist (medication reconciliation). */
export const NURSE = professional('860000000001', '60', 'N');
export const PHARMACIST = professional('821000000001', '21', 'Ph');
/** Y, the patient, by INS; and another patient. */
export const PATIENT_Y: PatientActor = {
  kind: 'patient',
  identifier: { system: INS, value: '279035121518989' },
};
export const OTHER_PATIENT: PatientActor = {
  kind: 'patient',
  identifier: { system: INS, value: '180017512345678' },
};
/** The care-plans consumer of task events, the clock, an administrator, an EHR. */
export const CONSUMER: SystemActor = { kind: 'system', clientId: 'carenet-care-plans-consumer' };
export const CLOCK: SystemActor = { kind: 'system', clientId: 'carenet-clock' };
export const ADMIN: SystemActor = { kind: 'system', clientId: 'carenet-ops', administrator: true };
export const EHR: SystemActor = { kind: 'system', clientId: 'ehr-dac' };

export function party(actor: ProfessionalActor | SystemActor): Party {
  const result = partyOfActor(actor);
  if (result === undefined) throw new TypeError('not a party');
  return result;
}

/** The home-care service (SAD), an organisation by FINESS. */
export const SAD: Party = {
  kind: 'organization',
  identifier: { system: FINESS, value: '330000002' },
  display: 'SAD',
};

export const CARE_PLAN_ID = 'ppcs-y-1';
/** D: discharge day, when C drafts the plan. */
export const D = '2026-05-20T08:00:00.000Z';
export const D_PLUS_48H = '2026-05-22T08:00:00.000Z';
export const LATER = '2026-05-21T08:00:00.000Z';
export const REVIEW_DATE = '2026-06-19';
export const AFTER_REVIEW = '2026-06-20T07:00:00.000Z';
export const END_OF_REVIEW_DAY = '2026-06-19T23:59:59.999Z';
export const WOUND_CARE_END = '2026-06-03T18:00:00.000Z';

export const PPCS_CATEGORY = {
  coding: [{ system: CARE_PLAN_CATEGORY_SYSTEM, code: 'ppcs', display: 'PPCS' }],
};
export const ORDINARY_CATEGORY = { coding: [{ system: CARE_PLAN_CATEGORY_SYSTEM, code: 'nursing-plan' }] };

/** IDEL wound care, 3 times a week for two weeks. */
export const WOUND_CARE: CarePlanAction = {
  actionId: 'wound-care',
  code: { coding: [{ system: 'http://snomed.info/sct', code: '225358003', display: 'Wound care' }] },
  description: 'Pansement de l’ulcère de jambe',
  performer: party(NURSE),
  scheduled: {
    kind: 'timing',
    frequency: 3,
    period: 1,
    periodUnit: 'wk',
    boundsPeriod: { start: D, end: WOUND_CARE_END },
  },
  expectedResult: 'ulcer healing',
  priority: 'routine',
  kind: 'care',
};

/** Pharmacist medication reconciliation, within 48 h of discharge. */
export const MED_RECONCILIATION: CarePlanAction = {
  actionId: 'med-reconciliation',
  code: {
    coding: [{ system: 'http://snomed.info/sct', code: '430193006', display: 'Medication reconciliation' }],
  },
  performer: party(PHARMACIST),
  scheduled: { kind: 'period', start: D, end: D_PLUS_48H },
  expectedResult: 'reconciled prescription sent to Dr B',
  priority: 'urgent',
  kind: 'medication',
};

/** SAD daily help at home, no end: until the review. */
export const DAILY_HELP: CarePlanAction = {
  actionId: 'daily-help',
  code: { text: 'Aide à domicile quotidienne' },
  performer: SAD,
  scheduled: { kind: 'timing', frequency: 1, period: 1, periodUnit: 'd' },
  expectedResult: 'Y stays at home safely',
  priority: 'routine',
  kind: 'social',
};

/** A fall-prevention visit (prevention actions are handed over first). */
export const FALL_PREVENTION: CarePlanAction = {
  actionId: 'fall-prevention',
  code: { text: 'Évaluation du risque de chute à domicile' },
  performer: party(NURSE),
  due: '2026-05-30T12:00:00.000Z',
  priority: 'routine',
  kind: 'prevention',
};

export const PLAN: CarePlanContent = {
  category: [PPCS_CATEGORY],
  title: 'PPCS de Y après sortie du CHU',
  subject: { system: INS, value: PATIENT_Y.identifier.value },
  period: { start: D },
  situation: {
    problems: [
      { dimension: 'medical', text: 'ulcère de jambe', code: { text: 'leg ulcer' } },
      { dimension: 'social', text: 'vit seule' },
    ],
    needs: [
      { dimension: 'environmental', text: 'logement à adapter' },
      { dimension: 'psychological', text: 'anxiété au retour à domicile' },
    ],
  },
  goals: ['goal-healing', 'goal-home'],
  actions: [WOUND_CARE, MED_RECONCILIATION, DAILY_HELP],
  coordinator: party(COORDINATOR),
  medecinTraitant: party(GP),
  careTeam: 'care-team-y',
  reviewDate: REVIEW_DATE,
  notes: [{ text: 'sortie du CHU le ' + D.slice(0, 10) }],
};

export function draftCommand(overrides: Partial<DraftCarePlan> = {}): DraftCarePlan {
  return {
    type: 'DraftCarePlan',
    carePlanId: CARE_PLAN_ID,
    actor: COORDINATOR,
    now: D,
    author: party(COORDINATOR),
    plan: PLAN,
    ...overrides,
  };
}

export const VALIDATE: ValidateCarePlan = { type: 'ValidateCarePlan', actor: GP, now: LATER };
export const AGREE: RecordPatientAgreement = {
  type: 'RecordPatientAgreement',
  actor: PATIENT_Y,
  now: LATER,
  agreedBy: 'patient',
  method: 'electronic',
};
export const ACTIVATE: ActivateCarePlan = { type: 'ActivateCarePlan', actor: COORDINATOR, now: LATER };

/** The events of running commands in order, after `given`. */
export function run(
  commands: readonly CarePlanCommand[],
  given: readonly CarePlanEvent[] = [],
): CarePlanEvent[] {
  const events = [...given];
  for (const command of commands)
    events.push(...carePlanDecider.decide(command, fold(carePlanDecider, events)));
  return events;
}

/** The events a command adds to `given`. */
export function eventsOf(command: CarePlanCommand, given: readonly CarePlanEvent[]): CarePlanEvent[] {
  return run([command], given).slice(given.length);
}

export function stateOf(events: readonly CarePlanEvent[]): ExistingCarePlan {
  const state = fold(carePlanDecider, events);
  if (!state.exists) throw new TypeError('no care plan');
  return state;
}

export const drafted = (): CarePlanEvent[] => run([draftCommand()]);
export const validated = (): CarePlanEvent[] => run([draftCommand(), VALIDATE]);
export const approved = (): CarePlanEvent[] => run([draftCommand(), VALIDATE, AGREE]);
export const active = (): CarePlanEvent[] => run([draftCommand(), VALIDATE, AGREE, ACTIVATE]);

/** An active plan whose actions' Tasks the tasks consumer linked (Task id `task-<actionId>`). */
export function linked(): CarePlanEvent[] {
  return run(
    PLAN.actions.map((action) => ({
      type: 'LinkActionTask' as const,
      actor: CONSUMER,
      now: LATER,
      actionId: action.actionId,
      taskId: `task-${action.actionId}`,
    })),
    active(),
  );
}

/** ReviseCarePlan by the coordinator with the content changed by `change`. */
export function revise(change: Partial<CarePlanContent>, now = LATER): CarePlanCommand {
  return { type: 'ReviseCarePlan', actor: COORDINATOR, now, plan: { ...PLAN, ...change } };
}

/** `{ carePlanId, by, at }`. */
export const fact = (by: CarePlanCommand['actor'], at = LATER) => ({ carePlanId: CARE_PLAN_ID, by, at });

/** The action as handed over: its due date resolved, its occurrence. */
export function handed(action: CarePlanAction, due: string, occurrence = 1) {
  return { ...action, due, occurrence };
}

/** The three S2 actions as handed over on activation (urgent first, then in the plan's order). */
export const S2_HANDED = [
  handed(MED_RECONCILIATION, D_PLUS_48H),
  handed(WOUND_CARE, WOUND_CARE_END),
  handed(DAILY_HELP, END_OF_REVIEW_DAY),
];

/** What every hand-over event of the S2 plan says about the patient and the coordinator. */
export const HAND_OVER = {
  patient: PLAN.subject,
  coordinator: party(COORDINATOR),
};
