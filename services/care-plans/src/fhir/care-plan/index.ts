/**
 * # CarePlan ↔ FHIR R4 (pure mapping)
 *
 * What a CarePlan resource means for the CarePlan aggregate, and back. No I/O, no clock.
 *
 * - `status` is the lifecycle (draft, active, on-hold, revoked, completed, entered-in-error; R4
 *   `unknown` is refused). Created in draft only (`care-plan-initial-status`); an update that
 *   changes it is the lifecycle's command (activate, suspend, resume, revoke, complete,
 *   entered-in-error), the `care-plan-status-reason` extension giving its reason (R4 CarePlan has
 *   no statusReason). Activation of a PPCS needs `$validate-plan` and `$record-agreement` first
 *   (FHIR operations on the instance: they record facts with their own parameters and actor, which
 *   a PUT of the resource cannot say).
 * - `intent` is `plan`; any other intent is refused (ValidationError `CarePlan.intent`): a PPCS
 *   is a plan, and carenet has no proposals or orders of plans.
 * - `category` as given; the coding `ppcs` of CodeSystem `care-plan-category` makes a PPCS.
 * - `title`, `description`, `period` (dates checked), `note` as given.
 * - `subject`: the patient by INS (or NAM) identifier, rendered with `type: Patient` so that
 *   `patient=` searches match; a literal-only reference is a ValidationError at
 *   `CarePlan.subject.identifier`. Fixed at creation (`care-plan-subject-immutable`).
 * - `author`: by national identifier (absent on create: the acting party); fixed at creation.
 * - `contributor` is not used: the coordinator (référent) and the médecin traitant are roles, so
 *   each is its own extension (`care-plan-coordinator`, `care-plan-medecin-traitant`,
 *   valueReference by identifier): one party each, with an explicit meaning.
 * - `careTeam`: one literal `CareTeam/<id>`. `goal`: literal `Goal/<id>` references, in priority
 *   order (first = highest).
 * - The situation summary: R4 `addresses` references Condition resources carenet does not hold,
 *   and needs are not conditions; so each problem or need is a `care-plan-situation` complex
 *   extension (`kind` problem | need, `dimension` coding in CodeSystem `ppcs-dimension`, `text`,
 *   optional `code`). `addresses` is not kept.
 * - The review date: `care-plan-review-date` (valueDate, YYYY-MM-DD).
 * - Validation, agreement, the actions version, whether re-validation is required and who
 *   recorded the latest change: server-owned extensions, rendered, ignored in requests.
 * - `activity`: one per action, in the plan's order.
 *   - `activity.detail`: `kind` Task (each action is carried out as a Task); `code` (what,
 *     required); `status` (server-owned: it follows the action's Task: not-started until handed
 *     over, then scheduled, in-progress, on-hold, completed, cancelled, stopped,
 *     entered-in-error); `scheduledTiming` (frequency per period and unit, within boundsPeriod) or
 *     `scheduledPeriod` (`scheduledString` refused); `performer[0]` by national identifier (one
 *     only); `description`; extensions `care-plan-action-priority` (valueCode of request-priority,
 *     default routine), `care-plan-action-kind` (valueCoding), `care-plan-action-expected-result`
 *     (valueString: the expected result is free text, not a Goal), `care-plan-action-due` (the due
 *     date the client set) and, server-owned, `care-plan-action-effective-due` (the due date
 *     resolved: own due, end of the schedule, else the end of the review day). Two extensions for
 *     the due date so that a PUT of the rendered resource never turns a computed date into a fixed
 *     one.
 *   - The action id: extension `care-plan-action-id` (valueString) on the activity. On create,
 *     activities without one get `a1`, `a2`… in order. Clients keep the ids they got back: on
 *     update, an activity with an id is that action (changed or not), an activity without one is
 *     a NEW action with the next free `a<n>` (never an id used before in the plan), and an action
 *     whose activity is missing is removed (its open Task is cancelled).
 *     A removed action is no longer rendered (earlier versions in `_history` show it).
 *   - The Task: R4 cpl-3 ("provide a reference or detail, not both") forbids `activity.reference`
 *     beside `detail`. Rendering only the reference once linked would drop the action itself
 *     (what, who, when) from the plan, and make a PUT of the rendered plan lose it; so `detail`
 *     is always rendered and the Task is the server-owned `care-plan-activity-task` extension of
 *     the activity (valueReference `Task/<id>`, type Task), kept in step with `detail.status` by
 *     the task events. `activity.reference` in a request is refused; the `activity-reference`
 *     search parameter is to read that extension.
 * - `$validate-plan` (VALIDATE_PLAN_OPERATION): optional `note`. `$record-agreement`
 *   (RECORD_AGREEMENT_OPERATION): `agreedBy`, `representative` (parts name, relationship),
 *   `method`, `note`.
 * - The tasks service names an action's Task by the identifier CARE_PLAN_ACTION_SYSTEM
 *   `<carePlanId>#<actionId>` (`carePlanActionIdentifier`, `parseCarePlanActionIdentifier`).
 */
export { carePlanResource } from './care-plan-resource.js';
export { draftCarePlanCommand } from './draft-care-plan-command.js';
export { updateCarePlanCommands } from './update-care-plan-commands.js';
export { recordAgreementCommand, validatePlanCommand } from './care-plan-operations.js';
export {
  CARE_PLAN_ACTION_SYSTEM,
  CARE_PLAN_EXTENSIONS,
  RECORD_AGREEMENT_OPERATION,
  VALIDATE_PLAN_OPERATION,
} from './care-plan-canonical.js';
export { carePlanActionIdentifier, parseCarePlanActionIdentifier } from './care-plan-action-identifier.js';
export {
  CARE_PLAN_OPERATION_DEFINITIONS,
  RECORD_AGREEMENT_OPERATION_DEFINITION,
  VALIDATE_PLAN_OPERATION_DEFINITION,
} from './care-plan-operation-definitions.js';
