import type { Party } from '@carenet/access/party';
import {
  CARE_PLAN_CATEGORY_SYSTEM,
  PPCS_CATEGORY_CODE,
  type ActionKind,
  type ActionPriority,
  type ActionSchedule,
  type CarePlanAnnotation,
  type CarePlanCodeableConcept,
  type InstantPeriod,
  type KeptElements,
  type PatientIdentifier,
  type SituationDimension,
} from './care-plan-values.js';

/** A problem or a need of the situation summary (HAS PPCS section 2). */
export type SituationItem = Readonly<{
  dimension: SituationDimension;
  text: string;
  code?: CarePlanCodeableConcept;
}>;

/** The situation summary: problems, and unmet needs and expectations, across the four dimensions. */
export type SituationSummary = Readonly<{
  problems: SituationItem[];
  needs: SituationItem[];
}>;

/**
 * An action of the plan (`CarePlan.activity.detail`, HAS section 3): what, who, when, expected
 * result. Each action handed to the Tasks service becomes one Task owned by its performer.
 */
export type CarePlanAction = Readonly<{
  /** Stable id within the plan, given by the client or by the FHIR layer; the Task's id derives from it. */
  actionId: string;
  /** What (`detail.code`). */
  code: CarePlanCodeableConcept;
  description?: string;
  /** Who (`detail.performer`), by national identifier: a professional or an organisation. */
  performer: Party;
  /** When / how often (`detail.scheduled[x]`). */
  scheduled?: ActionSchedule;
  /** When the action's Task is due (ISO instant); derived when absent (see `actionDue`). */
  due?: string;
  /** The expected result (`detail.description` extension / `outcome` intent), as text. */
  expectedResult?: string;
  priority: ActionPriority;
  kind?: ActionKind;
}>;

/**
 * What a plan says: the full content of a version. Drafted, then replaced whole by each revision
 * (PUT semantics); a consumer or projection rebuilds the plan from the latest content.
 */
export type CarePlanContent = Readonly<{
  /** `CarePlan.category`; the coding `ppcs` of CARE_PLAN_CATEGORY_SYSTEM makes it a PPCS. */
  category: CarePlanCodeableConcept[];
  title?: string;
  description?: string;
  /** The patient (`CarePlan.subject`), by INS. Fixed at creation. */
  subject: PatientIdentifier;
  /** `CarePlan.period`: the time the plan covers. */
  period?: InstantPeriod;
  situation: SituationSummary;
  /** `CarePlan.goal`: Goal ids, in priority order (first = highest). */
  goals: string[];
  actions: CarePlanAction[];
  /** The référent / coordinator (required for a PPCS). */
  coordinator?: Party;
  /** The patient's médecin traitant (a professional, required for a PPCS): validates the plan. */
  medecinTraitant?: Party;
  /** `CarePlan.careTeam`: the CareTeam id. */
  careTeam?: string;
  /** The review date (ISO date, `YYYY-MM-DD`); mandatory for a PPCS. */
  reviewDate?: string;
  notes: CarePlanAnnotation[];
  /**
   * The elements of the CarePlan the domain does not model, as given (`text`, `contained`,
   * `identifier`, `addresses`, `supportingInfo`, `replaces`, `partOf`, `encounter`,
   * `contributor`, a `created` given by the client, other extensions…). Changed by a revision,
   * like the rest of the content.
   */
  kept?: KeptElements;
  /**
   * Per action id, the elements of its activity (`activity`: `outcomeReference`, `progress`…) and
   * of its detail (`detail`: `kind` other than Task, `goal`, `location`, `reasonCode`…) the domain
   * does not model, as given. Apart from the actions: changing them changes no action (no Task
   * amended, no approval needed again).
   */
  actionsKept?: Readonly<Record<string, ActionKept>>;
}>;

/** The elements of one action's activity and detail kept as given. */
export type ActionKept = Readonly<{ activity?: KeptElements; detail?: KeptElements }>;

export const CARE_PLAN_CONTENT_KEYS: readonly (keyof CarePlanContent)[] = [
  'category',
  'title',
  'description',
  'subject',
  'period',
  'situation',
  'goals',
  'actions',
  'coordinator',
  'medecinTraitant',
  'careTeam',
  'reviewDate',
  'notes',
  'kept',
  'actionsKept',
];

/** The content keys of the elements kept as given (the others are the domain's). */
export const KEPT_CONTENT_KEYS: readonly (keyof CarePlanContent)[] = ['kept', 'actionsKept'];
export type ModelledContentKey = Exclude<keyof CarePlanContent, 'kept' | 'actionsKept'>;

/** Whether the plan is a PPCS: one of its categories has the `ppcs` coding of the project CodeSystem. */
export function isPpcs(content: Pick<CarePlanContent, 'category'>): boolean {
  return content.category.some((concept) =>
    (concept.coding ?? []).some(
      (coding) => coding.system === CARE_PLAN_CATEGORY_SYSTEM && coding.code === PPCS_CATEGORY_CODE,
    ),
  );
}
