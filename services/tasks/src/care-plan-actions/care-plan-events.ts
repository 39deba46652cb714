/**
 * What the Tasks service reads of the care-plans events it consumes (contracts:
 * `contracts/events/care-plans/CarePlanActions*.v1`, `CarePlanAlertRaised.v1`). The pipeline
 * checks each message against its contract before the handler sees it; these types name the
 * fields used here, nothing more: the two services share contracts, not code.
 */
import type { Party, TaskCodeableConcept } from '../task/index.js';

type CodeableConcept = TaskCodeableConcept;

type PatientIdentifier = Readonly<{ system: string; value: string }>;

export type HandedAction = Readonly<{
  actionId: string;
  occurrence: number;
  code: CodeableConcept;
  description?: string;
  performer: Party;
  due?: string;
  expectedResult?: string;
  priority: 'routine' | 'urgent' | 'asap' | 'stat';
}>;

type HandOver = Readonly<{
  carePlanId: string;
  at: string;
  patient: PatientIdentifier;
  coordinator: Party;
}>;

export type ActionsScheduled = HandOver & Readonly<{ actions: readonly HandedAction[] }>;

export type ActionsChanged = HandOver &
  Readonly<{ changes: readonly Readonly<{ action: HandedAction; changed: readonly string[] }>[] }>;

export type ActionsWithdrawn = Readonly<{
  carePlanId: string;
  at: string;
  actionIds: readonly string[];
  reason: CodeableConcept;
}>;

export type AlertRaised = Readonly<{
  carePlanId: string;
  at: string;
  alertId: string;
  kind: string;
  coordinator: Party;
  patient: PatientIdentifier;
  reason: string;
  due: string;
  actionId?: string;
  taskId?: string;
}>;
