import type { Actor } from '@carenet/access';
import type { CarePlanContent } from './care-plan-content.js';
import type { HandedAction } from './care-plan-events.js';
import type { CarePlanStatus } from './care-plan-status.js';
import type {
  ActivityStatus,
  AgreedBy,
  AgreementMethod,
  CarePlanCodeableConcept,
  Representative,
} from './care-plan-values.js';
import type { Party } from '@carenet/access/party';
import type { Plain } from '@carenet/eventsourcing';

export interface NoCarePlan {
  readonly exists: false;
}

/** The médecin traitant's validation, of one set of actions (`actionsVersion`). */
export type Validation = Readonly<{
  validator: Party;
  by: Plain<Actor>;
  at: string;
  version: number;
  actionsVersion: number;
}>;

/** The patient's (or representative's) agreement, to one set of actions (`actionsVersion`). */
export type Agreement = Readonly<{
  agreedBy: AgreedBy;
  representative?: Representative;
  method: AgreementMethod;
  by: Plain<Actor>;
  at: string;
  version: number;
  actionsVersion: number;
}>;

/** An action handed to the Tasks service, and what the plan knows of its Task. */
export type ActionActivity = Readonly<{
  /** The action as last handed over (scheduled or changed). */
  handed: HandedAction;
  /** `activity.reference`: the Task, once the tasks consumer reported it. */
  taskId?: string;
  /** `activity.detail.status`. */
  status: ActivityStatus;
  /** The Task version of the last progress applied. */
  taskVersion?: number;
  /**
   * Withdrawn (removed from the plan, or the plan ended): its open Task is being cancelled. Kept
   * for its Task reference and status; an action put back is handed over again (new occurrence).
   */
  withdrawn: boolean;
}>;

export type ExistingCarePlan = CarePlanContent & {
  readonly exists: true;
  readonly id: string;
  readonly status: CarePlanStatus;
  /** Whether the plan is a PPCS (fixed at creation): the PPCS rules apply. */
  readonly ppcs: boolean;
  readonly author: Party;
  readonly created: string;
  /** The content version: 1 when drafted, + 1 per revision (status changes are not versions of the content). */
  readonly version: number;
  /** The number of the current set of actions: + 1 per revision that changes the actions. */
  readonly actionsVersion: number;
  readonly validation?: Validation;
  readonly agreement?: Agreement;
  /**
   * A PPCS in active or on-hold whose actions (or médecin traitant) changed since they were
   * validated and agreed: its changes are handed to the Tasks service once both are recorded again.
   */
  readonly revalidationRequired: boolean;
  /** The actions handed to the Tasks service (withdrawn ones included), by actionId. */
  readonly activities: Readonly<Record<string, ActionActivity>>;
  /** How many times each actionId was handed over (see HandedAction.occurrence). */
  readonly occurrences: Readonly<Record<string, number>>;
  /** Alert ids raised (each is raised once). */
  readonly alerts: readonly string[];
  readonly statusReason?: CarePlanCodeableConcept;
  readonly lastModified: string;
  readonly lastModifiedBy: Plain<Actor>;
};

export type CarePlanState = NoCarePlan | ExistingCarePlan;

export function initialState(): CarePlanState {
  return { exists: false };
}
