import type { CarePlan, Extension, Reference } from 'fhir/r4.js';
import {
  agreementIsCurrent,
  validationIsCurrent,
  type Agreement,
  type ExistingCarePlan,
  type Validation,
} from '../../care-plan/index.js';
import { actorReference, partyReference, patientReference } from '@carenet/access';
import { nonEmpty, optional } from '../shared/optional.js';
import { keptElementsBut, keptExtensions, metaOf } from '../shared/kept-elements.js';
import { activityOf } from './care-plan-activity.js';
import { localReference } from './care-plan-content-of-resource.js';
import { CARE_PLAN_EXTENSIONS } from './care-plan-canonical.js';
import { situationExtensions } from './care-plan-situation.js';

function validationExtension(state: ExistingCarePlan, validation: Validation): Extension {
  return {
    url: CARE_PLAN_EXTENSIONS.validation,
    extension: [
      { url: 'validator', valueReference: partyReference(validation.validator) },
      { url: 'at', valueDateTime: validation.at },
      { url: 'actionsVersion', valuePositiveInt: validation.actionsVersion },
      { url: 'current', valueBoolean: validationIsCurrent(state) },
    ],
  };
}

function agreementExtension(state: ExistingCarePlan, agreement: Agreement): Extension {
  const { representative } = agreement;
  return {
    url: CARE_PLAN_EXTENSIONS.agreement,
    extension: [
      { url: 'agreedBy', valueCode: agreement.agreedBy },
      ...(representative === undefined
        ? []
        : [
            {
              url: 'representative',
              extension: [
                { url: 'name', valueString: representative.name },
                { url: 'relationship', valueString: representative.relationship },
              ],
            },
          ]),
      { url: 'method', valueCode: agreement.method },
      { url: 'recordedBy', valueReference: actorReference(agreement.by) },
      { url: 'at', valueDateTime: agreement.at },
      { url: 'actionsVersion', valuePositiveInt: agreement.actionsVersion },
      { url: 'current', valueBoolean: agreementIsCurrent(state) },
    ],
  };
}

function extensionsOf(state: ExistingCarePlan): Extension[] {
  return [
    ...situationExtensions(state.situation),
    ...(state.coordinator === undefined
      ? []
      : [{ url: CARE_PLAN_EXTENSIONS.coordinator, valueReference: partyReference(state.coordinator) }]),
    ...(state.medecinTraitant === undefined
      ? []
      : [
          {
            url: CARE_PLAN_EXTENSIONS.medecinTraitant,
            valueReference: partyReference(state.medecinTraitant),
          },
        ]),
    ...(state.reviewDate === undefined
      ? []
      : [{ url: CARE_PLAN_EXTENSIONS.reviewDate, valueDate: state.reviewDate }]),
    ...(state.statusReason === undefined
      ? []
      : [{ url: CARE_PLAN_EXTENSIONS.statusReason, valueCodeableConcept: state.statusReason }]),
    ...(state.validation === undefined ? [] : [validationExtension(state, state.validation)]),
    ...(state.agreement === undefined ? [] : [agreementExtension(state, state.agreement)]),
    { url: CARE_PLAN_EXTENSIONS.actionsVersion, valuePositiveInt: state.actionsVersion },
    { url: CARE_PLAN_EXTENSIONS.revalidationRequired, valueBoolean: state.revalidationRequired },
    { url: CARE_PLAN_EXTENSIONS.recordedBy, valueReference: actorReference(state.lastModifiedBy) },
    ...keptExtensions(state.kept),
  ];
}

/**
 * The FHIR R4 CarePlan of a plan's state, at a version (`meta.versionId` = stream revision + 1,
 * `meta.lastUpdated` = time of the latest event). Always `intent: plan`; `created` is when it was
 * drafted unless the client gave its own; the subject, author, coordinator, médecin traitant and
 * performers as given (by national identifier, with `type`; or by literal reference); `goal`
 * (`Goal/<id>`, in priority order) and `careTeam` (`CareTeam/<id>`) as literal references, or as
 * given when they name contained or remote resources; one `activity` per current action (see
 * `activityOf`); every element the domain does not model as given (`kept`), other extensions
 * after carenet's.
 * Extensions: CARE_PLAN_EXTENSIONS (see there; the server-owned ones always or when known).
 */
export function carePlanResource(
  state: ExistingCarePlan,
  version: { readonly versionId: string; readonly lastUpdated: string },
): CarePlan {
  const { kept } = state;
  return {
    resourceType: 'CarePlan',
    id: state.id,
    meta: metaOf(kept, version),
    ...keptElementsBut(kept),
    extension: extensionsOf(state),
    status: state.status,
    intent: 'plan',
    ...nonEmpty('category', state.category),
    ...optional('title', state.title),
    ...optional('description', state.description),
    subject: patientReference(state.subject),
    ...optional('period', state.period),
    created: (kept?.created as string | undefined) ?? state.created,
    author: partyReference(state.author),
    ...(kept?.careTeam !== undefined
      ? { careTeam: kept.careTeam as Reference[] }
      : state.careTeam === undefined
        ? {}
        : { careTeam: [localReference('CareTeam', state.careTeam)] }),
    ...(kept?.goal !== undefined
      ? { goal: kept.goal as Reference[] }
      : nonEmpty(
          'goal',
          state.goals.map((goal) => localReference('Goal', goal)),
        )),
    ...nonEmpty(
      'activity',
      state.actions.map((action) => activityOf(state, action)),
    ),
    ...nonEmpty('note', state.notes),
  };
}
