import { carenetCodeSystem, carenetExtension, carenetNamingSystem, carenetOperation } from '@carenet/fhir';
import { RECORDED_BY_EXTENSION } from '../shared/extensions.js';

/**
 * The project extensions a CarePlan carries (decided once, under the carenet canonical base).
 * Written by clients (content of the plan):
 * - `situation` (on CarePlan, repeated, complex): one problem or need of the situation summary;
 *   sub-extensions `kind` (valueCode problem | need), `dimension` (valueCoding in
 *   PPCS_DIMENSION_SYSTEM), `text` (valueString), `code` (valueCodeableConcept, optional);
 * - `coordinator` (on CarePlan): the référent / coordinator (valueReference by identifier);
 * - `medecinTraitant` (on CarePlan): the patient's médecin traitant (valueReference, Practitioner
 *   by IDNPS / RPPS), who validates the plan;
 * - `reviewDate` (on CarePlan): the review date (valueDate);
 * - `statusReason` (on CarePlan): why the status changed (valueCodeableConcept; R4 CarePlan has
 *   no statusReason); read from a PUT that changes the status only;
 * - `actionId` (on CarePlan.activity): the action's stable id (valueString);
 * - `actionPriority` (on activity.detail): valueCode of http://hl7.org/fhir/request-priority;
 * - `actionKind` (on activity.detail): valueCoding in ACTION_KIND_SYSTEM (prevention, care…);
 * - `actionExpectedResult` (on activity.detail): valueString;
 * - `actionDue` (on activity.detail): the due date the client set (valueDateTime).
 * Server-owned (rendered, ignored in request bodies):
 * - `actionTask` (on CarePlan.activity): the action's Task (valueReference `Task/<id>`), in place
 *   of `activity.reference` (R4 cpl-3: an activity has a reference or a detail, not both);
 * - `actionEffectiveDue` (on activity.detail): when the action is due, `actionDue` resolved
 *   (own due, end of the scheduled period or Timing bounds, else the end of the review date);
 * - `validation` (on CarePlan, complex): the médecin traitant's validation: `validator`
 *   (valueReference), `at` (valueDateTime), `actionsVersion` (valuePositiveInt), `current`
 *   (valueBoolean: it covers the current actions);
 * - `agreement` (on CarePlan, complex): the patient's agreement: `agreedBy` (valueCode patient |
 *   representative), `representative` (complex: `name`, `relationship`, valueString), `method`
 *   (valueCode oral | written | electronic), `recordedBy` (valueReference), `at`,
 *   `actionsVersion`, `current`;
 * - `actionsVersion` (on CarePlan): the number of the current set of actions (valuePositiveInt);
 * - `revalidationRequired` (on CarePlan): a followed PPCS whose current actions await validation
 *   or agreement (valueBoolean);
 * - `recordedBy` (on CarePlan): who made the latest change (the `recorded-by` of every carenet
 *   resource).
 */
export const CARE_PLAN_EXTENSIONS = {
  situation: carenetExtension('care-plan-situation'),
  coordinator: carenetExtension('care-plan-coordinator'),
  medecinTraitant: carenetExtension('care-plan-medecin-traitant'),
  reviewDate: carenetExtension('care-plan-review-date'),
  statusReason: carenetExtension('care-plan-status-reason'),
  actionId: carenetExtension('care-plan-action-id'),
  actionPriority: carenetExtension('care-plan-action-priority'),
  actionKind: carenetExtension('care-plan-action-kind'),
  actionExpectedResult: carenetExtension('care-plan-action-expected-result'),
  actionDue: carenetExtension('care-plan-action-due'),
  actionTask: carenetExtension('care-plan-activity-task'),
  actionEffectiveDue: carenetExtension('care-plan-action-effective-due'),
  validation: carenetExtension('care-plan-validation'),
  agreement: carenetExtension('care-plan-agreement'),
  actionsVersion: carenetExtension('care-plan-actions-version'),
  revalidationRequired: carenetExtension('care-plan-revalidation-required'),
  recordedBy: RECORDED_BY_EXTENSION,
} as const;

/** The CodeSystem of the dimensions of the PPCS situation summary (medical, psychological, social, environmental). */
export const PPCS_DIMENSION_SYSTEM: string = carenetCodeSystem('ppcs-dimension');

/** The CodeSystem of the kinds of action (prevention, care, medication, social, education, coordination). */
export const ACTION_KIND_SYSTEM: string = carenetCodeSystem('care-plan-action-kind');

/** `CarePlan/[id]/$validate-plan`: the médecin traitant validates the current actions. */
export const VALIDATE_PLAN_OPERATION: string = carenetOperation('CarePlan-validate-plan');

/** `CarePlan/[id]/$record-agreement`: the patient's (or representative's) agreement to the current actions. */
export const RECORD_AGREEMENT_OPERATION: string = carenetOperation('CarePlan-record-agreement');

/** The identifier system of the Task of a plan's action (value `<carePlanId>#<actionId>`). */
export const CARE_PLAN_ACTION_SYSTEM: string = carenetNamingSystem('care-plan-action');
