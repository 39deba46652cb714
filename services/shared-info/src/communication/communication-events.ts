import type { Actor, DataCategory } from '@carenet/access';
import type { DomainEvent, JsonObject, Plain } from '@carenet/eventsourcing';
import type { CommunicationContent, CommunicationInformation } from './communication-content.js';
import type { CommunicationStatus } from './communication-values.js';

/**
 * What every Communication event records: which communication, whose (the patient by national
 * identifier, and the category of the information: what a consumer needs to apply the access
 * decision), who did it, when.
 */
type Fact = Readonly<{
  communicationId: string;
  patient: Readonly<{ system: string; value: string }>;
  category: DataCategory;
  by: Plain<Actor>;
  at: string;
}>;

/** The communication was recorded: its full content. */
export type CommunicationRecorded = DomainEvent<
  'CommunicationRecorded',
  Fact & { readonly communication: CommunicationContent }
>;

/** Its information (before it went out) or its kept elements changed: the new values and what was removed. */
export type CommunicationRevised = DomainEvent<
  'CommunicationRevised',
  Fact & {
    readonly changed: Partial<CommunicationInformation & { kept: JsonObject }>;
    readonly removed: (keyof CommunicationInformation | 'kept')[];
  }
>;

type StatusFact = Fact & {
  readonly status: CommunicationStatus;
  readonly previousStatus: CommunicationStatus;
};

/** Taken up (→ in-progress). */
export type CommunicationStarted = DomainEvent<'CommunicationStarted', StatusFact>;
/** Put on hold. */
export type CommunicationSuspended = DomainEvent<'CommunicationSuspended', StatusFact>;
/** Sent to its recipients (→ completed): its information no longer changes. */
export type CommunicationSent = DomainEvent<'CommunicationSent', StatusFact>;
/** Stopped, or not done (`status` says which): it will not go out. */
export type CommunicationStopped = DomainEvent<'CommunicationStopped', StatusFact>;
/** Recorded by mistake. */
export type CommunicationEnteredInError = DomainEvent<'CommunicationEnteredInError', StatusFact>;

export type CommunicationStatusEvent =
  | CommunicationStarted
  | CommunicationSuspended
  | CommunicationSent
  | CommunicationStopped
  | CommunicationEnteredInError;

export type CommunicationEvent = CommunicationRecorded | CommunicationRevised | CommunicationStatusEvent;
export type CommunicationEventType = CommunicationEvent['type'];

export const COMMUNICATION_EVENT_TYPES: readonly CommunicationEventType[] = [
  'CommunicationRecorded',
  'CommunicationRevised',
  'CommunicationStarted',
  'CommunicationSuspended',
  'CommunicationSent',
  'CommunicationStopped',
  'CommunicationEnteredInError',
];

/** The event of each status a communication moves to (preparation and unknown are initial only). */
export const COMMUNICATION_STATUS_EVENTS: Readonly<
  Record<Exclude<CommunicationStatus, 'preparation' | 'unknown'>, CommunicationStatusEvent['type']>
> = {
  'in-progress': 'CommunicationStarted',
  'on-hold': 'CommunicationSuspended',
  completed: 'CommunicationSent',
  stopped: 'CommunicationStopped',
  'not-done': 'CommunicationStopped',
  'entered-in-error': 'CommunicationEnteredInError',
};
