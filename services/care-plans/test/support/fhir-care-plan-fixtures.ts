// FHIR request bodies and helpers shared by the CarePlan FHIR mapping tests
// (fhir-care-plan-*.unit.test.ts): scenario S2 of DOMAIN.md §7 as a client POSTs it.
import { expect } from '@jest/globals';
import { BusinessRuleError, ValidationError } from '@carenet/eventsourcing';
import { createResourceValidator } from '@carenet/fhir';
import type { CarePlan, CarePlanActivity, Extension, Reference } from 'fhir/r4.js';
import { CARE_PLAN_CATEGORY_SYSTEM } from '../../src/care-plan/index.js';
import { CARE_PLAN_EXTENSIONS } from '../../src/fhir/care-plan/index.js';
import { ACTION_KIND_SYSTEM, PPCS_DIMENSION_SYSTEM } from '../../src/fhir/care-plan/care-plan-canonical.js';
import { D, D_PLUS_48H, REVIEW_DATE, WOUND_CARE_END } from './care-plan-fixtures.js';

export const IDNPS = 'urn:oid:1.2.250.1.71.4.2.1';
export const INS = 'urn:oid:1.2.250.1.213.1.4.8';
export const FINESS = 'https://finess.esante.gouv.fr';
export const Y_INS = '279035121518989';

export const practitioner = (value: string, display: string): Reference => ({
  type: 'Practitioner',
  identifier: { system: IDNPS, value },
  display,
});

export const COORDINATOR_REF = practitioner('870000000001', 'C');
export const GP_REF = practitioner('810000000002', 'Dr B');
export const NURSE_REF = practitioner('860000000001', 'N');
export const PHARMACIST_REF = practitioner('821000000001', 'Ph');
export const SAD_REF: Reference = {
  type: 'Organization',
  identifier: { system: FINESS, value: '330000002' },
  display: 'SAD',
};

function situation(kind: 'problem' | 'need', dimension: string, text: string, code?: string): Extension {
  return {
    url: CARE_PLAN_EXTENSIONS.situation,
    extension: [
      { url: 'kind', valueCode: kind },
      {
        url: 'dimension',
        valueCoding: {
          system: PPCS_DIMENSION_SYSTEM,
          code: dimension,
          display: dimension.charAt(0).toUpperCase() + dimension.slice(1),
        },
      },
      { url: 'text', valueString: text },
      ...(code === undefined ? [] : [{ url: 'code', valueCodeableConcept: { text: code } }]),
    ],
  };
}

const kind = (code: string): Extension => ({
  url: CARE_PLAN_EXTENSIONS.actionKind,
  valueCoding: { system: ACTION_KIND_SYSTEM, code, display: code.charAt(0).toUpperCase() + code.slice(1) },
});
const priority = (code: string): Extension => ({ url: CARE_PLAN_EXTENSIONS.actionPriority, valueCode: code });
const expected = (text: string): Extension => ({
  url: CARE_PLAN_EXTENSIONS.actionExpectedResult,
  valueString: text,
});

/** IDEL wound care, 3 times a week for two weeks (a Timing). */
export const WOUND_CARE_ACTIVITY: CarePlanActivity = {
  detail: {
    extension: [priority('routine'), kind('care'), expected('ulcer healing')],
    kind: 'Task',
    code: { coding: [{ system: 'http://snomed.info/sct', code: '225358003', display: 'Wound care' }] },
    status: 'not-started',
    scheduledTiming: {
      repeat: { boundsPeriod: { start: D, end: WOUND_CARE_END }, frequency: 3, period: 1, periodUnit: 'wk' },
    },
    performer: [NURSE_REF],
    description: 'Pansement de l’ulcère de jambe',
  },
};

/** Pharmacist medication reconciliation within 48 h (a Period). */
export const MED_RECONCILIATION_ACTIVITY: CarePlanActivity = {
  detail: {
    extension: [priority('urgent'), kind('medication'), expected('reconciled prescription sent to Dr B')],
    kind: 'Task',
    code: {
      coding: [{ system: 'http://snomed.info/sct', code: '430193006', display: 'Medication reconciliation' }],
    },
    status: 'not-started',
    scheduledPeriod: { start: D, end: D_PLUS_48H },
    performer: [PHARMACIST_REF],
  },
};

/** SAD daily help at home, until the review. */
export const DAILY_HELP_ACTIVITY: CarePlanActivity = {
  detail: {
    extension: [priority('routine'), kind('social'), expected('Y stays at home safely')],
    kind: 'Task',
    code: { text: 'Aide à domicile quotidienne' },
    status: 'not-started',
    scheduledTiming: { repeat: { frequency: 1, period: 1, periodUnit: 'd' } },
    performer: [SAD_REF],
  },
};

