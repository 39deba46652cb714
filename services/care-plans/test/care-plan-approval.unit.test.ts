import { describe, expect, it } from '@jest/globals';
import { BusinessRuleError, ForbiddenError } from '@carenet/eventsourcing';
import { deciderSpecification } from '@carenet/testing';
import { CARE_PLAN_RULES, carePlanDecider, type CarePlanCommand } from '../src/care-plan/index.js';
import {
  AGREE,
  COORDINATOR,
  draftCommand,
  drafted,
  EHR,
  fact,
  GP,
  LATER,
  NURSE,
  OTHER_GP,
  OTHER_PATIENT,
  party,
  PATIENT_Y,
  PLAN,
  run,
  stateOf,
  VALIDATE,
  validated,
} from './support/care-plan-fixtures.js';

const spec = deciderSpecification(carePlanDecider);

describe('$validate-plan', () => {
  it('the médecin traitant validates the current version and its actions', () => {
    spec
      .given(drafted())
      .when({ ...VALIDATE, note: 'ok' })
      .then([
        {
          type: 'CarePlanValidated',
          data: { ...fact(GP), validator: party(GP), version: 1, actionsVersion: 1, note: 'ok' },
        },
      ]);
  });

  it('nobody else: another GP, the coordinator, a system, the patient', () => {
    for (const actor of [OTHER_GP, COORDINATOR, EHR, PATIENT_Y]) {
      spec
        .given(drafted())
        .when({ ...VALIDATE, actor })
        .thenThrows(ForbiddenError);
    }
  });

  it('validating again the same actions changes nothing', () => {
    spec.given(validated()).when(VALIDATE).then([]);
  });

  it('a plan without médecin traitant (an ordinary plan) has none to validate it', () => {
    const { medecinTraitant: _m, ...plan } = { ...PLAN, category: [] };
    spec
      .given(run([draftCommand({ plan })]))
      .when(VALIDATE)
      .thenThrows(BusinessRuleError, { rule: CARE_PLAN_RULES.medecinTraitantMissing });
  });

  it('a new médecin traitant must validate again', () => {
    const given = run(
      [
        {
          type: 'ReviseCarePlan',
          actor: COORDINATOR,
          now: LATER,
          plan: { ...PLAN, medecinTraitant: party(OTHER_GP) },
        },
      ],
      validated(),
    );
    spec.given(given).when(VALIDATE).thenThrows(ForbiddenError);
    expect(run([{ ...VALIDATE, actor: OTHER_GP }], given).at(-1)?.type).toBe('CarePlanValidated');
  });
});

describe('$record-agreement', () => {
  it('the patient records their own agreement', () => {
    spec
      .given(drafted())
      .when(AGREE)
      .then([
        {
          type: 'CarePlanPatientAgreementRecorded',
          data: {
            ...fact(PATIENT_Y),
            patient: PLAN.subject,
            agreedBy: 'patient',
            method: 'electronic',
            version: 1,
            actionsVersion: 1,
          },
        },
      ]);
    spec
      .given(run([AGREE], drafted()))
      .when(AGREE)
      .then([]);
  });

  it('another patient may not; a patient does not record a representative’s agreement', () => {
    spec
      .given(drafted())
      .when({ ...AGREE, actor: OTHER_PATIENT })
      .thenThrows(ForbiddenError);
    spec
      .given(drafted())
      .when({ ...AGREE, agreedBy: 'representative', representative: { name: 'M. Y', relationship: 'son' } })
      .thenThrows(ForbiddenError);
  });

  it('the coordinator records the representative’s agreement, naming them', () => {
    const command: CarePlanCommand = {
      type: 'RecordPatientAgreement',
      actor: COORDINATOR,
      now: LATER,
      agreedBy: 'representative',
      representative: { name: 'M. Y', relationship: 'son, personne de confiance' },
      method: 'written',
      note: 'signed at home',
    };
    spec
      .given(drafted())
      .when(command)
      .then([
        {
          type: 'CarePlanPatientAgreementRecorded',
          data: {
            ...fact(COORDINATOR),
            patient: PLAN.subject,
            agreedBy: 'representative',
            representative: { name: 'M. Y', relationship: 'son, personne de confiance' },
            method: 'written',
            version: 1,
            actionsVersion: 1,
            note: 'signed at home',
          },
        },
      ]);
    const { representative: _r, ...unnamed } = command;
    spec
      .given(drafted())
      .when(unnamed)
      .thenThrows(BusinessRuleError, { rule: CARE_PLAN_RULES.representativeRequired });
  });

  it('recorded by a planner (coordinator, médecin traitant, author) or a system, not by a performer', () => {
    const byProfessional = { ...AGREE, method: 'oral' } as const;
    for (const actor of [COORDINATOR, GP, EHR]) {
      expect(run([{ ...byProfessional, actor }], drafted()).at(-1)?.type).toBe(
        'CarePlanPatientAgreementRecorded',
      );
    }
    for (const actor of [NURSE, OTHER_GP]) {
      spec
        .given(drafted())
        .when({ ...byProfessional, actor })
        .thenThrows(ForbiddenError);
    }
  });

  it('is kept with the plan’s state, for the current set of actions', () => {
    const state = stateOf(run([AGREE, VALIDATE], drafted()));
    expect([
      state.agreement?.agreedBy,
      state.agreement?.actionsVersion,
      state.validation?.actionsVersion,
    ]).toEqual(['patient', 1, 1]);
  });

  it('neither validation nor agreement on a finished plan', () => {
    const revoked = run(
      [{ type: 'RevokeCarePlan', actor: COORDINATOR, now: LATER, reason: { text: 'refused' } }],
      drafted(),
    );
    spec
      .given(revoked)
      .when(VALIDATE)
      .thenThrows(BusinessRuleError, { rule: CARE_PLAN_RULES.approvalFromStatus });
    spec
      .given(revoked)
      .when(AGREE)
      .thenThrows(BusinessRuleError, { rule: CARE_PLAN_RULES.approvalFromStatus });
  });
});