/** The S2 PPCS as C's software POSTs it (no action ids yet: the server gives them). */
export function s2Body(overrides: Partial<CarePlan> = {}): CarePlan {
  return {
    resourceType: 'CarePlan',
    extension: [
      situation('problem', 'medical', 'ulcère de jambe', 'leg ulcer'),
      situation('problem', 'social', 'vit seule'),
      situation('need', 'environmental', 'logement à adapter'),
      situation('need', 'psychological', 'anxiété au retour à domicile'),
      { url: CARE_PLAN_EXTENSIONS.coordinator, valueReference: COORDINATOR_REF },
      { url: CARE_PLAN_EXTENSIONS.medecinTraitant, valueReference: GP_REF },
      { url: CARE_PLAN_EXTENSIONS.reviewDate, valueDate: REVIEW_DATE },
    ],
    status: 'draft',
    intent: 'plan',
    category: [{ coding: [{ system: CARE_PLAN_CATEGORY_SYSTEM, code: 'ppcs', display: 'PPCS' }] }],
    title: 'PPCS de Y après sortie du CHU',
    subject: { type: 'Patient', identifier: { system: INS, value: Y_INS } },
    period: { start: D },
    author: COORDINATOR_REF,
    careTeam: [{ reference: 'CareTeam/care-team-y', type: 'CareTeam' }],
    goal: [
      { reference: 'Goal/goal-healing', type: 'Goal' },
      { reference: 'Goal/goal-home', type: 'Goal' },
    ],
    activity: [WOUND_CARE_ACTIVITY, MED_RECONCILIATION_ACTIVITY, DAILY_HELP_ACTIVITY],
    note: [{ text: 'sortie du CHU le 2026-05-20' }],
    ...overrides,
  };
}

/** The extensions a client writes; the others are the server's. */
const CLIENT_EXTENSIONS: readonly string[] = [
  CARE_PLAN_EXTENSIONS.situation,
  CARE_PLAN_EXTENSIONS.coordinator,
  CARE_PLAN_EXTENSIONS.medecinTraitant,
  CARE_PLAN_EXTENSIONS.reviewDate,
  CARE_PLAN_EXTENSIONS.statusReason,
  CARE_PLAN_EXTENSIONS.actionPriority,
  CARE_PLAN_EXTENSIONS.actionKind,
  CARE_PLAN_EXTENSIONS.actionExpectedResult,
  CARE_PLAN_EXTENSIONS.actionDue,
];

function clientExtensions(extensions: readonly Extension[] | undefined): Partial<{ extension: Extension[] }> {
  const kept = (extensions ?? []).filter((extension) => CLIENT_EXTENSIONS.includes(extension.url));
  return kept.length === 0 ? {} : { extension: kept };
}

/**
 * The resource without what the server owns: id, meta, created, the server-owned extensions
 * (and the action ids), and each activity's detail.status.
 */
export function withoutServerOwned(resource: CarePlan): CarePlan {
  const { id: _id, meta: _meta, created: _created, extension, activity, ...rest } = resource;
  return {
    ...rest,
    ...clientExtensions(extension),
    ...(activity === undefined
      ? {}
      : {
          activity: activity.map(({ extension: activityExtensions, detail, ...others }) => ({
            ...others,
            ...clientExtensions(activityExtensions),
            ...(detail === undefined
              ? {}
              : (({ status: _status, extension: detailExtensions, ...detailRest }) => ({
                  detail: {
                    ...detailRest,
                    status: 'unknown' as const,
                    ...clientExtensions(detailExtensions),
                  },
                }))(detail)),
          })),
        }),
  };
}

/** The activity's extension with this url. */
export function extensionOf(
  element: { extension?: Extension[] | undefined } | undefined,
  url: string,
): Extension | undefined {
  return element?.extension?.find((extension) => extension.url === url);
}

/** The action ids of the rendered activities. */
export function actionIds(resource: CarePlan): (string | undefined)[] {
  return (resource.activity ?? []).map(
    (activity) => extensionOf(activity, CARE_PLAN_EXTENSIONS.actionId)?.valueString,
  );
}

export const validator = createResourceValidator({ types: ['CarePlan', 'Parameters'] });

/** Asserts the resource is valid FHIR R4 (the validator's issues in the failure message). */
export function expectValidR4(resource: { resourceType: string }): void {
  const result = validator.validate(resource, { type: resource.resourceType });
  expect(result.ok ? [] : result.issues).toEqual([]);
}

/** The issues of the ValidationError `act` throws. */
export function validationIssues(act: () => unknown): { path: string; message: string }[] {
  try {
    act();
  } catch (error) {
    if (error instanceof ValidationError) return [...error.issues];
    throw error;
  }
  throw new Error('expected a ValidationError');
}

/** The paths of the ValidationError `act` throws. */
export function issuePaths(act: () => unknown): string[] {
  return validationIssues(act).map((issue) => issue.path);
}

/** The rule and message of the BusinessRuleError `act` throws. */
export function businessRule(act: () => unknown): { rule: string; message: string } {
  try {
    act();
  } catch (error) {
    if (error instanceof BusinessRuleError) return { rule: error.rule, message: error.message };
    throw error;
  }
  throw new Error('expected a BusinessRuleError');
}
